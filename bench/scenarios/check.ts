// The OTP check round trip through the API (wrong codes: each one is a real Update recording an attempt) beside a
// bare Update round trip of the same shape (9 per workflow), interleaved block by block; the right-code checks; the
// API's floor without Temporal (GET /v1/verifications/{id}); create → SMS on the handset; and the growth probe of
// temporal#6512 (update latency grows with the number of updates a workflow has received): 20 + 200 bare updates on
// ONE workflow.
import type { WorkflowHandle } from '@temporalio/client';
import { newPhone } from '../../test/support/customer';
import type { bareWorkflow } from '../bare-workflow';
import { pingUpdate } from '../bare-workflow';
import { f, log, type Harness, type Row, type Scenario } from '../harness';
import { meanByPosition, sleep, summarize, timed, type LatencySummary } from '../stats';

export const BUDGET_CHECK_P50_MS = 30; // PRODUCT.md §6
const CHECKS_PER_VERIFICATION = 9; // maxAttempts 10: never exhausted, one attempt left for the right code

export const checkParameters = (quick: boolean) => {
  const warmup = quick ? 2 : 20;
  const checks = quick ? 18 : 200;
  return {
    warmup,
    checks,
    checksPerVerification: CHECKS_PER_VERIFICATION,
    verifications: Math.ceil(checks / CHECKS_PER_VERIFICATION), // 23
    warmupVerifications: Math.ceil(warmup / CHECKS_PER_VERIFICATION),
  };
};

const wrongCode = (code: string, k: number) => String((Number(code) + 1 + k) % 1_000_000).padStart(6, '0');

