// Creation in the production shape: `npm run api` and `npm run worker` as processes of their own on a PostgreSQL of
// their own (test/support/cluster.ts, as the kill -9 harness and `npm run load` run them), the sandbox as the external
// provider in the bench's process. Verifications created per second through that API beside bare workflow starts per
// second on the same Temporal server. In the one-process stack (scenario creation) the new workflow's first task, its
// SMS send and its status webhooks all share the API's event loop; here they do not, as in a deployment.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { freePort } from '../../platform/dev-server';
import { Cluster, cleanupOnExit } from '../../test/support/cluster';
import { startSandboxProvider } from '../../test/support/sandbox-provider';
import { log, startBareBaseline, VerificationApi, waitFor, type Harness, type Scenario } from '../harness';
import { verificationWorkflowId } from '../../shared/verification';
import { BenchHttp } from '../http';
import { creationReport, measureCreation } from './creation';

const SHAPE = ', api + worker processes, PostgreSQL';

export const creationSplit: Scenario = {
  name: 'creation-split',
  summary: 'the same creation figures with `npm run api` and `npm run worker` in processes of their own on PostgreSQL (the production shape)',
  async run(h: Harness) {
    const cluster = Cluster.create('testigo-bench-split-');
    const release = cleanupOnExit(cluster);
    try {
      log('creation, production shape: a private PostgreSQL and Temporal server, npm run api and npm run worker…');
      const [postgres, temporal] = await Promise.all([cluster.postgres(), cluster.temporal()]);
      const port = await freePort();
      const url = `http://127.0.0.1:${port}`;
      const sandbox = await startSandboxProvider({ appUrl: url });
      cluster.onStop(() => sandbox.close());
      const apiKey = `tsk_bench_${randomBytes(16).toString('hex')}`;
      const env = {
        DATA_DIR: path.join(cluster.dir, 'data'),
        DATABASE_URL: await postgres.createDatabase('testigo'),
        TEMPORAL_ADDRESS: temporal.address,
        PUBLIC_BASE_URL: url,
        API_KEY: apiKey,
        PAYLOAD_KEY: randomBytes(32).toString('base64'),
        ...sandbox.env(),
      };
      // The API logs at warn (no line per request); the worker at info, because its readiness is its "worker started".
      const api = cluster.app({ role: 'api', env: { ...env, PORT: String(port), LOG_LEVEL: 'warn' }, url });
      const worker = cluster.app({ role: 'worker', env: { ...env, PORT: '0', LOG_LEVEL: 'info' } });
      await api.start(); // migrates the database before the worker reads it
      await worker.start();
      const bare = await startBareBaseline(temporal.address, 'default');
      cluster.onStop(() => bare.stop());
      const http = new BenchHttp(url, apiKey);
      cluster.onStop(() => http.close());
      const verifications = new VerificationApi(http);
      const measured = await measureCreation(
        h.quick,
        bare,
        (phone) => verifications.create(phone),
        async () => sandbox.store.phones().length,
      );
      const report = creationReport(SHAPE, h.quick, measured);
      // What the one Temporal server does for each: a verification's history once its SMS is delivered (its start, its
      // tasks, the send, the two receipts) beside a bare start's. Both share the machine's two cores with everything else.
      const eventsOf = async (workflowId: string) => (await bare.client.workflow.getHandle(workflowId).fetchHistory()).events?.length ?? 0;
      await waitFor(
        async () => ((await verifications.get(measured.lastCreated)).sends?.[0]?.status === 'delivered' ? true : undefined),
        'the last SMS delivered',
      );
      const lastHandle = bare.client.workflow.getHandle(verificationWorkflowId(measured.lastCreated));
      await waitFor(async () => ((await lastHandle.describe()).raw.pendingWorkflowTask ? undefined : true), 'its workflow to go idle');
      const historyEvents = {
        verification: await eventsOf(verificationWorkflowId(measured.lastCreated)),
        bareStart: await eventsOf(measured.lastBareStart.workflowId),
      };
      const { budgets, ...figures } = report.json;
      return {
        setup: [
          `creation-split: npm run api + npm run worker (separate processes), a private PostgreSQL and Temporal server; the sandbox and the bare worker in the bench's process`,
        ],
        rows: report.rows,
        growth: [
          `  history events on the Temporal server: a verification once its SMS is delivered ${historyEvents.verification}, a bare start ${historyEvents.bareStart}`,
        ],
        budgets: report.budgets,
        json: { creationSplit: { ...figures, historyEvents }, budgets },
      };
    } finally {
      await cluster.stop();
      release();
    }
  },
};
