// Creation in the production shape (bench/split-stack.ts: `npm run api` and `npm run worker` as processes of their own
// on a PostgreSQL of their own, the sandbox as the external provider in the bench's process). Verifications created per
// second through that API beside bare workflow starts per second on the same Temporal server. In the one-process stack
// (scenario creation) the new workflow's first task, its SMS send and its status webhooks all share the API's event
// loop; here they do not, as in a deployment.
import { log, waitFor, type Harness, type Scenario } from '../harness';
import { verificationWorkflowId } from '../../shared/verification';
import { creationReport, measureCreation } from './creation';

const SHAPE = ', api + worker processes, PostgreSQL';

export const creationSplit: Scenario = {
  name: 'creation-split',
  summary: 'the same creation figures with `npm run api` and `npm run worker` in processes of their own on PostgreSQL (the production shape)',
  async run(h: Harness) {
    const { bare, api: verifications, sandbox } = await h.split();
    log('creation, production shape…');
    const measured = await measureCreation(
      h.quick,
      bare,
      (phone) => verifications.create(phone),
      async () => sandbox.store.phones().length,
    );
    const report = creationReport(SHAPE, h.quick, measured);
    // What the one Temporal server does for each: a verification's history once its SMS is delivered (its start, its
    // tasks, the send) beside a bare start's. Both share the machine's two cores with everything else.
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
  },
};
