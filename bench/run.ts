// `npm run bench`: our OTP check round trip and verification creation through the real API, signed
// WhatsApp webhooks ingested as workflow signals, and the reaction from an inbound webhook to the next
// outbound message at the provider, beside a bare Temporal baseline (a trivial workflow on its own
// worker and task queue) measured in the same process, on the same in-memory dev server, in the same
// run; then contract processes per minute and the reaction to a tap beside a bare workflow of the same
// shape (bench/contracts.ts), sealing time per document (bench/sealing.ts) and the evidence certificate of a
// 100-event process (bench/certificate.ts; alone: npm run bench:certificate). Prints a table and
// writes bench/results/latest.json. Benchmarks report; they do not assert
// (the PRODUCT.md §6 budgets are printed as met or not, and the exit code is 0 either way).
//
// HTTP: node:http with one keep-alive agent over loopback (bench/http.ts), so the figures carry no
// TCP handshakes. Temporal: the stack's own client for our side, a separate Client (default data
// converter, no codec) and a separate Worker for the bare side.
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, Worker } from '@temporalio/worker';
import { loadConfig } from '../platform/config';
import { createPostgresTestDatabase, openDatabase } from '../platform/db';
import { freePort, startDevServer } from '../platform/dev-server';
import { startStack } from '../app/stack';
import { inboundMessageSignal, messageStatusSignal } from '../shared/messaging';
import { cliVersion, resolveTemporalCli } from '../platform/temporal-cli';
import { bareStartWorkflow, bareWorkflow, pingUpdate, pokeSignal, pokesQuery, stopSignal } from './bare-workflow';
import { BenchHttp } from './http';
import { failedStatusWebhook, inboundTextWebhook, metaSignature, newWamid } from './meta';
import { SandboxEvents } from './sse';
import { benchContracts, formatContracts } from './contracts';
import { benchCertificate, formatCertificateTable } from './certificate';
import { benchSealing, formatSealingTable } from './sealing';
import { meanByPosition, sleep, summarize, throughput, timed, type LatencySummary, type Throughput } from './stats';

// ---- parameters ---------------------------------------------------------------------------------
const WARMUP = 20;
const CHECKS = 200;
const CHECKS_PER_VERIFICATION = 9; // maxAttempts 10: never exhausted, one attempt left for the right code
const VERIFICATIONS = Math.ceil(CHECKS / CHECKS_PER_VERIFICATION); // 23
const WARMUP_VERIFICATIONS = Math.ceil(WARMUP / CHECKS_PER_VERIFICATION);
const SIGNALS_SEQUENTIAL = 500;
const SIGNALS_CONCURRENT = 1000;
const STARTS = 150; // per concurrency level, for both creates and bare starts
const CONCURRENCY = 10;
const BUDGET_CHECK_P50_MS = 30; // PRODUCT.md §6
const INGEST_WORKFLOWS = 20; // verification workflows the inbound webhooks are routed to, one phone each
const SIGNAL_ROUNDS = 5; // bare signal and webhook blocks alternate this many times per concurrency level
const BUDGET_INGEST_RATIO = 0.7; // PRODUCT.md §6: webhook ingestion ≥ 70 % of bare signals/s
const REACTION_WARMUP = 10;
const REACTION_SAMPLES = 100;
const BUDGET_REACTION_P50_MS = 50; // PRODUCT.md §6: inbound webhook → next outbound message at the provider
const BUDGET_REACTION_P99_MS = 250;
/** holds the WhatsApp emulator's own status webhooks back while a reaction sample runs (its maximum) */
const HOLD_STATUSES_MS = 60_000;

/** run in reverse when the bench fails half-way, so no dev server outlives it */
const onFailure: Array<() => Promise<unknown>> = [];

const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);
const discard = () => new Writable({ write: (_chunk, _encoding, done) => done() });

// ---- phones and codes ---------------------------------------------------------------------------
let phoneSeq = Math.floor(Math.random() * 50_000_000);
/** valid Spanish mobile numbers, one handset per verification */
const nextPhone = () => `+346${String(phoneSeq++).padStart(8, '0')}`;
const wrongCode = (code: string, k: number) => String((Number(code) + 1 + k) % 1_000_000).padStart(6, '0');

