// Verifications created per second through the API beside bare workflow starts per second, sequential and at
// concurrency 10, and the sequential round trip of each — here on the bench's one-process stack (API, worker, sandbox
// and PGlite on one event loop); creation-split measures the same with the API and the worker in processes of their own.
import type { WorkflowHandle } from '@temporalio/client';
import { newPhone } from '../../test/support/customer';
import type { BareBaseline } from '../harness';
import { f, log, type Harness, type Row, type Scenario } from '../harness';
import { alternate, sleep, summarize, throughput, timed, type LatencySummary, type Throughput } from '../stats';
import { CONCURRENCY } from './ingestion';

export const BUDGET_CREATION_RATIO = 0.5; // issue 10: creation ≥ 50 % of bare workflow starts per second

export const creationParameters = (quick: boolean) => ({
  warmup: quick ? 2 : 20,
  /** per concurrency level, for both creates and bare starts */
  starts: quick ? 10 : 150,
  /** bare and create blocks alternate this many times per concurrency level (bare first in even rounds) */
  rounds: quick ? 2 : 5,
});

type Measured = Record<string, Throughput & { latency?: LatencySummary }>;

/**
 * Bare starts and creates at concurrency 1 and 10, in alternating blocks (bare first in even rounds, creates first in
 * odd ones), so a machine that gets busier or quieter during the run does not land on one side of the ratio only.
 * `smsCount` is how many SMS the provider has received: each create sends one, and they must all have arrived before
 * the next block, so one block's background sends do not load the next.
 */
export async function measureCreation(
  quick: boolean,
  bare: BareBaseline,
  create: (phone: string) => Promise<string>,
  smsCount: () => Promise<number>,
): Promise<{ creates: Measured; starts: Measured; lastCreated: string; lastBareStart: WorkflowHandle }> {
  const p = creationParameters(quick);
  let sent = await smsCount();
  const drainSms = async () => {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const count = await smsCount();
      if (count >= sent) break;
      if (Date.now() > deadline) throw new Error(`only ${count} of ${sent} SMS arrived`);
      await sleep(50);
    }
    await sleep(300);
  };
  const creates: Measured = {};
  const starts: Measured = {};
  let lastCreated = '';
  let lastBareStart: WorkflowHandle | undefined;
  for (const concurrency of [1, CONCURRENCY]) {
    log(`bare starts vs creates at concurrency ${concurrency}: ${p.warmup} warm-up + ${p.starts} each, in ${p.rounds} alternating blocks…`);
    const perBlock = Math.ceil(p.starts / p.rounds);
    const startMs: number[] = [];
    const createMs: number[] = [];
    const seconds = { bare: 0, creates: 0 };
    const bareBlock = async (n: number, measured: boolean) => {
      const started: WorkflowHandle[] = [];
      const t = await throughput(n, concurrency, async () => {
        const { ms, value } = await timed(bare.startShort);
        if (measured) startMs.push(ms);
        started.push(value);
      });
      if (measured) seconds.bare += t.seconds;
      await Promise.all(started.map((h) => h.result()));
      lastBareStart = started.at(-1) ?? lastBareStart;
    };
    const createBlock = async (n: number, measured: boolean) => {
      const t = await throughput(n, concurrency, async () => {
        const { ms, value } = await timed(() => create(newPhone()));
        if (measured) createMs.push(ms);
        lastCreated = value;
      });
      if (measured) seconds.creates += t.seconds;
      sent += n;
      await drainSms();
    };
    await bareBlock(p.warmup, false);
    await createBlock(p.warmup, false);
    await alternate(
      p.rounds,
      () => bareBlock(perBlock, true),
      () => createBlock(perBlock, true),
    );
    /** the level's figures: calls per second over the timed blocks, and the latencies when sequential */
    const level = (secondsTaken: number, latencies: number[]) => {
      const n = perBlock * p.rounds;
      return { n, concurrency, seconds: secondsTaken, perSecond: n / secondsTaken, latency: concurrency === 1 ? summarize(latencies) : undefined };
    };
    starts[`c${concurrency}`] = level(seconds.bare, startMs);
    creates[`c${concurrency}`] = level(seconds.creates, createMs);
  }
  return { creates, starts, lastCreated, lastBareStart: lastBareStart! };
}

/** The table rows (labelled with `shape`), the budget lines and the JSON of a creation measurement. */
export function creationReport(shape: string, quick: boolean, { creates, starts }: { creates: Measured; starts: Measured }) {
  const p = creationParameters(quick);
  const ratio = (c: number) => creates[`c${c}`].perSecond / starts[`c${c}`].perSecond;
  const rows: Row[] = [
    [
      `create round trip p50 (ms, sequential${shape})`,
      f(creates.c1.latency!.p50),
      f(starts.c1.latency!.p50),
      `${f(creates.c1.latency!.p50 / starts.c1.latency!.p50, 2)}×`,
    ],
    [
      `create round trip p99 (ms, sequential${shape})`,
      f(creates.c1.latency!.p99),
      f(starts.c1.latency!.p99),
      `${f(creates.c1.latency!.p99 / starts.c1.latency!.p99, 2)}×`,
    ],
  ];
  for (const c of [1, CONCURRENCY]) {
    rows.push([`creates/s vs bare starts/s, concurrency ${c}${shape}`, f(creates[`c${c}`].perSecond), f(starts[`c${c}`].perSecond), `${f(ratio(c), 2)}×`]);
  }
  const met = (c: number) => ratio(c) >= BUDGET_CREATION_RATIO;
  return {
    rows,
    budgets: [
      `budget (issue 10): creation ≥ ${BUDGET_CREATION_RATIO * 100} % of bare starts/s${shape} — sequential ${met(1) ? 'MET' : 'NOT MET'} (${f(ratio(1) * 100, 0)} %), ` +
        `concurrency ${CONCURRENCY} ${met(CONCURRENCY) ? 'MET' : 'NOT MET'} (${f(ratio(CONCURRENCY) * 100, 0)} %)`,
    ],
    json: {
      setup: { warmup: p.warmup, starts: p.starts, rounds: p.rounds, concurrency: CONCURRENCY },
      latencyMs: { createSequential: creates.c1.latency, bareStartSequential: starts.c1.latency },
      throughputPerSecond: {
        creates: Object.fromEntries(Object.entries(creates).map(([k, v]) => [k, v.perSecond])),
        bareStarts: Object.fromEntries(Object.entries(starts).map(([k, v]) => [k, v.perSecond])),
      },
      ratios: { createsPerSecondC1: ratio(1), createsPerSecondC10: ratio(CONCURRENCY) },
      budgets: [1, CONCURRENCY].map((c) => ({
        name: `creation vs bare starts, concurrency ${c}`,
        minRatio: BUDGET_CREATION_RATIO,
        ratio: ratio(c),
        met: met(c),
      })),
    },
  };
}

export const creation: Scenario = {
  name: 'creation',
  summary: 'verifications created/s through the API vs bare workflow starts/s, sequential and at 10 concurrent (one process)',
  async run(h: Harness) {
    const { http, api } = await h.stack();
    const bare = await h.bare();
    const phoneCount = async () => ((await http.request('GET', '/sandbox/api/phones', undefined, false)).body as string[]).length;
    const report = creationReport('', h.quick, await measureCreation(h.quick, bare, (phone) => api.create(phone), phoneCount));
    return { rows: report.rows, budgets: report.budgets, json: report.json };
  },
};
