// `npm start`: the whole stack on one machine with nothing else running. A Temporal dev server
// (unless TEMPORAL_ADDRESS is set) persisted in DATA_DIR, the database (PGlite in DATA_DIR unless
// DATABASE_URL is set, migrated), the worker, the API and the sandbox. Ctrl-C stops everything.
import { mkdirSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import pretty from 'pino-pretty';
import { newAdminKey } from '../domain/api-keys';
import { newApiKey } from '../domain/tenants';
import { ConfigError, loadConfig } from '../platform/config';
import { startDevServer, type DevServer } from '../platform/dev-server';
import { startStack } from './stack';

const started = performance.now();
const say = (line: string) => process.stdout.write(`${line}\n`);

/** A development key kept in DATA_DIR/keys/<name> (generated the first time), so restarts keep the same key. */
function devKey(dataDir: string, name: string, generate: () => string): string {
  const file = path.join(dataDir, 'keys', name);
  if (!existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    writeFileSync(file, `${generate()}\n`, { mode: 0o600 });
  }
  return readFileSync(file, 'utf8').trim();
}

async function main() {
  const config = loadConfig();
  mkdirSync(config.dataDir, { recursive: true });
  let devServer: DevServer | undefined;
  if (!config.temporal.address) {
    say('Starting the Temporal dev server…');
    devServer = await startDevServer({
      dbFile: path.join(config.dataDir, 'temporal', 'dev.db'),
      port: Number(process.env.TEMPORAL_DEV_PORT ?? 7233),
      uiPort: Number(process.env.TEMPORAL_UI_PORT ?? 8233),
      namespace: config.temporal.namespace,
      codecEndpoint: `${config.publicBaseUrl}/codec`,
      log: say,
      restartOnExit: true,
    });
    config.temporal.address = devServer.address;
    config.temporalUiUrl = devServer.uiUrl ?? config.temporalUiUrl;
  }
  if (!config.apiKey && config.development) config.apiKey = devKey(config.dataDir, 'dev-api-key', newApiKey);
  if (!config.adminApiKey && config.development) config.adminApiKey = devKey(config.dataDir, 'dev-admin-api-key', newAdminKey);

  const logStream = process.stdout.isTTY ? pretty({ colorize: true, ignore: 'pid,hostname', translateTime: 'SYS:HH:MM:ss.l' }) : undefined;
  const stack = await startStack({ config, api: true, worker: true, logStream });

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    say(`\n${signal}: stopping the API, the worker${devServer ? ' and the Temporal dev server' : ''}…`);
    await stack.stop();
    await devServer?.stop();
    say('Stopped.');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  const secs = ((performance.now() - started) / 1000).toFixed(1);
  say('');
  say(`Testigo is ready (${secs} s).`);
  say(`  API            ${config.publicBaseUrl}   (listening on ${stack.url})`);
  say(`  API docs       ${config.publicBaseUrl}/docs   (OpenAPI: ${config.publicBaseUrl}/openapi.json)`);
  say(`  Temporal UI    ${config.temporalUiUrl}   (server ${config.temporal.address}, namespace ${config.temporal.namespace})`);
  if (stack.config.sms.provider === 'sandbox' || stack.config.whatsapp.provider === 'sandbox') say(`  Sandbox phone  ${config.publicBaseUrl}/sandbox`);
  say(`  Database       ${config.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : `PGlite in ${path.join(config.dataDir, 'pglite')}`}`);
  if (config.development && config.apiKey) say(`  API key        ${config.apiKey}   (development only; set API_KEY to choose it)`);
  if (config.development && config.adminApiKey)
    say(`  Admin key      ${config.adminApiKey}   (development only: /v1/admin, testigo tenants|keys; set ADMIN_API_KEY to choose it)`);
  say('');
  say(
    `Try: curl -s ${config.publicBaseUrl}/v1/verifications -H "Authorization: Bearer ${config.development ? config.apiKey : '<key>'}" -H 'content-type: application/json' -d '{"to":"+34600111222","channel":"sms"}'`,
  );
  say('Press Ctrl-C to stop.');
}

main().catch((error) => {
  console.error(error instanceof ConfigError ? `Configuration error: ${error.message}` : error);
  process.exit(1);
});