export const check: Scenario = {
  name: 'check',
  summary: 'OTP check round trip through the API vs a bare Update; GET floor; create → SMS; update growth on one workflow',
  async run(h: Harness) {
    const p = checkParameters(h.quick);
    const { http, api } = await h.stack();
    const bare = await h.bare();

    log(`creating ${p.warmupVerifications + p.verifications} verifications and reading their codes…`);
    const timeToSms: number[] = [];
    const verifications: Array<{ id: string; code: string }> = [];
    for (let i = 0; i < p.warmupVerifications + p.verifications; i++) {
      const phone = newPhone();
      const start = performance.now();
      const id = await api.create(phone);
      const code = await api.codeFor(phone, 5);
      if (i >= p.warmupVerifications) timeToSms.push(performance.now() - start);
      verifications.push({ id, code });
    }
    await sleep(300); // let the last projections land

    const ping = async (handle: WorkflowHandle<typeof bareWorkflow>, n: number) => {
      const { ms, value } = await timed(() => handle.executeUpdate(pingUpdate, { args: [n] }));
      if (value !== n) throw new Error(`ping answered ${value}, expected ${n}`);
      return ms;
    };
    const bareHandles: Array<WorkflowHandle<typeof bareWorkflow>> = [];
    for (let i = 0; i < p.warmupVerifications + p.verifications; i++) bareHandles.push(await bare.startBare('upd'));

    // Our checks and the bare updates alternate block by block (9 checks on verification g, then 9
    // updates on bare workflow g), so both see the same machine at the same moment and slow drift or
    // a noisy neighbour does not land on one side of the ratio only.
    log(`check round trip vs bare update: ${p.warmup} warm-up + ${p.checks} measured each, interleaved per workflow…`);
    let warm = 0;
    for (let g = 0; g < p.warmupVerifications; g++) {
      const v = verifications[g];
      const n = Math.min(CHECKS_PER_VERIFICATION, p.warmup - warm);
      for (let k = 0; k < n; k++) await api.check(v.id, wrongCode(v.code, k), { valid: false, status: 'pending' });
      for (let k = 0; k < n; k++) await ping(bareHandles[g], k);
      warm += n;
    }
    const checkSamples: Array<{ position: number; ms: number }> = [];
    const bareSamples: Array<{ position: number; ms: number }> = [];
    const measured = verifications.slice(p.warmupVerifications);
    const bareMeasured = bareHandles.slice(p.warmupVerifications);
    for (let g = 0; g < p.verifications; g++) {
      const v = measured[g];
      const n = Math.min(CHECKS_PER_VERIFICATION, p.checks - g * CHECKS_PER_VERIFICATION);
      for (let k = 0; k < n; k++) checkSamples.push({ position: k, ms: await api.check(v.id, wrongCode(v.code, k), { valid: false, status: 'pending' }) });
      for (let k = 0; k < n; k++) bareSamples.push({ position: k, ms: await ping(bareMeasured[g], k) });
    }
    log(`${p.verifications} right-code checks…`);
    const rightSamples: number[] = [];
    for (const v of measured) rightSamples.push(await api.check(v.id, v.code, { valid: true, status: 'approved' }));

    // The API's floor without Temporal: the same auth + read-model lookup a check starts with.
    log(`GET /v1/verifications/{id}: ${p.warmup} warm-up + ${p.checks} measured…`);
    const get = async (id: string) => {
      const { ms, value: res } = await timed(() => http.request('GET', `/v1/verifications/${id}`));
      if (res.status !== 200) throw new Error(`GET answered ${res.status}`);
      return ms;
    };
    for (let i = 0; i < p.warmup; i++) await get(verifications[i % verifications.length].id);
    const getSamples: number[] = [];
    for (let i = 0; i < p.checks; i++) getSamples.push(await get(measured[i % measured.length].id));

    // Growth probe: warm-up + measured bare updates on ONE workflow (temporal#6512).
    log(`bare updates on one workflow: ${p.warmup} warm-up + ${p.checks} measured…`);
    const oneWorkflow = await bare.startBare('upd-one');
    for (let i = 0; i < p.warmup; i++) await ping(oneWorkflow, i);
    const bareOneSamples: number[] = [];
    for (let i = 0; i < p.checks; i++) bareOneSamples.push(await ping(oneWorkflow, i));

    // ---- report ----
    const ours = summarize(checkSamples.map((s) => s.ms));
    const right = summarize(rightSamples);
    const bareSpread = summarize(bareSamples.map((s) => s.ms));
    const bareOne = summarize(bareOneSamples);
    const sms = summarize(timeToSms);
    const gets = summarize(getSamples);
    const budgetMet = ours.p50 <= BUDGET_CHECK_P50_MS;

    const rows: Row[] = [];
    const latencyRows = (label: string, a: LatencySummary, b: LatencySummary) => {
      for (const key of ['p50', 'p90', 'p99', 'max', 'mean'] as const) rows.push([`${label} ${key} (ms)`, f(a[key]), f(b[key]), `${f(a[key] / b[key], 2)}×`]);
    };
    latencyRows(`check, wrong code (n=${ours.n})`, ours, bareSpread);
    latencyRows(`check, right code (n=${right.n})`, right, bareSpread);
    rows.push([`GET verification (API + read model, no Temporal) p50 (ms)`, f(gets.p50), '–', '–']);
    rows.push([`GET verification p99 (ms)`, f(gets.p99), '–', '–']);
    rows.push([`create → SMS on handset p50 (ms, n=${sms.n})`, f(sms.p50), '–', '–']);
    rows.push([`create → SMS on handset p90 (ms)`, f(sms.p90), '–', '–']);

    const n = p.verifications;
    return {
      setup: [`baseline for latency: bare executeUpdate (handler returns at once), 9 per workflow like the checks; ratio = ours / baseline`],
      rows,
      growth: [
        `  checks (${n} workflows):          ${f(ours.slopePer100, 2)} ms/100   ${f(ours.firstQuarterMean, 2)} → ${f(ours.lastQuarterMean, 2)} ms`,
        `  bare updates (${n} workflows):    ${f(bareSpread.slopePer100, 2)} ms/100   ${f(bareSpread.firstQuarterMean, 2)} → ${f(bareSpread.lastQuarterMean, 2)} ms`,
        `  bare updates (1 workflow, ${p.warmup + p.checks}): ${f(bareOne.slopePer100, 2)} ms/100   ${f(bareOne.firstQuarterMean, 2)} → ${f(bareOne.lastQuarterMean, 2)} ms   (p50 ${f(bareOne.p50, 2)}, p99 ${f(bareOne.p99, 2)}, max ${f(bareOne.max, 2)})`,
        `  check by attempt # on a verification (mean ms): ${meanByPosition(checkSamples)
          .map((m) => f(m))
          .join(' ')}`,
        `  bare update by # on a workflow (mean ms):       ${meanByPosition(bareSamples)
          .map((m) => f(m))
          .join(' ')}`,
      ],
      budgets: [
        `budget (PRODUCT.md §6): check round trip p50 ≤ ${BUDGET_CHECK_P50_MS} ms through the API — ${budgetMet ? 'MET' : 'NOT MET'} (p50 ${f(ours.p50)} ms)`,
      ],
      json: {
        setup: { warmup: p.warmup, checks: p.checks, checksPerVerification: CHECKS_PER_VERIFICATION, verifications: p.verifications, maxAttempts: 10 },
        latencyMs: {
          checkWrongCode: ours,
          checkRightCode: right,
          bareUpdate9PerWorkflow: bareSpread,
          bareUpdateOneWorkflow: bareOne,
          createToSms: sms,
          getVerification: gets,
          checkByAttempt: meanByPosition(checkSamples),
          bareUpdateByPosition: meanByPosition(bareSamples),
        },
        ratios: { checkP50: ours.p50 / bareSpread.p50, checkP99: ours.p99 / bareSpread.p99, checkMean: ours.mean / bareSpread.mean },
        budget: { name: 'check round trip p50 through the API (PRODUCT.md §6)', limitMs: BUDGET_CHECK_P50_MS, p50Ms: ours.p50, met: budgetMet },
        budgets: [{ name: 'check round trip p50 through the API', limitMs: BUDGET_CHECK_P50_MS, valueMs: ours.p50, met: budgetMet }],
      },
    };
  },
};
