// Finds or provisions the Temporal CLI (it carries the dev server and the Web UI). One function used
// by `npm start`, the test harness, the benchmarks and CI, in this order:
//   1. TEMPORAL_CLI (an explicit path)          2. `temporal` on PATH
//   3. a cached build in the cache directory    4. `go install` from the Go module proxy (pinned)
//   5. the Temporal SDK's own download (needs internet; not available on the offline CI machines)
import { spawn, spawnSync } from 'node:child_process';
import { accessSync, constants, mkdirSync, readdirSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** `go install pkg@version` works for CLI v1.1.0–v1.5.1 only (later versions carry replace directives). */
export const TEMPORAL_CLI_VERSION = 'v1.5.1';
const GO_PACKAGE = 'github.com/temporalio/cli/cmd/temporal';

export interface ResolvedCli {
  path: string;
  source: 'TEMPORAL_CLI' | 'PATH' | 'cache' | 'go-build' | 'sdk-download';
}

export class TemporalCliUnavailable extends Error {}

export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  // Empty variables count as unset (as everywhere in the configuration, and as the XDG spec says).
  const base = env.TESTIGO_CACHE_DIR || path.join(env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'testigo');
  return path.join(base, `temporal-${TEMPORAL_CLI_VERSION}`);
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

function onPath(name: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (dir && isExecutable(path.join(dir, name))) return path.join(dir, name);
  }
  return undefined;
}

type Log = (line: string) => void;

async function goInstall(target: string, log: Log, env: NodeJS.ProcessEnv): Promise<string> {
  const go = onPath('go', env) ?? (isExecutable('/usr/local/go/bin/go') ? '/usr/local/go/bin/go' : undefined);
  if (!go) throw new Error('Go is not installed');
  mkdirSync(target, { recursive: true });
  log(`Building the Temporal CLI ${TEMPORAL_CLI_VERSION} with ${go} (first time only, several minutes)…`);
  const started = Date.now();
  const stderr: string[] = [];
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(go, ['install', `${GO_PACKAGE}@${TEMPORAL_CLI_VERSION}`], {
      env: { ...env, GOBIN: target, CGO_ENABLED: '0', GOFLAGS: env.GOFLAGS ?? '-buildvcs=false' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
    child.on('error', reject);
    child.on('exit', resolve);
  });
  const binary = path.join(target, 'temporal');
  if (code !== 0 || !isExecutable(binary)) {
    throw new Error(`go install exited with ${code}: ${stderr.join('').trim().split('\n').slice(-15).join('\n')}`);
  }
  log(`Temporal CLI built in ${((Date.now() - started) / 1000).toFixed(0)} s → ${binary}`);
  return binary;
}

/** Last resort: let the SDK download the CLI (it needs the internet), then reuse the downloaded file. */
async function sdkDownload(target: string, log: Log): Promise<string> {
  const { TestWorkflowEnvironment } = await import('@temporalio/testing');
  mkdirSync(target, { recursive: true });
  log('Asking the Temporal SDK to download the CLI…');
  const env = await TestWorkflowEnvironment.createLocal({
    server: { executable: { type: 'cached-download', downloadDir: target, version: TEMPORAL_CLI_VERSION } },
  });
  await env.teardown();
  const found = readdirSync(target)
    .map((name) => path.join(target, name))
    .find((file) => path.basename(file).startsWith('temporal') && isExecutable(file));
  if (!found) throw new Error(`the SDK download left no executable in ${target}`);
  return found;
}

export async function resolveTemporalCli(options: { env?: NodeJS.ProcessEnv; log?: Log; build?: boolean } = {}): Promise<ResolvedCli> {
  const env = options.env ?? process.env;
  const log = options.log ?? ((line) => console.error(line));
  if (env.TEMPORAL_CLI) {
    if (!isExecutable(env.TEMPORAL_CLI)) throw new TemporalCliUnavailable(`TEMPORAL_CLI=${env.TEMPORAL_CLI} is not an executable file`);
    return { path: env.TEMPORAL_CLI, source: 'TEMPORAL_CLI' };
  }
  const fromPath = onPath('temporal', env);
  if (fromPath) return { path: fromPath, source: 'PATH' };

  const target = cacheDir(env);
  const cached = path.join(target, 'temporal');
  if (isExecutable(cached)) return { path: cached, source: 'cache' };
  if (options.build === false) throw new TemporalCliUnavailable(`No Temporal CLI found (TEMPORAL_CLI, PATH, ${cached})`);

  const failures: string[] = [];
  try {
    return { path: await goInstall(target, log, env), source: 'go-build' };
  } catch (error) {
    failures.push(`go install ${GO_PACKAGE}@${TEMPORAL_CLI_VERSION}: ${(error as Error).message}`);
  }
  try {
    return { path: await sdkDownload(target, log), source: 'sdk-download' };
  } catch (error) {
    failures.push(`SDK download: ${(error as Error).message}`);
  }
  throw new TemporalCliUnavailable(
    [
      'Could not find or provision the Temporal CLI. Tried, in order:',
      '  - TEMPORAL_CLI (unset)',
      '  - `temporal` on PATH (not found)',
      `  - cached build ${cached} (absent)`,
      ...failures.map((f) => `  - ${f}`),
      'Fix one of them: install Go ≥ 1.25 (https://go.dev/dl), put `temporal` on PATH, or set TEMPORAL_CLI=/path/to/temporal.',
      'Or point the app at an existing server with TEMPORAL_ADDRESS=host:7233.',
    ].join('\n'),
  );
}

export function cliVersion(cli: string): string {
  const out = spawnSync(cli, ['--version'], { encoding: 'utf8' });
  return (out.stdout || out.stderr || '').trim();
}