async function main(): Promise<void> {
  const t0 = performance.now();
  const date = new Date();
  const loadAtStart = os.loadavg();
  const cli = await resolveTemporalCli({ log });

  // ---- the stack, mirroring test/support/stack.ts ----
  log('starting the Temporal dev server (in memory)…');
  const devServer = await startDevServer({ uiPort: false, log });
  onFailure.push(() => devServer.stop());
  // BENCH_DATABASE_URL: a PostgreSQL server on which the bench creates (and drops) its own database;
  // unset: in-memory PGlite, as the tests use by default.
  const pg = process.env.BENCH_DATABASE_URL ? await createPostgresTestDatabase(process.env.BENCH_DATABASE_URL) : undefined;
  if (pg) onFailure.push(() => pg.drop());
  const database = await openDatabase({ url: pg?.url });
  const databaseLabel = pg ? 'PostgreSQL (BENCH_DATABASE_URL)' : 'in-memory PGlite';
  const apiKey = `tsk_bench_${randomBytes(16).toString('hex')}`;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'testigo-bench-'));
  const config = loadConfig({
    ...process.env,
    PORT: String(await freePort()),
    DATA_DIR: dataDir,
    TEMPORAL_ADDRESS: devServer.address,
    TEMPORAL_TASK_QUEUE: `testigo-bench-${randomBytes(4).toString('hex')}`,
    API_KEY: apiKey,
    LOG_LEVEL: 'warn',
  });
  log('starting the stack (API + worker + in-memory PGlite)…');
  const stack = await startStack({ config, api: true, worker: true, database, sandboxInMemory: true, logStream: discard() });
  onFailure.push(() => stack.stop());
  const http = new BenchHttp(stack.url!, apiKey);

  // ---- the bare baseline: its own bundle, worker, task queue and client ----
  log('bundling and starting the bare worker…');
  const bareQueue = `bench-bare-${randomBytes(4).toString('hex')}`;
  const { code: bareCode } = await bundleWorkflowCode({
    workflowsPath: fileURLToPath(new URL('./bare-workflow.ts', import.meta.url)),
    logger: { log: () => undefined, trace: () => undefined, debug: () => undefined, info: () => undefined, warn: (m) => log(m), error: (m) => log(m) },
  });
  const bareNative = await NativeConnection.connect({ address: devServer.address });
  const bareWorker = await Worker.create({
    connection: bareNative,
    namespace: config.temporal.namespace,
    taskQueue: bareQueue,
    workflowBundle: { code: bareCode },
  });
  const bareRun = bareWorker.run();
  onFailure.push(async () => {
    if (bareWorker.getState() === 'RUNNING') bareWorker.shutdown();
    await bareRun;
  });
  const bareConnection = await Connection.connect({ address: devServer.address });
  const bare = new Client({ connection: bareConnection, namespace: config.temporal.namespace });
  const startBare = (tag: string) => bare.workflow.start(bareWorkflow, { taskQueue: bareQueue, workflowId: `bench-${tag}-${randomBytes(6).toString('hex')}` });

  // ---- our API calls ----
  const create = async (phone: string): Promise<string> => {
    const res = await http.request('POST', '/v1/verifications', { to: phone, channel: 'sms', maxAttempts: 10 });
    if (res.status !== 201) throw new Error(`create answered ${res.status}: ${JSON.stringify(res.body)}`);
    return res.body.id as string;
  };
  const smsCount = async (phone: string): Promise<Array<{ id: string; body: string; at: string; status: string }>> => {
    const res = await http.request('GET', `/sandbox/api/phones/${encodeURIComponent(phone)}/sms`, undefined, false);
    if (res.status !== 200) throw new Error(`sandbox answered ${res.status}`);
    return res.body;
  };
  const codeFor = async (phone: string, pollMs = 10, timeoutMs = 20_000): Promise<string> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const [sms] = await smsCount(phone);
      const match = sms && /\b(\d{6})\b/.exec(sms.body);
      if (match) return match[1];
      if (Date.now() > deadline) throw new Error(`no SMS for ${phone} within ${timeoutMs} ms`);
      await sleep(pollMs);
    }
  };
  const getVerification = async (id: string): Promise<{ status: string; sends?: Array<{ channel: string; status: string; at: string }> }> => {
    const res = await http.request('GET', `/v1/verifications/${id}`);
    if (res.status !== 200) throw new Error(`GET ${id} answered ${res.status}`);
    return res.body;
  };
  const waitFor = async <T>(probe: () => Promise<T | undefined>, what: string, pollMs = 5, timeoutMs = 20_000): Promise<T> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await probe();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (${timeoutMs} ms)`);
      await sleep(pollMs);
    }
  };
  const prisma = stack.db.prisma;
  const appSecret = stack.config.whatsapp.appSecret ?? '';
  const phoneNumberId = stack.config.whatsapp.phoneNumberId ?? '';
  const check = async (id: string, code: string, expect: { valid: boolean; status: string }): Promise<number> => {
    const { ms, value: res } = await timed(() => http.request('POST', `/v1/verifications/${id}/checks`, { code }));
    if (res.status !== 200 || res.body.valid !== expect.valid || res.body.status !== expect.status) {
      throw new Error(`check answered ${res.status} ${JSON.stringify(res.body)}, expected ${JSON.stringify(expect)}`);
    }
    return ms;
  };

  // =================================================================================================
  // 1. Check round trip through the API (wrong codes: each one is a real Update recording an attempt)
  //    beside a bare Update round trip of the same shape (9 per workflow, 23 workflows)
  // =================================================================================================
  log(`creating ${WARMUP_VERIFICATIONS + VERIFICATIONS} verifications and reading their codes…`);
  const timeToSms: number[] = [];
  const verifications: Array<{ id: string; code: string }> = [];
  for (let i = 0; i < WARMUP_VERIFICATIONS + VERIFICATIONS; i++) {
    const phone = nextPhone();
    const start = performance.now();
    const id = await create(phone);
    const code = await codeFor(phone, 5);
    if (i >= WARMUP_VERIFICATIONS) timeToSms.push(performance.now() - start);
    verifications.push({ id, code });
  }
  await sleep(300); // let the last projections land

  const ping = async (handle: WorkflowHandle<typeof bareWorkflow>, n: number) => {
    const { ms, value } = await timed(() => handle.executeUpdate(pingUpdate, { args: [n] }));
    if (value !== n) throw new Error(`ping answered ${value}, expected ${n}`);
    return ms;
  };
  const bareHandles: Array<WorkflowHandle<typeof bareWorkflow>> = [];
  for (let i = 0; i < WARMUP_VERIFICATIONS + VERIFICATIONS; i++) bareHandles.push(await startBare('upd'));

  // Our checks and the bare updates alternate block by block (9 checks on verification g, then 9
  // updates on bare workflow g), so both see the same machine at the same moment and slow drift or
  // a noisy neighbour does not land on one side of the ratio only.
  log(`check round trip vs bare update: ${WARMUP} warm-up + ${CHECKS} measured each, interleaved per workflow…`);
  let warm = 0;
  for (let g = 0; g < WARMUP_VERIFICATIONS; g++) {
    const v = verifications[g];
    const n = Math.min(CHECKS_PER_VERIFICATION, WARMUP - warm);
    for (let k = 0; k < n; k++) await check(v.id, wrongCode(v.code, k), { valid: false, status: 'pending' });
    for (let k = 0; k < n; k++) await ping(bareHandles[g], k);
    warm += n;
  }
  const checkSamples: Array<{ position: number; ms: number }> = [];
  const bareSamples: Array<{ position: number; ms: number }> = [];
  const measured = verifications.slice(WARMUP_VERIFICATIONS);
  const bareMeasured = bareHandles.slice(WARMUP_VERIFICATIONS);
  for (let g = 0; g < VERIFICATIONS; g++) {
    const v = measured[g];
    const n = Math.min(CHECKS_PER_VERIFICATION, CHECKS - g * CHECKS_PER_VERIFICATION);
    for (let k = 0; k < n; k++) checkSamples.push({ position: k, ms: await check(v.id, wrongCode(v.code, k), { valid: false, status: 'pending' }) });
    for (let k = 0; k < n; k++) bareSamples.push({ position: k, ms: await ping(bareMeasured[g], k) });
  }
  log(`${VERIFICATIONS} right-code checks…`);
  const rightSamples: number[] = [];
  for (const v of measured) rightSamples.push(await check(v.id, v.code, { valid: true, status: 'approved' }));

  // The API's floor without Temporal: the same auth + read-model lookup a check starts with.
  log(`GET /v1/verifications/{id}: ${WARMUP} warm-up + ${CHECKS} measured…`);
  const get = async (id: string) => {
    const { ms, value: res } = await timed(() => http.request('GET', `/v1/verifications/${id}`));
    if (res.status !== 200) throw new Error(`GET answered ${res.status}`);
    return ms;
  };
  for (let i = 0; i < WARMUP; i++) await get(verifications[i % verifications.length].id);
  const getSamples: number[] = [];
  for (let i = 0; i < CHECKS; i++) getSamples.push(await get(measured[i % measured.length].id));

  // =================================================================================================
  // 2. Growth probe: 20 + 200 bare updates on ONE workflow (temporal#6512: update latency grows
  //    with the number of updates a workflow has received)
  // =================================================================================================
  log(`bare updates on one workflow: ${WARMUP} warm-up + ${CHECKS} measured…`);
  const oneWorkflow = await startBare('upd-one');
  for (let i = 0; i < WARMUP; i++) await ping(oneWorkflow, i);
  const bareOneSamples: number[] = [];
  for (let i = 0; i < CHECKS; i++) bareOneSamples.push(await ping(oneWorkflow, i));

  // =================================================================================================
  // 3. Webhook ingestion beside bare signals: signed WhatsApp webhook POSTs that become workflow
  //    signals per second vs bare signals per second, sequential and at concurrency 10. The two
  //    alternate in blocks (bare first in even rounds, webhooks first in odd ones), each block
  //    drained before the next, so a noisy neighbour does not land on one side of the ratio only.
  // =================================================================================================
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
  log(`webhook ingestion: ${INGEST_WORKFLOWS} SMS verifications as signal targets…`);
  const targets: Array<{ id: string; phone: string; workflowId: string }> = [];
  for (let i = 0; i < INGEST_WORKFLOWS; i++) {
    const phone = nextPhone();
    const id = await create(phone);
    await codeFor(phone, 5);
    targets.push({ id, phone, workflowId: `verification-${id}` });
  }
  for (const target of targets) {
    await prisma.conversationWait.create({ data: { workflowId: target.workflowId, subjectId: target.id, phone: target.phone, expects: 'otp' } });
  }
  // The SMS status callbacks (sent, delivered) are signals too: let them land before measuring.
  for (const target of targets) {
    await waitFor(async () => ((await getVerification(target.id)).sends?.[0]?.status === 'delivered' ? true : undefined), `delivery of ${target.id}'s SMS`);
  }
  const targetHandles = targets.map((target) => stack.client.workflow.getHandle(target.workflowId));
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
    `bare signals vs signed webhook POSTs, ${SIGNAL_ROUNDS} alternating blocks each: ${SIGNALS_SEQUENTIAL} sequential (bare: 1 workflow), ` +
      `${SIGNALS_CONCURRENT} at concurrency ${CONCURRENCY} (bare: ${CONCURRENCY} workflows); webhooks over ${INGEST_WORKFLOWS} verifications…`,
  );
  const sigOne = await startBare('sig');
  const sigMany: Array<WorkflowHandle<typeof bareWorkflow>> = [];
  for (let i = 0; i < CONCURRENCY; i++) sigMany.push(await startBare('sigc'));
  const signalLevels: Record<string, { bare: Throughput; bareProcessedPerSecond: number; webhooks: Throughput; webhooksProcessedPerSecond: number }> = {};
  for (const [concurrency, total] of [
    [1, SIGNALS_SEQUENTIAL],
    [CONCURRENCY, SIGNALS_CONCURRENT],
  ] as const) {
    const handles = concurrency === 1 ? [sigOne] : sigMany;
    const poke = (i: number) => handles[i % handles.length].signal(pokeSignal, i);
    let poked = 0;
    await throughput(WARMUP, concurrency, poke);
    await drainPokes(handles, (poked += WARMUP));
    const warmHooks = buildWebhooks(WARMUP);
    await throughput(WARMUP, concurrency, (i) => postWebhook(warmHooks[i]));
    await targetsIdle();

    const perBlock = total / SIGNAL_ROUNDS;
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
    for (let r = 0; r < SIGNAL_ROUNDS; r++) {
      if (r % 2 === 0) {
        await bareBlock();
        await webhookBlock();
      } else {
        await webhookBlock();
        await bareBlock();
      }
    }
    signalLevels[`c${concurrency}`] = {
      bare: { n: total, concurrency, seconds: seconds.bare, perSecond: total / seconds.bare },
      bareProcessedPerSecond: total / seconds.bareProcessed,
      webhooks: { n: total, concurrency, seconds: seconds.webhooks, perSecond: total / seconds.webhooks },
      webhooksProcessedPerSecond: total / seconds.webhooksProcessed,
    };
  }
  const signalsSeq = signalLevels.c1.bare;
  const signalsConc = signalLevels[`c${CONCURRENCY}`].bare;
  const signalsSeqProcessedPerSecond = signalLevels.c1.bareProcessedPerSecond;
  const signalsConcProcessedPerSecond = signalLevels[`c${CONCURRENCY}`].bareProcessedPerSecond;
  const webhooksSeq = signalLevels.c1.webhooks;
  const webhooksConc = signalLevels[`c${CONCURRENCY}`].webhooks;

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
  const ingestionCheck = {
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
  ingestionCheck.ok =
    ingestionCheck.answered200Routed1 === ingestionCheck.posts &&
    ingestionCheck.inboxRows === ingestionCheck.posts &&
    ingestionCheck.messagesWithExactlyOneRow === ingestionCheck.posts &&
    ingestionCheck.processedAndRoutedToTheirWorkflow === ingestionCheck.posts &&
    ingestionCheck.inboundMessageSignalsRecorded === ingestionCheck.posts &&
    ingestionCheck.targetWorkflowsRunning === ingestionCheck.targetWorkflows;

  // =================================================================================================
  // 4. Verifications created per second through the API beside bare workflow starts per second
  // =================================================================================================
  let phonesCreated = WARMUP_VERIFICATIONS + VERIFICATIONS + INGEST_WORKFLOWS;
  const drainSms = async () => {
    // Every creation sends one SMS to its own handset: wait until the sandbox has them all, so the
    // background sends of one phase do not load the next.
    const deadline = Date.now() + 60_000;
    for (;;) {
      const res = await http.request('GET', '/sandbox/api/phones', undefined, false);
      if ((res.body as string[]).length >= phonesCreated) break;
      if (Date.now() > deadline) throw new Error(`only ${(res.body as string[]).length} of ${phonesCreated} SMS arrived`);
      await sleep(50);
    }
    await sleep(300);
  };
  const bareStart = () => bare.workflow.start(bareStartWorkflow, { taskQueue: bareQueue, workflowId: `bench-start-${randomBytes(8).toString('hex')}` });

  const creates: Record<string, Throughput & { latency?: LatencySummary }> = {};
  const starts: Record<string, Throughput & { latency?: LatencySummary }> = {};
  for (const concurrency of [1, CONCURRENCY]) {
    log(`bare starts vs creates at concurrency ${concurrency}: ${WARMUP} warm-up + ${STARTS} each…`);
    const bareStarted: Array<WorkflowHandle<typeof bareStartWorkflow>> = [];
    await throughput(WARMUP, concurrency, async () => bareStarted.push(await bareStart()));
    const startMs: number[] = [];
    const s = await throughput(STARTS, concurrency, async () => {
      const { ms, value } = await timed(bareStart);
      startMs.push(ms);
      bareStarted.push(value);
    });
    starts[`c${concurrency}`] = { ...s, latency: concurrency === 1 ? summarize(startMs) : undefined };
    await Promise.all(bareStarted.map((h) => h.result()));

    await throughput(WARMUP, concurrency, () => create(nextPhone()));
    phonesCreated += WARMUP;
    const createMs: number[] = [];
    const c = await throughput(STARTS, concurrency, async () => {
      const { ms } = await timed(() => create(nextPhone()));
      createMs.push(ms);
    });
    phonesCreated += STARTS;
    creates[`c${concurrency}`] = { ...c, latency: concurrency === 1 ? summarize(createMs) : undefined };
    await drainSms();
  }

  // 4b. Contract processes per minute and reaction to a tap, beside a bare workflow of the same shape
  //     (bench/contracts.ts); sealing time per document (bench/sealing.ts). Before 5, whose held-back
  //     status webhooks would land in the middle.
  const contracts = await benchContracts({ stack, http, temporalAddress: devServer.address, log }).catch((error: Error) => error);
  log('sealing: 1 and 50 pages…');
  const sealing = await benchSealing();
  const certificate = await benchCertificate({ log });

  // =================================================================================================
  // 5. Reaction: inbound webhook → next outbound message at the provider. A WhatsApp verification
  //    whose send gets a signed `failed` (131026) status webhook falls back to SMS; from just before
  //    that POST until the SMS reaches the sandbox handset (its SSE event for that phone). Last, so
  //    the emulator's held-back status webhooks never fire during another phase.
  // =================================================================================================
  log(`reaction: WhatsApp failed (131026) webhook → SMS on the handset, ${REACTION_WARMUP} warm-up + ${REACTION_SAMPLES} measured…`);
  type ReactionBreakdown = { webhookToSignal: number; signalToActivityScheduled: number; scheduledToStarted: number; startedToSmsAtProvider: number };
  type ReactionSample = { ms: number; answerMs: number; breakdown: ReactionBreakdown; fallbackStatus: string };
  const reactionSample = async (events: SandboxEvents): Promise<ReactionSample | { unavailable: string }> => {
    const phone = nextPhone();
    const created = await http.request('POST', '/v1/verifications', { to: phone, channel: 'whatsapp', fallbackAfterSeconds: 600 });
    if (created.status !== 201) throw new Error(`create (whatsapp) answered ${created.status}: ${JSON.stringify(created.body)}`);
    const id = created.body.id as string;
    // A status only counts once the workflow has recorded the send it is about (then it is projected).
    const first = await waitFor(async () => (await getVerification(id)).sends?.[0], `the first send of ${id}`);
    const row = await prisma.outboundMessage.findFirst({ where: { workflowId: `verification-${id}`, channel: 'whatsapp' } });
    if (!row?.providerMessageId) {
      const detail = row ? `outbound row status ${row.status}${row.error ? ` (${JSON.stringify(row.error)})` : ''}` : 'no outbound row';
      return {
        unavailable: `the WhatsApp send got no provider message id (sends[0] ${first.channel}/${first.status}, ${detail}): no wamid to report a failure for`,
      };
    }
    if (first.channel !== 'whatsapp' || first.status !== 'accepted' || row.status !== 'accepted') {
      return {
        unavailable: `the WhatsApp send was already ${row.status} (sends[0] ${first.channel}/${first.status}) before the failed webhook: the emulator's status webhooks were not held back`,
      };
    }
    const raw = Buffer.from(failedStatusWebhook(phoneNumberId, row.providerMessageId, phone, id));
    const signature = metaSignature(appSecret, raw);
    const arrived = events.next(phone);
    arrived.catch(() => undefined); // awaited below; a failed POST must not leave it unhandled
    const wallClock = Date.now();
    const start = performance.now();
    const answer = await http.raw('POST', '/webhooks/whatsapp', raw, { 'content-type': 'application/json', 'x-hub-signature-256': signature });
    const answerMs = performance.now() - start;
    if (answer.status !== 200 || answer.body?.routed !== 1)
      throw new Error(`the failed-status webhook answered ${answer.status} ${JSON.stringify(answer.body)}`);
    const ms = (await arrived) - start;
    // What arrived is the fallback SMS, sent after the POST — not some other change on that handset.
    const sms = await smsCount(phone);
    if (sms.length !== 1 || Date.parse(sms[0].at) < wallClock - 1)
      throw new Error(`expected one SMS on ${phone} after the webhook, found ${JSON.stringify(sms)}`);
    // Let the SMS's own status callbacks (sent, delivered) land and the workflow go idle before the
    // next sample, so one sample's tail does not load the next.
    await waitFor(async () => {
      const rows = await prisma.inboxEvent.findMany({ where: { messageId: sms[0].id }, select: { processedAt: true } });
      return rows.length >= 2 && rows.every((r) => r.processedAt) ? true : undefined;
    }, `the status callbacks of ${id}'s fallback SMS`);
    const handle = stack.client.workflow.getHandle(`verification-${id}`);
    await waitFor(async () => ((await handle.describe()).raw.pendingWorkflowTask ? undefined : true), `verification-${id} to go idle`);
    // Observation only: does the projection show the fallback SMS delivered once all that landed?
    const fallbackSend = (await getVerification(id)).sends?.[1];
    // Where the time went, from the workflow's history (server clock; same host as ours): the first
    // messageStatus signal is this webhook's (the emulator's own statuses are held back).
    const history = (await handle.fetchHistory()).events ?? [];
    const timeOf = (e: (typeof history)[number] | undefined) => (e?.eventTime ? Number(e.eventTime.seconds ?? 0) * 1000 + (e.eventTime.nanos ?? 0) / 1e6 : NaN);
    const signalAt = history.findIndex((e) => e.workflowExecutionSignaledEventAttributes?.signalName === messageStatusSignal.name);
    const scheduled = signalAt < 0 ? undefined : history.slice(signalAt).find((e) => e.activityTaskScheduledEventAttributes);
    const started = scheduled && history.find((e) => String(e.activityTaskStartedEventAttributes?.scheduledEventId ?? '') === String(scheduled.eventId));
    const postWall = performance.timeOrigin + start;
    const breakdown = {
      webhookToSignal: timeOf(history[signalAt]) - postWall,
      signalToActivityScheduled: timeOf(scheduled) - timeOf(history[signalAt]),
      scheduledToStarted: timeOf(started) - timeOf(scheduled),
      startedToSmsAtProvider: postWall + ms - timeOf(started),
    };
    return { ms, answerMs, breakdown, fallbackStatus: fallbackSend ? `${fallbackSend.channel}/${fallbackSend.status}` : 'absent' };
  };
  const measureReaction = async (): Promise<{ samples: ReactionSample[] } | { unavailable: string }> => {
    // The emulator reports sent → delivered a few ms after accepting a send, and a delivered message
    // does not fall back: its fault switch holds its status webhooks back while the phase runs.
    const hold = await http.request('POST', '/sandbox/api/faults', { statusDelayMs: HOLD_STATUSES_MS }, false);
    if (hold.status !== 200) return { unavailable: `the sandbox's WhatsApp fault switches are not there (POST /sandbox/api/faults answered ${hold.status})` };
    const events = await SandboxEvents.open(`${stack.url}/sandbox/api/events`);
    try {
      const samples: ReactionSample[] = [];
      for (let i = 0; i < REACTION_WARMUP + REACTION_SAMPLES; i++) {
        const sample = await reactionSample(events);
        if ('unavailable' in sample) return sample;
        if (i >= REACTION_WARMUP) samples.push(sample);
      }
      return { samples };
    } finally {
      events.close();
      await http.request('DELETE', '/sandbox/api/faults', undefined, false).catch(() => undefined);
    }
  };
  const reactionOutcome = await measureReaction().catch((error: Error) => ({ unavailable: `the phase failed: ${error.message}` }));
  const reaction = 'samples' in reactionOutcome ? summarize(reactionOutcome.samples.map((s) => s.ms)) : undefined;
  const reactionAnswer = 'samples' in reactionOutcome ? summarize(reactionOutcome.samples.map((s) => s.answerMs)) : undefined;
  const reactionUnavailable = 'unavailable' in reactionOutcome ? reactionOutcome.unavailable : undefined;
  if (reactionUnavailable) log(`reaction latency unavailable: ${reactionUnavailable}`);
  const reactionBreakdown =
    'samples' in reactionOutcome
      ? (Object.fromEntries(
          (['webhookToSignal', 'signalToActivityScheduled', 'scheduledToStarted', 'startedToSmsAtProvider'] as const).map((k) => [
            k,
            summarize(reactionOutcome.samples.map((sample) => sample.breakdown[k]).filter(Number.isFinite)),
          ]),
        ) as Record<keyof ReactionBreakdown, LatencySummary>)
      : undefined;
  /** what the projection says of each measured sample's fallback SMS once its status callbacks were processed */
  const fallbackStatuses: Record<string, number> = {};
  if ('samples' in reactionOutcome)
    for (const sample of reactionOutcome.samples) fallbackStatuses[sample.fallbackStatus] = (fallbackStatuses[sample.fallbackStatus] ?? 0) + 1;

  // =================================================================================================
  // Report
  // =================================================================================================
  const ours = summarize(checkSamples.map((s) => s.ms));
  const right = summarize(rightSamples);
  const bareSpread = summarize(bareSamples.map((s) => s.ms));
  const bareOne = summarize(bareOneSamples);
  const sms = summarize(timeToSms);
  const gets = summarize(getSamples);
  const budgetMet = ours.p50 <= BUDGET_CHECK_P50_MS;
  const ingestRatio = { c1: webhooksSeq.perSecond / signalsSeq.perSecond, cN: webhooksConc.perSecond / signalsConc.perSecond };
  const ingestMet = { c1: ingestRatio.c1 >= BUDGET_INGEST_RATIO, cN: ingestRatio.cN >= BUDGET_INGEST_RATIO };
  const reactionMet = reaction && { p50: reaction.p50 <= BUDGET_REACTION_P50_MS, p99: reaction.p99 <= BUDGET_REACTION_P99_MS };
  const machine = {
    cores: os.cpus().length,
    cpu: os.cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    temporalCli: cliVersion(cli.path).split('\n')[0],
    loadAverage: { atStart: loadAtStart.map((x) => Math.round(x * 100) / 100), atEnd: os.loadavg().map((x) => Math.round(x * 100) / 100) },
  };

  const f = (x: number, digits = 1) => (Number.isFinite(x) ? x.toFixed(digits) : '–');
  const rows: Array<[string, string, string, string]> = [];
  const latencyRows = (label: string, a: LatencySummary, b: LatencySummary) => {
    for (const key of ['p50', 'p90', 'p99', 'max', 'mean'] as const) rows.push([`${label} ${key} (ms)`, f(a[key]), f(b[key]), `${f(a[key] / b[key], 2)}×`]);
  };
  latencyRows(`check, wrong code (n=${ours.n})`, ours, bareSpread);
  latencyRows(`check, right code (n=${right.n})`, right, bareSpread);
  rows.push([`GET verification (API + read model, no Temporal) p50 (ms)`, f(gets.p50), '–', '–']);
  rows.push([`GET verification p99 (ms)`, f(gets.p99), '–', '–']);
  rows.push([`create → SMS on handset p50 (ms, n=${sms.n})`, f(sms.p50), '–', '–']);
  rows.push([`create → SMS on handset p90 (ms)`, f(sms.p90), '–', '–']);
  rows.push([
    `create round trip p50 (ms, sequential)`,
    f(creates.c1.latency!.p50),
    f(starts.c1.latency!.p50),
    `${f(creates.c1.latency!.p50 / starts.c1.latency!.p50, 2)}×`,
  ]);
  rows.push([
    `create round trip p99 (ms, sequential)`,
    f(creates.c1.latency!.p99),
    f(starts.c1.latency!.p99),
    `${f(creates.c1.latency!.p99 / starts.c1.latency!.p99, 2)}×`,
  ]);
  for (const c of [1, CONCURRENCY]) {
    const a = creates[`c${c}`];
    const b = starts[`c${c}`];
    rows.push([`creates/s vs bare starts/s, concurrency ${c}`, f(a.perSecond), f(b.perSecond), `${f(a.perSecond / b.perSecond, 2)}×`]);
  }
  rows.push([`webhook POSTs/s → signal vs bare signals/s, sequential`, f(webhooksSeq.perSecond), f(signalsSeq.perSecond), `${f(ingestRatio.c1, 2)}×`]);
  rows.push([
    `webhook POSTs/s → signal vs bare signals/s, concurrency ${CONCURRENCY}`,
    f(webhooksConc.perSecond),
    f(signalsConc.perSecond),
    `${f(ingestRatio.cN, 2)}×`,
  ]);
  if (reaction && reactionAnswer) {
    for (const key of ['p50', 'p90', 'p99', 'max'] as const)
      rows.push([`reaction: failed webhook → SMS at provider ${key} (ms${key === 'p50' ? `, n=${reaction.n}` : ''})`, f(reaction[key]), '–', '–']);
    rows.push([`reaction: the failed webhook's POST answered p50 (ms)`, f(reactionAnswer.p50), '–', '–']);
    rows.push([`reaction: the failed webhook's POST answered p99 (ms)`, f(reactionAnswer.p99), '–', '–']);
  } else {
    rows.push([`reaction: failed webhook → SMS at provider`, 'unavailable', '–', '–']);
  }

  const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((r) => r[i].length), ['metric', 'ours', 'bare Temporal', 'ratio'][i].length));
  const line = (r: string[]) =>
    `| ${r[0].padEnd(widths[0])} | ${r
      .slice(1)
      .map((c, i) => c.padStart(widths[i + 1]))
      .join(' | ')} |`;
  const out: string[] = [];
  out.push('');
  out.push(`Testigo benchmark — ${date.toISOString()}`);
  out.push(`machine: ${machine.cores} cores (${machine.cpu}), ${machine.memoryGiB} GiB, node ${machine.node}, ${machine.platform}`);
  out.push(`load average (1/5/15 min) at start ${machine.loadAverage.atStart.join(' ')}, at end ${machine.loadAverage.atEnd.join(' ')}`);
  out.push(`temporal: ${machine.temporalCli}, dev server in memory; database: ${databaseLabel}; HTTP: node:http keep-alive agent over loopback`);
  out.push(`baseline for latency: bare executeUpdate (handler returns at once), 9 per workflow like the checks; ratio = ours / baseline`);
  out.push(
    `webhooks: signed Meta-style inbound texts to /webhooks/whatsapp, routed as inboundMessage signals to ${INGEST_WORKFLOWS} running verifications; ` +
      `bare signals: 1 workflow (sequential) / ${CONCURRENCY} workflows (concurrency ${CONCURRENCY}); ${SIGNAL_ROUNDS} alternating blocks per side, each drained before the next`,
  );
  out.push(
    `reaction: signed WhatsApp status failed (131026) POSTed → fallback SMS reaches the sandbox handset (its SSE event); emulator status webhooks held back during the phase`,
  );
  out.push('');
  out.push(line(['metric', 'ours', 'bare Temporal', 'ratio']));
  out.push(`|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`);
  for (const r of rows) out.push(line(r));
  out.push('');
  out.push(`growth probes (latency slope over the run, ms per 100 calls; first-quarter → last-quarter mean):`);
  out.push(`  checks (23 workflows):          ${f(ours.slopePer100, 2)} ms/100   ${f(ours.firstQuarterMean, 2)} → ${f(ours.lastQuarterMean, 2)} ms`);
  out.push(
    `  bare updates (23 workflows):    ${f(bareSpread.slopePer100, 2)} ms/100   ${f(bareSpread.firstQuarterMean, 2)} → ${f(bareSpread.lastQuarterMean, 2)} ms`,
  );
  out.push(
    `  bare updates (1 workflow, 220): ${f(bareOne.slopePer100, 2)} ms/100   ${f(bareOne.firstQuarterMean, 2)} → ${f(bareOne.lastQuarterMean, 2)} ms   (p50 ${f(bareOne.p50, 2)}, p99 ${f(bareOne.p99, 2)}, max ${f(bareOne.max, 2)})`,
  );
  out.push(
    `  check by attempt # on a verification (mean ms): ${meanByPosition(checkSamples)
      .map((m) => f(m))
      .join(' ')}`,
  );
  out.push(
    `  bare update by # on a workflow (mean ms):       ${meanByPosition(bareSamples)
      .map((m) => f(m))
      .join(' ')}`,
  );
  out.push(
    `  signals processed by the workflows/s: sequential ${f(signalsSeqProcessedPerSecond)}, concurrency ${CONCURRENCY} ${f(signalsConcProcessedPerSecond)}`,
  );
  out.push(
    `  webhook signals processed by the verifications/s: sequential ${f(signalLevels.c1.webhooksProcessedPerSecond)}, concurrency ${CONCURRENCY} ${f(signalLevels[`c${CONCURRENCY}`].webhooksProcessedPerSecond)}`,
  );
  out.push('');
  const c = ingestionCheck;
  out.push(
    `webhook check: ${c.answered200Routed1}/${c.posts} POSTs answered 200 with routed: 1; inbox ${c.inboxRows} rows, ${c.messagesWithExactlyOneRow}/${c.posts} messages with exactly one, ` +
      `${c.processedAndRoutedToTheirWorkflow}/${c.posts} processed and routed to their workflow; ${c.inboundMessageSignalsRecorded}/${c.posts} inboundMessage signals in the ` +
      `${c.targetWorkflows} histories, ${c.targetWorkflowsRunning}/${c.targetWorkflows} still running — ${c.ok ? 'OK' : 'MISMATCH'}`,
  );
  if (reactionUnavailable) out.push(`reaction latency: UNAVAILABLE — ${reactionUnavailable}`);
  else {
    if (reactionBreakdown) {
      const b = reactionBreakdown;
      out.push(
        `reaction breakdown, p50 (p90) ms from the workflow history: webhook → signal recorded ${f(b.webhookToSignal.p50)} (${f(b.webhookToSignal.p90)}), ` +
          `signal → SMS activity scheduled ${f(b.signalToActivityScheduled.p50)} (${f(b.signalToActivityScheduled.p90)}) [workflow task incl. the projection write], ` +
          `scheduled → started ${f(b.scheduledToStarted.p50)} (${f(b.scheduledToStarted.p90)}), started → SMS at provider ${f(b.startedToSmsAtProvider.p50)} (${f(b.startedToSmsAtProvider.p90)})`,
      );
    }
    out.push(
      `reaction check: every sample's webhook answered 200 with routed: 1 and its handset got exactly one SMS, after the POST; ` +
        `fallback send in GET /v1/verifications once its callbacks were processed: ${Object.entries(fallbackStatuses)
          .map(([k, v]) => `${k} ×${v}`)
          .join(', ')}`,
    );
  }
  out.push('');
  out.push(
    `budget (PRODUCT.md §6): check round trip p50 ≤ ${BUDGET_CHECK_P50_MS} ms through the API — ${budgetMet ? 'MET' : 'NOT MET'} (p50 ${f(ours.p50)} ms)`,
  );
  out.push(
    `budget (PRODUCT.md §6): webhook ingestion ≥ ${BUDGET_INGEST_RATIO * 100} % of bare signals/s — sequential ${ingestMet.c1 ? 'MET' : 'NOT MET'} (${f(ingestRatio.c1 * 100, 0)} %), ` +
      `concurrency ${CONCURRENCY} ${ingestMet.cN ? 'MET' : 'NOT MET'} (${f(ingestRatio.cN * 100, 0)} %)`,
  );
  out.push(
    reaction && reactionMet
      ? `budget (PRODUCT.md §6): reaction webhook → next outbound message p50 ≤ ${BUDGET_REACTION_P50_MS} ms — ${reactionMet.p50 ? 'MET' : 'NOT MET'} (p50 ${f(reaction.p50)} ms); ` +
          `p99 ≤ ${BUDGET_REACTION_P99_MS} ms — ${reactionMet.p99 ? 'MET' : 'NOT MET'} (p99 ${f(reaction.p99)} ms)`
      : `budget (PRODUCT.md §6): reaction webhook → next outbound message — NOT MEASURED (${reactionUnavailable})`,
  );
  const seconds = (performance.now() - t0) / 1000;
  out.push('', formatContracts(contracts), '', 'sealing time per document (bench/sealing.ts):', formatSealingTable(sealing));
  out.push('', 'evidence certificate of a 100-event process (bench/certificate.ts):', formatCertificateTable(certificate));
  out.push(`total run time: ${f(seconds)} s`);
  console.log(out.join('\n'));

  const resultsDir = fileURLToPath(new URL('./results/', import.meta.url));
  mkdirSync(resultsDir, { recursive: true });
  const json = {
    date: date.toISOString(),
    machine,
    setup: {
      http: 'node:http with a keep-alive Agent over loopback',
      temporal: 'Temporal CLI dev server, in memory, same process tree; bare worker and client in the bench process beside the stack',
      database: databaseLabel,
      warmup: WARMUP,
      checks: CHECKS,
      checksPerVerification: CHECKS_PER_VERIFICATION,
      verifications: VERIFICATIONS,
      maxAttempts: 10,
      starts: STARTS,
      concurrency: CONCURRENCY,
      signalsSequential: SIGNALS_SEQUENTIAL,
      signalsConcurrent: SIGNALS_CONCURRENT,
      signalRounds: SIGNAL_ROUNDS,
      webhooksSequential: SIGNALS_SEQUENTIAL,
      webhooksConcurrent: SIGNALS_CONCURRENT,
      webhookTargetWorkflows: INGEST_WORKFLOWS,
      reactionWarmup: REACTION_WARMUP,
      reactionSamples: REACTION_SAMPLES,
      reactionSetup: `WhatsApp verification (fallbackAfterSeconds 600), emulator status webhooks held back ${HOLD_STATUSES_MS} ms; signed status failed 131026 POSTed; end = sandbox SSE event for the handset (the SMS)`,
    },
    latencyMs: {
      checkWrongCode: ours,
      checkRightCode: right,
      bareUpdate9PerWorkflow: bareSpread,
      bareUpdateOneWorkflow: bareOne,
      createToSms: sms,
      getVerification: gets,
      createSequential: creates.c1.latency,
      bareStartSequential: starts.c1.latency,
      checkByAttempt: meanByPosition(checkSamples),
      bareUpdateByPosition: meanByPosition(bareSamples),
      reactionWebhookToSms: reaction ?? null,
      reactionWebhookAnswer: reactionAnswer ?? null,
    },
    reactionUnavailable: reactionUnavailable ?? null,
    reactionFallbackSendStatuses: fallbackStatuses,
    reactionBreakdownMs: reactionBreakdown ?? null,
    contracts: contracts instanceof Error ? { unavailable: contracts.message } : contracts,
    sealingMs: sealing,
    certificate,
    throughputPerSecond: {
      creates: Object.fromEntries(Object.entries(creates).map(([k, v]) => [k, v.perSecond])),
      bareStarts: Object.fromEntries(Object.entries(starts).map(([k, v]) => [k, v.perSecond])),
      bareSignalsSequential: signalsSeq.perSecond,
      bareSignalsConcurrent: signalsConc.perSecond,
      bareSignalsSequentialProcessed: signalsSeqProcessedPerSecond,
      bareSignalsConcurrentProcessed: signalsConcProcessedPerSecond,
      webhooksSequential: webhooksSeq.perSecond,
      webhooksConcurrent: webhooksConc.perSecond,
      webhooksSequentialProcessed: signalLevels.c1.webhooksProcessedPerSecond,
      webhooksConcurrentProcessed: signalLevels[`c${CONCURRENCY}`].webhooksProcessedPerSecond,
    },
    webhookIngestionCheck: ingestionCheck,
    ratios: {
      checkP50: ours.p50 / bareSpread.p50,
      checkP99: ours.p99 / bareSpread.p99,
      checkMean: ours.mean / bareSpread.mean,
      createsPerSecondC1: creates.c1.perSecond / starts.c1.perSecond,
      createsPerSecondC10: creates[`c${CONCURRENCY}`].perSecond / starts[`c${CONCURRENCY}`].perSecond,
      webhooksPerBareSignalC1: ingestRatio.c1,
      webhooksPerBareSignalC10: ingestRatio.cN,
    },
    budget: { name: 'check round trip p50 through the API (PRODUCT.md §6)', limitMs: BUDGET_CHECK_P50_MS, p50Ms: ours.p50, met: budgetMet },
    budgets: [
      { name: 'check round trip p50 through the API', limitMs: BUDGET_CHECK_P50_MS, valueMs: ours.p50, met: budgetMet },
      { name: 'webhook ingestion vs bare signals, sequential', minRatio: BUDGET_INGEST_RATIO, ratio: ingestRatio.c1, met: ingestMet.c1 },
      { name: `webhook ingestion vs bare signals, concurrency ${CONCURRENCY}`, minRatio: BUDGET_INGEST_RATIO, ratio: ingestRatio.cN, met: ingestMet.cN },
      {
        name: 'reaction webhook → next outbound message p50',
        limitMs: BUDGET_REACTION_P50_MS,
        valueMs: reaction?.p50 ?? null,
        met: reactionMet ? reactionMet.p50 : null,
      },
      {
        name: 'reaction webhook → next outbound message p99',
        limitMs: BUDGET_REACTION_P99_MS,
        valueMs: reaction?.p99 ?? null,
        met: reactionMet ? reactionMet.p99 : null,
      },
      { name: certificate.budget.name, limitMs: certificate.budget.limitMs, valueMs: certificate.budget.p50Ms, met: certificate.budget.met },
    ],
    runSeconds: seconds,
  };
  writeFileSync(path.join(resultsDir, 'latest.json'), `${JSON.stringify(json, null, 2)}\n`);
  log(`results written to ${path.relative(process.cwd(), path.join(resultsDir, 'latest.json'))}`);

  // ---- stop everything ----
  log('stopping…');
  await Promise.all([oneWorkflow, sigOne, ...sigMany, ...bareHandles].map((h) => h.signal(stopSignal).catch(() => undefined)));
  bareWorker.shutdown();
  await bareRun;
  await bareNative.close();
  await bareConnection.close();
  http.close();
  await stack.stop();
  await database.close();
  await pg?.drop();
  await devServer.stop();
  rmSync(dataDir, { recursive: true, force: true });
}

main().then(
  () => process.exit(0),
  async (error) => {
    console.error(error);
    for (const cleanup of onFailure.reverse()) await Promise.race([cleanup().catch(() => undefined), sleep(15_000)]);
    process.exit(1);
  },
);
