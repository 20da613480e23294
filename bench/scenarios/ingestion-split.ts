// Webhook ingestion in the production shape (bench/split-stack.ts: `npm run api` and `npm run worker` as processes of
// their own on PostgreSQL): the same signed POSTs and bare signals as scenario ingestion, on the cluster's Temporal
// server. In the one-process stack a webhook's HTTP work shares its event loop with the worker, PGlite and the bench's
// own clients; here the API process does only the webhook's work, as in a deployment.
import { log, type Harness, type Scenario } from '../harness';
import { ingestionReport, measureIngestion } from './ingestion';

const SHAPE = ', api + worker processes, PostgreSQL';

export const ingestionSplit: Scenario = {
  name: 'ingestion-split',
  summary: 'the same ingestion figures with `npm run api` and `npm run worker` in processes of their own on PostgreSQL (the production shape)',
  async run(h: Harness) {
    const split = await h.split();
    log('webhook ingestion, production shape…');
    const measured = await measureIngestion(h.quick, {
      http: split.http,
      api: split.api,
      bare: split.bare,
      prisma: split.db.prisma,
      client: split.bare.client,
      whatsapp: split.whatsapp,
    });
    const { json, ...report } = ingestionReport(SHAPE, measured);
    return {
      ...report,
      setup: [
        `ingestion-split: npm run api + npm run worker (separate processes), a private PostgreSQL and Temporal server; the sandbox and the bare worker in the bench's process`,
      ],
      json: { ingestionSplit: json.figures, budgets: json.budgets },
    };
  },
};
