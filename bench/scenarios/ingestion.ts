// Webhook ingestion beside bare signals (here on the one-process stack; ingestion-split measures the production
// shape): signed WhatsApp webhook POSTs that become workflow signals per second vs bare signals per second,
// sequential and at concurrency 10. The two alternate in blocks (bare first in even
// rounds, webhooks first in odd ones), each block drained before the next, so a noisy neighbour does not land on
// one side of the ratio only. Then every POST counted must have become exactly one inbox row and one recorded
// signal.
import type { Client, WorkflowHandle } from '@temporalio/client';
import { inboundMessageSignal } from '../../shared/messaging';
import { newPhone } from '../../test/support/customer';
import { pokeSignal, pokesQuery, type bareWorkflow } from '../bare-workflow';
import type { PrismaClient } from '../../prisma/generated/client';
import { f, log, waitFor, type BareBaseline, type Harness, type Row, type Scenario, type VerificationApi } from '../harness';
import type { BenchHttp } from '../http';
import { inboundTextWebhook, metaSignature, newWamid } from '../meta';
import { alternate, sleep, throughput, type Throughput } from '../stats';

export const BUDGET_INGEST_RATIO = 0.7; // PRODUCT.md §6: webhook ingestion ≥ 70 % of bare signals/s
export const CONCURRENCY = 10;

export const ingestionParameters = (quick: boolean) => ({
  warmup: quick ? 2 : 20,
  signalsSequential: quick ? 20 : 500,
  signalsConcurrent: quick ? 40 : 1000,
  /** bare signal and webhook blocks alternate this many times per concurrency level */
  signalRounds: quick ? 2 : 5,
  /** verification workflows the inbound webhooks are routed to, one phone each */
  targetWorkflows: quick ? 4 : 20,
});

/** What the measurement needs of a stack: its API, its database, a client that reads its histories, the bare baseline. */
export interface IngestionTarget {
  http: BenchHttp;
  api: VerificationApi;
  bare: BareBaseline;
  prisma: PrismaClient;
  client: Client;
  whatsapp: { appSecret: string; phoneNumberId: string };
}

export const ingestion: Scenario = {
  name: 'ingestion',
  summary: 'signed WhatsApp webhook POSTs that become workflow signals/s vs bare signals/s, sequential and at 10 concurrent',
  async run(h: Harness) {
    const { stack, http, api } = await h.stack();
    const bare = await h.bare();
    const whatsapp = { appSecret: stack.config.whatsapp.appSecret ?? '', phoneNumberId: stack.config.whatsapp.phoneNumberId ?? '' };
    const measured = await measureIngestion(h.quick, { http, api, bare, prisma: stack.db.prisma, client: stack.client, whatsapp });
    const { json, ...report } = ingestionReport('', measured);
    return { ...report, json: { ...json.figures, budgets: json.budgets } };
  },
};

