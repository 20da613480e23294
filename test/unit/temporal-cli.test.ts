// Finding the Temporal CLI: TEMPORAL_CLI, then PATH, then the cache. Hermetic: fake executables in a
// temp dir, and never `build: true` (that would run `go install` or download the CLI).
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cacheDir, resolveTemporalCli, TEMPORAL_CLI_VERSION, TemporalCliUnavailable } from '../../platform/temporal-cli';

describe('resolveTemporalCli', () => {
  let tmp: string;
  let emptyDir: string;
  const logs: string[] = [];
  const log = (line: string) => logs.push(line);

  function fakeCli(dir: string, name = 'temporal', mode = 0o755): string {
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, name);
    writeFileSync(file, '#!/bin/sh\necho "temporal version 0.0.0-fake"\n');
    chmodSync(file, mode);
    return file;
  }

  beforeEach(() => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'testigo-cli-'));
    emptyDir = path.join(tmp, 'empty');
    mkdirSync(emptyDir);
    logs.length = 0;
  });
  afterEach(() => rmSync(tmp, { recursive: true, force: true }));

  it('throws TemporalCliUnavailable naming TEMPORAL_CLI when it is not executable', async () => {
    const file = fakeCli(path.join(tmp, 'explicit'), 'temporal', 0o644);
    const onPath = fakeCli(path.join(tmp, 'bin'));
    await assert.rejects(
      resolveTemporalCli({ env: { TEMPORAL_CLI: file, PATH: path.dirname(onPath) }, log, build: false }),
      (e: unknown) => e instanceof TemporalCliUnavailable && e.message.includes(`TEMPORAL_CLI=${file}`),
    );
  });

  it('throws when TEMPORAL_CLI points at a missing file or a directory (no fallback to PATH)', async () => {
    const bin = path.join(tmp, 'bin');
    fakeCli(bin);
    for (const bad of [path.join(tmp, 'nope'), bin]) {
      await assert.rejects(
        resolveTemporalCli({ env: { TEMPORAL_CLI: bad, PATH: bin }, log, build: false }),
        (e: unknown) => e instanceof TemporalCliUnavailable && e.message.includes(bad),
      );
    }
  });

  it('prefers a valid TEMPORAL_CLI over PATH and the cache', async () => {
    const explicit = fakeCli(path.join(tmp, 'explicit'), 'my-temporal');
    const bin = path.join(tmp, 'bin');
    fakeCli(bin);
    const cacheBase = path.join(tmp, 'cache');
    const env = { TEMPORAL_CLI: explicit, PATH: bin, TESTIGO_CACHE_DIR: cacheBase };
    fakeCli(cacheDir(env));
    assert.deepEqual(await resolveTemporalCli({ env, log, build: false }), { path: explicit, source: 'TEMPORAL_CLI' });
  });

  it('prefers `temporal` on PATH over the cache', async () => {
    const bin = path.join(tmp, 'bin');
    const onPath = fakeCli(bin);
    const env = { PATH: [emptyDir, bin].join(path.delimiter), TESTIGO_CACHE_DIR: path.join(tmp, 'cache') };
    fakeCli(cacheDir(env));
    assert.deepEqual(await resolveTemporalCli({ env, log, build: false }), { path: onPath, source: 'PATH' });
  });

  it('skips a non-executable `temporal` on PATH and takes the next PATH entry', async () => {
    fakeCli(path.join(tmp, 'a'), 'temporal', 0o644);
    const good = fakeCli(path.join(tmp, 'b'));
    const env = { PATH: [path.join(tmp, 'a'), '', path.join(tmp, 'b')].join(path.delimiter), TESTIGO_CACHE_DIR: path.join(tmp, 'cache') };
    assert.deepEqual(await resolveTemporalCli({ env, log, build: false }), { path: good, source: 'PATH' });
  });

  it('uses the cached build when PATH has none', async () => {
    const env = { PATH: emptyDir, TESTIGO_CACHE_DIR: path.join(tmp, 'cache') };
    const cached = fakeCli(cacheDir(env));
    assert.deepEqual(await resolveTemporalCli({ env, log, build: false }), { path: cached, source: 'cache' });
  });

  it('ignores a non-executable cached file', async () => {
    const env = { PATH: emptyDir, TESTIGO_CACHE_DIR: path.join(tmp, 'cache') };
    fakeCli(cacheDir(env), 'temporal', 0o644);
    await assert.rejects(resolveTemporalCli({ env, log, build: false }), TemporalCliUnavailable);
  });

  it('with nothing available and build:false, throws TemporalCliUnavailable naming the cache path, and builds nothing', async () => {
    const env = { PATH: emptyDir, TESTIGO_CACHE_DIR: path.join(tmp, 'cache') };
    const expected = path.join(cacheDir(env), 'temporal');
    await assert.rejects(
      resolveTemporalCli({ env, log, build: false }),
      (e: unknown) => e instanceof TemporalCliUnavailable && e.message.includes('No Temporal CLI found') && e.message.includes(expected),
    );
    assert.deepEqual(logs, [], 'nothing was attempted');
  });

  it('with build:false and no PATH at all, still throws (an unset PATH is not an error)', async () => {
    await assert.rejects(resolveTemporalCli({ env: { TESTIGO_CACHE_DIR: path.join(tmp, 'cache') }, log, build: false }), TemporalCliUnavailable);
  });
});

describe('cacheDir', () => {
  it('is TESTIGO_CACHE_DIR/temporal-<version> when set', () => {
    assert.equal(cacheDir({ TESTIGO_CACHE_DIR: '/c', XDG_CACHE_HOME: '/x' }), path.join('/c', `temporal-${TEMPORAL_CLI_VERSION}`));
  });

  it('falls back to XDG_CACHE_HOME/testigo, then ~/.cache/testigo', () => {
    assert.equal(cacheDir({ XDG_CACHE_HOME: '/x' }), path.join('/x', 'testigo', `temporal-${TEMPORAL_CLI_VERSION}`));
    assert.equal(cacheDir({}), path.join(os.homedir(), '.cache', 'testigo', `temporal-${TEMPORAL_CLI_VERSION}`));
  });

  // An empty variable means unset (XDG spec), never a path relative to the working directory.
  it('treats an empty XDG_CACHE_HOME or TESTIGO_CACHE_DIR is treated as unset (absolute path under ~/.cache)', () => {
    const expected = path.join(os.homedir(), '.cache', 'testigo', `temporal-${TEMPORAL_CLI_VERSION}`);
    assert.equal(cacheDir({ XDG_CACHE_HOME: '' }), expected);
    assert.equal(cacheDir({ TESTIGO_CACHE_DIR: '' }), expected);
  });
});
