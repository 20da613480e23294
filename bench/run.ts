// `npm run bench`: our OTP check round trip and verification creation through the real API, beside a
// bare Temporal baseline (a trivial workflow on its own worker and task queue) measured in the same
// process, on the same in-memory dev server, in the same run. Prints a table and writes
// bench/results/latest.json. Benchmarks report; they do not assert (the PRODUCT.md §6 budget is
// printed as met or not, and the exit code is 0 either way).
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
import { openDatabase } from '../platform/db';
import { freePort, startDevServer } from '../platform/dev-server';
import { startStack } from '../platform/stack';
import { cliVersion, resolveTemporalCli } from '../platform/temporal-cli';
import { bareStartWorkflow, bareWorkflow, pingUpdate, pokeSignal, pokesQuery, stopSignal } from './bare-workflow';
import { BenchHttp } from './http';
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
  const database = await openDatabase({});
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
  const bareWorker = await Worker.create({ connection: bareNative, namespace: config.temporal.namespace, taskQueue: bareQueue, workflowBundle: { code: bareCode } });
  const bareRun = bareWorker.run();
  onFailure.push(async () => {
    if (bareWorker.getState() === 'RUNNING') bareWorker.shutdown();
    await bareRun;
  });
  const bareConnection = await Connection.connect({ address: devServer.address });
  const bare = new Client({ connection: bareConnection, namespace: config.temporal.namespace });
  const startBare = (tag: string) =>
    bare.workflow.start(bareWorkflow, { taskQueue: bareQueue, workflowId: `bench-${tag}-${randomBytes(6).toString('hex')}` });

  // ---- our API calls ----
  const create = async (phone: string): Promise<string> => {
    const res = await http.request('POST', '/v1/verifications', { to: phone, channel: 'sms', maxAttempts: 10 });
    if (res.status !== 201) throw new Error(`create answered ${res.status}: ${JSON.stringify(res.body)}`);
    return res.body.id as string;
  };
  const smsCount = async (phone: string): Promise<Array<{ body: string }>> => {
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
  // 3. Bare signals per second (a second baseline, for later comparison)
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
  log(`bare signals: ${SIGNALS_SEQUENTIAL} sequential on one workflow, ${SIGNALS_CONCURRENT} at concurrency ${CONCURRENCY} on ${CONCURRENCY} workflows…`);
  const sigOne = await startBare('sig');
  for (let i = 0; i < WARMUP; i++) await sigOne.signal(pokeSignal, i);
  const sigSeqStart = performance.now();
  const signalsSeq = await throughput(SIGNALS_SEQUENTIAL, 1, (i) => sigOne.signal(pokeSignal, i));
  await drainPokes([sigOne], WARMUP + SIGNALS_SEQUENTIAL);
  const signalsSeqProcessedPerSecond = SIGNALS_SEQUENTIAL / ((performance.now() - sigSeqStart) / 1000);

  const sigMany: Array<WorkflowHandle<typeof bareWorkflow>> = [];
  for (let i = 0; i < CONCURRENCY; i++) sigMany.push(await startBare('sigc'));
  await throughput(WARMUP, CONCURRENCY, (i) => sigMany[i % CONCURRENCY].signal(pokeSignal, i));
  const sigConcStart = performance.now();
  const signalsConc = await throughput(SIGNALS_CONCURRENT, CONCURRENCY, (i) => sigMany[i % CONCURRENCY].signal(pokeSignal, i));
  await drainPokes(sigMany, WARMUP + SIGNALS_CONCURRENT);
  const signalsConcProcessedPerSecond = SIGNALS_CONCURRENT / ((performance.now() - sigConcStart) / 1000);

  // =================================================================================================
  // 4. Verifications created per second through the API beside bare workflow starts per second
  // =================================================================================================
  let phonesCreated = WARMUP_VERIFICATIONS + VERIFICATIONS;
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
  rows.push([`create round trip p50 (ms, sequential)`, f(creates.c1.latency!.p50), f(starts.c1.latency!.p50), `${f(creates.c1.latency!.p50 / starts.c1.latency!.p50, 2)}×`]);
  rows.push([`create round trip p99 (ms, sequential)`, f(creates.c1.latency!.p99), f(starts.c1.latency!.p99), `${f(creates.c1.latency!.p99 / starts.c1.latency!.p99, 2)}×`]);
  for (const c of [1, CONCURRENCY]) {
    const a = creates[`c${c}`];
    const b = starts[`c${c}`];
    rows.push([`creates/s vs bare starts/s, concurrency ${c}`, f(a.perSecond), f(b.perSecond), `${f(a.perSecond / b.perSecond, 2)}×`]);
  }
  rows.push([`bare signals/s, sequential, 1 workflow`, '–', f(signalsSeq.perSecond), '–']);
  rows.push([`bare signals/s, concurrency ${CONCURRENCY}, ${CONCURRENCY} workflows`, '–', f(signalsConc.perSecond), '–']);

  const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((r) => r[i].length), ['metric', 'ours', 'bare Temporal', 'ratio'][i].length));
  const line = (r: string[]) => `| ${r[0].padEnd(widths[0])} | ${r.slice(1).map((c, i) => c.padStart(widths[i + 1])).join(' | ')} |`;
  const out: string[] = [];
  out.push('');
  out.push(`Testigo benchmark — ${date.toISOString()}`);
  out.push(`machine: ${machine.cores} cores (${machine.cpu}), ${machine.memoryGiB} GiB, node ${machine.node}, ${machine.platform}`);
  out.push(`load average (1/5/15 min) at start ${machine.loadAverage.atStart.join(' ')}, at end ${machine.loadAverage.atEnd.join(' ')}`);
  out.push(`temporal: ${machine.temporalCli}, dev server in memory; database: in-memory PGlite; HTTP: node:http keep-alive agent over loopback`);
  out.push(`baseline for latency: bare executeUpdate (handler returns at once), 9 per workflow like the checks; ratio = ours / baseline`);
  out.push('');
  out.push(line(['metric', 'ours', 'bare Temporal', 'ratio']));
  out.push(`|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`);
  for (const r of rows) out.push(line(r));
  out.push('');
  out.push(`growth probes (latency slope over the run, ms per 100 calls; first-quarter → last-quarter mean):`);
  out.push(`  checks (23 workflows):          ${f(ours.slopePer100, 2)} ms/100   ${f(ours.firstQuarterMean, 2)} → ${f(ours.lastQuarterMean, 2)} ms`);
  out.push(`  bare updates (23 workflows):    ${f(bareSpread.slopePer100, 2)} ms/100   ${f(bareSpread.firstQuarterMean, 2)} → ${f(bareSpread.lastQuarterMean, 2)} ms`);
  out.push(`  bare updates (1 workflow, 220): ${f(bareOne.slopePer100, 2)} ms/100   ${f(bareOne.firstQuarterMean, 2)} → ${f(bareOne.lastQuarterMean, 2)} ms   (p50 ${f(bareOne.p50, 2)}, p99 ${f(bareOne.p99, 2)}, max ${f(bareOne.max, 2)})`);
  out.push(`  check by attempt # on a verification (mean ms): ${meanByPosition(checkSamples).map((m) => f(m)).join(' ')}`);
  out.push(`  bare update by # on a workflow (mean ms):       ${meanByPosition(bareSamples).map((m) => f(m)).join(' ')}`);
  out.push(`  signals processed by the workflows/s: sequential ${f(signalsSeqProcessedPerSecond)}, concurrency ${CONCURRENCY} ${f(signalsConcProcessedPerSecond)}`);
  out.push('');
  out.push(`budget (PRODUCT.md §6): check round trip p50 ≤ ${BUDGET_CHECK_P50_MS} ms through the API — ${budgetMet ? 'MET' : 'NOT MET'} (p50 ${f(ours.p50)} ms)`);
  const seconds = (performance.now() - t0) / 1000;
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
      database: 'in-memory PGlite',
      warmup: WARMUP,
      checks: CHECKS,
      checksPerVerification: CHECKS_PER_VERIFICATION,
      verifications: VERIFICATIONS,
      maxAttempts: 10,
      starts: STARTS,
      concurrency: CONCURRENCY,
      signalsSequential: SIGNALS_SEQUENTIAL,
      signalsConcurrent: SIGNALS_CONCURRENT,
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
    },
    throughputPerSecond: {
      creates: Object.fromEntries(Object.entries(creates).map(([k, v]) => [k, v.perSecond])),
      bareStarts: Object.fromEntries(Object.entries(starts).map(([k, v]) => [k, v.perSecond])),
      bareSignalsSequential: signalsSeq.perSecond,
      bareSignalsConcurrent: signalsConc.perSecond,
      bareSignalsSequentialProcessed: signalsSeqProcessedPerSecond,
      bareSignalsConcurrentProcessed: signalsConcProcessedPerSecond,
    },
    ratios: {
      checkP50: ours.p50 / bareSpread.p50,
      checkP99: ours.p99 / bareSpread.p99,
      checkMean: ours.mean / bareSpread.mean,
      createsPerSecondC1: creates.c1.perSecond / starts.c1.perSecond,
      createsPerSecondC10: creates[`c${CONCURRENCY}`].perSecond / starts[`c${CONCURRENCY}`].perSecond,
    },
    budget: { name: 'check round trip p50 through the API (PRODUCT.md §6)', limitMs: BUDGET_CHECK_P50_MS, p50Ms: ours.p50, met: budgetMet },
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
