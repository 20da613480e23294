// The production shape for the scenarios that measure it: `npm run api` and `npm run worker` as processes of their own
// on a private PostgreSQL and Temporal server (test/support/cluster.ts, as the kill -9 harness and `npm run load` run
// them), the sandbox as the external provider and the bare baseline in the bench's process. In the one-process stack
// the API's requests, the worker's tasks, the SMS sends and their status webhooks share one event loop; here they do
// not, as in a deployment. The bench's own connection to that database reads and seeds what the scenarios check.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { SANDBOX_WHATSAPP } from '../platform/config';
import { openDatabase, type Database } from '../platform/db';
import { freePort } from '../platform/dev-server';
import { Cluster, cleanupOnExit } from '../test/support/cluster';
import { startSandboxProvider, type SandboxProvider } from '../test/support/sandbox-provider';
import { log, startBareBaseline, VerificationApi, type BareBaseline } from './harness';
import { BenchHttp } from './http';

export interface SplitStack {
  url: string;
  temporalAddress: string;
  http: BenchHttp;
  api: VerificationApi;
  /** the bare baseline on the cluster's Temporal server; its client also reads our workflows' histories */
  bare: BareBaseline;
  sandbox: SandboxProvider;
  /** the bench's own connection to the app's database */
  db: Database;
  whatsapp: { appSecret: string; phoneNumberId: string };
  stop(): Promise<void>;
}

export async function startSplitStack(): Promise<SplitStack> {
  const cluster = Cluster.create('testigo-bench-split-');
  const release = cleanupOnExit(cluster);
  try {
    log('production shape: a private PostgreSQL and Temporal server, npm run api and npm run worker…');
    const [postgres, temporal] = await Promise.all([cluster.postgres(), cluster.temporal()]);
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const sandbox = await startSandboxProvider({ appUrl: url });
    cluster.onStop(() => sandbox.close());
    const apiKey = `tsk_bench_${randomBytes(16).toString('hex')}`;
    const databaseUrl = await postgres.createDatabase('testigo');
    const env = {
      DATA_DIR: path.join(cluster.dir, 'data'),
      DATABASE_URL: databaseUrl,
      TEMPORAL_ADDRESS: temporal.address,
      PUBLIC_BASE_URL: url,
      API_KEY: apiKey,
      PAYLOAD_KEY: randomBytes(32).toString('base64'),
      ...sandbox.env(),
    };
    // The API logs at warn (no line per request); the worker at info, because its readiness is its "worker started".
    // BENCH_API_NODE_OPTIONS: node options for the API process alone, e.g. `--import ./bench/cpu-profile.mjs` (a CPU profile).
    const apiNodeOptions: Record<string, string> = process.env.BENCH_API_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_API_NODE_OPTIONS } : {};
    const api = cluster.app({ role: 'api', env: { ...env, ...apiNodeOptions, PORT: String(port), LOG_LEVEL: 'warn' }, url });
    const worker = cluster.app({ role: 'worker', env: { ...env, PORT: '0', LOG_LEVEL: 'info' } });
    await api.start(); // migrates the database before the worker reads it
    await worker.start();
    const db = await openDatabase({ url: databaseUrl, migrate: false });
    cluster.onStop(() => db.close());
    const bare = await startBareBaseline(temporal.address, 'default');
    cluster.onStop(() => bare.stop());
    const http = new BenchHttp(url, apiKey);
    cluster.onStop(() => http.close());
    let stopping: Promise<void> | undefined;
    return {
      url,
      temporalAddress: temporal.address,
      http,
      api: new VerificationApi(http),
      bare,
      sandbox,
      db,
      // the app's processes run on the sandbox's defaults (no WHATSAPP_* in their environment)
      whatsapp: { appSecret: SANDBOX_WHATSAPP.appSecret, phoneNumberId: SANDBOX_WHATSAPP.phoneNumberId },
      stop: () =>
        (stopping ??= (async () => {
          await cluster.stop();
          release();
        })()),
    };
  } catch (error) {
    await cluster.stop();
    release();
    throw error;
  }
}