export async function measureIngestion(quick: boolean, on: IngestionTarget) {
  const p = ingestionParameters(quick);
  const { http, api, bare, prisma, whatsapp } = on;
  const { appSecret, phoneNumberId } = whatsapp;
  const drainPokes = async (handles: Array<WorkflowHandle<typeof bareWorkflow>>, expected: number) => {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const counts = await Promise.all(handles.map((h) => h.query(pokesQuery)));
      if (counts.reduce((a, b) => a + b, 0) >= expected) return;
      if (Date.now() > deadline) throw new Error(`signals not processed: ${counts.join(',')} of ${expected}`);
      await sleep(20);
    }
  };

  // Real verification workflows as the signal targets: SMS verifications, each with a conversation
  // wait on its phone, so a free-text WhatsApp message from that phone is routed to it as an
  // `inboundMessage` signal (the verification has no handler for it; Temporal records it anyway).
  log(`webhook ingestion: ${p.targetWorkflows} SMS verifications as signal targets…`);
  const targets: Array<{ id: string; phone: string; workflowId: string }> = [];
  for (let i = 0; i < p.targetWorkflows; i++) {
    const phone = newPhone();
    const id = await api.create(phone);
    targets.push({ id, phone, workflowId: `verification-${id}` });
  }
  for (const target of targets) {
    await prisma.conversationWait.create({ data: { workflowId: target.workflowId, subjectId: target.id, phone: target.phone, expects: 'otp' } });
  }
  // The SMS status callbacks (sent, delivered) are webhooks too: let them land before measuring.
  for (const target of targets) {
    await waitFor(async () => ((await api.get(target.id)).sends?.[0]?.status === 'delivered' ? true : undefined), `delivery of ${target.id}'s SMS`);
  }
  const targetHandles = targets.map((target) => on.client.workflow.getHandle(target.workflowId));
  /** until no target workflow has a workflow task pending: the signals are processed, not only recorded */
  const targetsIdle = () =>
    waitFor(
      async () => ((await Promise.all(targetHandles.map((h) => h.describe()))).every((d) => !d.raw.pendingWorkflowTask) ? true : undefined),
      'the target workflows to go idle',
      20,
      30_000,
    );
  await targetsIdle();

  const webhooks: Array<{ wamid: string; workflowId: string; status: number; body: any }> = [];
  let webhookSeq = 0;
  /** signed inbound texts spread over the target phones (built before a block, not timed) */
  const buildWebhooks = (n: number) =>
    Array.from({ length: n }, () => {
      const k = webhookSeq++;
      const target = targets[k % targets.length];
      const wamid = newWamid();
      const raw = Buffer.from(inboundTextWebhook(phoneNumberId, target.phone, wamid, `Hola 👋 ¿me reenvías el código? Mensaje ${k} / gracias`));
      return { wamid, workflowId: target.workflowId, raw, signature: metaSignature(appSecret, raw) };
    });
  const postWebhook = async (hook: ReturnType<typeof buildWebhooks>[number]) => {
    const res = await http.raw('POST', '/webhooks/whatsapp', hook.raw, { 'content-type': 'application/json', 'x-hub-signature-256': hook.signature });
    webhooks.push({ wamid: hook.wamid, workflowId: hook.workflowId, status: res.status, body: res.body });
  };

  log(
    `bare signals vs signed webhook POSTs, ${p.signalRounds} alternating blocks each: ${p.signalsSequential} sequential (bare: 1 workflow), ` +
      `${p.signalsConcurrent} at concurrency ${CONCURRENCY} (bare: ${CONCURRENCY} workflows); webhooks over ${p.targetWorkflows} verifications…`,
  );
  const sigOne = await bare.startBare('sig');
  const sigMany: Array<WorkflowHandle<typeof bareWorkflow>> = [];
  for (let i = 0; i < CONCURRENCY; i++) sigMany.push(await bare.startBare('sigc'));
  const signalLevels: Record<string, { bare: Throughput; bareProcessedPerSecond: number; webhooks: Throughput; webhooksProcessedPerSecond: number }> = {};
  for (const [concurrency, total] of [
    [1, p.signalsSequential],
    [CONCURRENCY, p.signalsConcurrent],
  ] as const) {
    const handles = concurrency === 1 ? [sigOne] : sigMany;
    const poke = (i: number) => handles[i % handles.length].signal(pokeSignal, i);
    let poked = 0;
    await throughput(p.warmup, concurrency, poke);
    await drainPokes(handles, (poked += p.warmup));
    const warmHooks = buildWebhooks(p.warmup);
    await throughput(p.warmup, concurrency, (i) => postWebhook(warmHooks[i]));
    await targetsIdle();

    const perBlock = total / p.signalRounds;
    const seconds = { bare: 0, bareProcessed: 0, webhooks: 0, webhooksProcessed: 0 };
    const bareBlock = async () => {
      const t = await throughput(perBlock, concurrency, poke);
      const drainStart = performance.now();
      await drainPokes(handles, (poked += perBlock));
      seconds.bare += t.seconds;
      seconds.bareProcessed += t.seconds + (performance.now() - drainStart) / 1000;
    };
    const webhookBlock = async () => {
      const hooks = buildWebhooks(perBlock);
      const t = await throughput(perBlock, concurrency, (i) => postWebhook(hooks[i]));
      const idleStart = performance.now();
      await targetsIdle();
      seconds.webhooks += t.seconds;
      seconds.webhooksProcessed += t.seconds + (performance.now() - idleStart) / 1000;
    };
    await alternate(p.signalRounds, bareBlock, webhookBlock);
    signalLevels[`c${concurrency}`] = {
      bare: { n: total, concurrency, seconds: seconds.bare, perSecond: total / seconds.bare },
      bareProcessedPerSecond: total / seconds.bareProcessed,
      webhooks: { n: total, concurrency, seconds: seconds.webhooks, perSecond: total / seconds.webhooks },
      webhooksProcessedPerSecond: total / seconds.webhooksProcessed,
    };
  }

  // Every POST counted must have become exactly one inbox row and one recorded signal.
  log('checking the webhooks: answers, inbox rows, signals in the target histories…');
  const inbox = await prisma.inboxEvent.findMany({
    where: { messageId: { in: webhooks.map((w) => w.wamid) } },
    select: { messageId: true, routedTo: true, processedAt: true },
  });
  const rowsPerMessage = new Map<string, number>();
  for (const row of inbox) rowsPerMessage.set(row.messageId, (rowsPerMessage.get(row.messageId) ?? 0) + 1);
  const expectedTarget = new Map(webhooks.map((w) => [w.wamid, w.workflowId]));
  let signalsRecorded = 0;
  let targetsRunning = 0;
  for (const handle of targetHandles) {
    const history = await handle.fetchHistory();
    signalsRecorded += (history.events ?? []).filter((e) => e.workflowExecutionSignaledEventAttributes?.signalName === inboundMessageSignal.name).length;
    if ((await handle.describe()).status.name === 'RUNNING') targetsRunning++;
  }
  const c = {
    posts: webhooks.length,
    answered200Routed1: webhooks.filter((w) => w.status === 200 && w.body?.received === 1 && w.body?.duplicates === 0 && w.body?.routed === 1).length,
    inboxRows: inbox.length,
    messagesWithExactlyOneRow: webhooks.filter((w) => rowsPerMessage.get(w.wamid) === 1).length,
    processedAndRoutedToTheirWorkflow: inbox.filter((row) => row.processedAt && row.routedTo === expectedTarget.get(row.messageId)).length,
    inboundMessageSignalsRecorded: signalsRecorded,
    targetWorkflows: targetHandles.length,
    targetWorkflowsRunning: targetsRunning,
    ok: false,
  };
  c.ok =
    c.answered200Routed1 === c.posts &&
    c.inboxRows === c.posts &&
    c.messagesWithExactlyOneRow === c.posts &&
    c.processedAndRoutedToTheirWorkflow === c.posts &&
    c.inboundMessageSignalsRecorded === c.posts &&
    c.targetWorkflowsRunning === c.targetWorkflows;

  return { p, signalLevels, check: c };
}

