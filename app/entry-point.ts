// Shared main() of the production entry points: environment-only configuration, an existing Temporal
// cluster, graceful shutdown on SIGINT/SIGTERM.
import { ConfigError, loadConfig } from '../platform/config';
import { startStack } from './stack';

export async function runEntryPoint(name: string, parts: { api?: boolean; worker?: boolean }): Promise<void> {
  try {
    const config = loadConfig();
    if (!config.temporal.address) throw new ConfigError('TEMPORAL_ADDRESS is required (npm start is the one that starts a dev server)');
    // PGlite is single-process: separate API and worker processes must share a real PostgreSQL.
    if (!config.databaseUrl) throw new ConfigError('DATABASE_URL is required (the embedded PGlite database serves one process: use npm start)');
    const stack = await startStack({ config, ...parts });
    stack.logger.info({ url: stack.url, taskQueue: config.temporal.taskQueue }, `${name} started`);
    let stopping = false;
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.on(signal, async () => {
        if (stopping) return;
        stopping = true;
        stack.logger.info(`${signal}: ${name} shutting down`);
        await stack.stop();
        process.exit(0);
      });
    }
  } catch (error) {
    console.error(error instanceof ConfigError ? `Configuration error: ${error.message}` : error);
    process.exit(1);
  }
}
