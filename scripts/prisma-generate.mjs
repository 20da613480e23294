#!/usr/bin/env node
// Runs `prisma generate` so that it also works offline (run by `npm install` through "postinstall").
//
// The Prisma 7 client needs no native engine, but the CLI still tries to download the native schema engine
// before generating, which fails without internet. Pointing PRISMA_SCHEMA_ENGINE_BINARY at any existing file
// skips that download; `prisma generate` never executes it. The variable is set only for this child process
// (NEVER export it for `prisma migrate deploy`/`migrate status`: with it they exit 0 and do nothing).
// If the caller already set PRISMA_SCHEMA_ENGINE_BINARY (e.g. a real native engine), it is left alone.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));

let prismaCli;
try {
  prismaCli = join(dirname(require.resolve('prisma/package.json')), 'build', 'index.js');
} catch {
  console.error('prisma-generate: the "prisma" package is not installed; cannot generate the Prisma client.');
  process.exit(1);
}
if (!existsSync(prismaCli)) {
  console.error(`prisma-generate: Prisma CLI not found at ${prismaCli}; cannot generate the Prisma client.`);
  process.exit(1);
}

const env = { ...process.env };
if (!env.PRISMA_SCHEMA_ENGINE_BINARY) {
  // Any existing file will do: generate only checks that the path exists. Use the Node binary itself.
  env.PRISMA_SCHEMA_ENGINE_BINARY = process.execPath;
}
// No update checks / telemetry calls (no internet on CI and development machines).
env.CHECKPOINT_DISABLE ??= '1';
env.PRISMA_HIDE_UPDATE_MESSAGE ??= '1';

const result = spawnSync(process.execPath, [prismaCli, 'generate'], { cwd: root, env, stdio: 'inherit' });
if (result.error) {
  console.error(`prisma-generate: could not run the Prisma CLI: ${result.error.message}`);
  process.exit(1);
}
if (result.status !== 0) {
  console.error(
    `prisma-generate: \`prisma generate\` failed (exit ${result.status ?? `signal ${result.signal}`}). ` +
      'The Prisma client in prisma/generated/ is missing or stale; fix the error above and rerun `npm run postinstall`.',
  );
  process.exit(result.status || 1);
}
const clientEntry = join(root, 'prisma', 'generated', 'client.ts');
if (!existsSync(clientEntry)) {
  console.error(`prisma-generate: \`prisma generate\` exited 0 but ${clientEntry} does not exist.`);
  process.exit(1);
}