/** The report of one shape: `shape` is appended to the row names ('' for the one-process stack). */
export function ingestionReport(shape: string, measured: Awaited<ReturnType<typeof measureIngestion>>) {
  const { p, signalLevels, check: c } = measured;
  const signalsSeq = signalLevels.c1.bare;
  const signalsConc = signalLevels[`c${CONCURRENCY}`].bare;
  const signalsSeqProcessedPerSecond = signalLevels.c1.bareProcessedPerSecond;
  const signalsConcProcessedPerSecond = signalLevels[`c${CONCURRENCY}`].bareProcessedPerSecond;
  const webhooksSeq = signalLevels.c1.webhooks;
  const webhooksConc = signalLevels[`c${CONCURRENCY}`].webhooks;
  const ingestRatio = { c1: webhooksSeq.perSecond / signalsSeq.perSecond, cN: webhooksConc.perSecond / signalsConc.perSecond };
  const ingestMet = { c1: ingestRatio.c1 >= BUDGET_INGEST_RATIO, cN: ingestRatio.cN >= BUDGET_INGEST_RATIO };
  return {
    setup: [
      `webhooks: signed Meta-style inbound texts to /webhooks/whatsapp, routed as inboundMessage signals to ${p.targetWorkflows} running verifications; ` +
        `bare signals: 1 workflow (sequential) / ${CONCURRENCY} workflows (concurrency ${CONCURRENCY}); ${p.signalRounds} alternating blocks per side, each drained before the next`,
    ],
    rows: <Row[]>[
      [`webhook POSTs/s → signal vs bare signals/s, sequential${shape}`, f(webhooksSeq.perSecond), f(signalsSeq.perSecond), `${f(ingestRatio.c1, 2)}×`],
      [
        `webhook POSTs/s → signal vs bare signals/s, concurrency ${CONCURRENCY}${shape}`,
        f(webhooksConc.perSecond),
        f(signalsConc.perSecond),
        `${f(ingestRatio.cN, 2)}×`,
      ],
    ],
    growth: [
      `  signals processed by the workflows/s: sequential ${f(signalsSeqProcessedPerSecond)}, concurrency ${CONCURRENCY} ${f(signalsConcProcessedPerSecond)}`,
      `  webhook signals processed by the verifications/s: sequential ${f(signalLevels.c1.webhooksProcessedPerSecond)}, concurrency ${CONCURRENCY} ${f(signalLevels[`c${CONCURRENCY}`].webhooksProcessedPerSecond)}`,
    ],
    checks: [
      `webhook check${shape}: ${c.answered200Routed1}/${c.posts} POSTs answered 200 with routed: 1; inbox ${c.inboxRows} rows, ${c.messagesWithExactlyOneRow}/${c.posts} messages with exactly one, ` +
        `${c.processedAndRoutedToTheirWorkflow}/${c.posts} processed and routed to their workflow; ${c.inboundMessageSignalsRecorded}/${c.posts} inboundMessage signals in the ` +
        `${c.targetWorkflows} histories, ${c.targetWorkflowsRunning}/${c.targetWorkflows} still running — ${c.ok ? 'OK' : 'MISMATCH'}`,
    ],
    budgets: [
      `budget (PRODUCT.md §6): webhook ingestion${shape} ≥ ${BUDGET_INGEST_RATIO * 100} % of bare signals/s — sequential ${ingestMet.c1 ? 'MET' : 'NOT MET'} (${f(ingestRatio.c1 * 100, 0)} %), ` +
        `concurrency ${CONCURRENCY} ${ingestMet.cN ? 'MET' : 'NOT MET'} (${f(ingestRatio.cN * 100, 0)} %)`,
    ],
    json: {
      budgets: [
        { name: `webhook ingestion vs bare signals, sequential${shape}`, minRatio: BUDGET_INGEST_RATIO, ratio: ingestRatio.c1, met: ingestMet.c1 },
        {
          name: `webhook ingestion vs bare signals, concurrency ${CONCURRENCY}${shape}`,
          minRatio: BUDGET_INGEST_RATIO,
          ratio: ingestRatio.cN,
          met: ingestMet.cN,
        },
      ],
      figures: {
        setup: {
          warmup: p.warmup,
          concurrency: CONCURRENCY,
          signalsSequential: p.signalsSequential,
          signalsConcurrent: p.signalsConcurrent,
          signalRounds: p.signalRounds,
          webhooksSequential: p.signalsSequential,
          webhooksConcurrent: p.signalsConcurrent,
          webhookTargetWorkflows: p.targetWorkflows,
        },
        throughputPerSecond: {
          bareSignalsSequential: signalsSeq.perSecond,
          bareSignalsConcurrent: signalsConc.perSecond,
          bareSignalsSequentialProcessed: signalsSeqProcessedPerSecond,
          bareSignalsConcurrentProcessed: signalsConcProcessedPerSecond,
          webhooksSequential: webhooksSeq.perSecond,
          webhooksConcurrent: webhooksConc.perSecond,
          webhooksSequentialProcessed: signalLevels.c1.webhooksProcessedPerSecond,
          webhooksConcurrentProcessed: signalLevels[`c${CONCURRENCY}`].webhooksProcessedPerSecond,
        },
        webhookIngestionCheck: c,
        ratios: { webhooksPerBareSignalC1: ingestRatio.c1, webhooksPerBareSignalC10: ingestRatio.cN },
      },
    },
  };
}
