// Verifications created per second through the API beside bare workflow starts per second, sequential and at
// concurrency 10, and the sequential round trip of each.
import type { WorkflowHandle } from '@temporalio/client';
import { newPhone } from '../../test/support/customer';
import type { bareStartWorkflow } from '../bare-workflow';
import { f, log, type Harness, type Scenario } from '../harness';
import { sleep, summarize, throughput, timed, type LatencySummary, type Throughput } from '../stats';
import { CONCURRENCY } from './ingestion';

export const creationParameters = (quick: boolean) => ({
  warmup: quick ? 2 : 20,
  /** per concurrency level, for both creates and bare starts */
  starts: quick ? 10 : 150,
});

export const creation: Scenario = {
  name: 'creation',
  summary: 'verifications created/s through the API vs bare workflow starts/s, sequential and at 10 concurrent',
  async run(h: Harness) {
    const p = creationParameters(h.quick);
    const { http, api } = await h.stack();
    const bare = await h.bare();

    const phoneCount = async () => ((await http.request('GET', '/sandbox/api/phones', undefined, false)).body as string[]).length;
    // The handsets the scenarios before this one used: each of them already has its SMS.
    let phonesCreated = await phoneCount();
    const drainSms = async () => {
      // Every creation sends one SMS to its own handset: wait until the sandbox has them all, so the
      // background sends of one phase do not load the next.
      const deadline = Date.now() + 60_000;
      for (;;) {
        const count = await phoneCount();
        if (count >= phonesCreated) break;
        if (Date.now() > deadline) throw new Error(`only ${count} of ${phonesCreated} SMS arrived`);
        await sleep(50);
      }
      await sleep(300);
    };

    const creates: Record<string, Throughput & { latency?: LatencySummary }> = {};
    const starts: Record<string, Throughput & { latency?: LatencySummary }> = {};
    for (const concurrency of [1, CONCURRENCY]) {
      log(`bare starts vs creates at concurrency ${concurrency}: ${p.warmup} warm-up + ${p.starts} each…`);
      const bareStarted: Array<WorkflowHandle<typeof bareStartWorkflow>> = [];
      await throughput(p.warmup, concurrency, async () => bareStarted.push(await bare.startShort()));
      const startMs: number[] = [];
      const s = await throughput(p.starts, concurrency, async () => {
        const { ms, value } = await timed(bare.startShort);
        startMs.push(ms);
        bareStarted.push(value);
      });
      starts[`c${concurrency}`] = { ...s, latency: concurrency === 1 ? summarize(startMs) : undefined };
      await Promise.all(bareStarted.map((h) => h.result()));

      await throughput(p.warmup, concurrency, () => api.create(newPhone()));
      phonesCreated += p.warmup;
      const createMs: number[] = [];
      const c = await throughput(p.starts, concurrency, async () => {
        const { ms } = await timed(() => api.create(newPhone()));
        createMs.push(ms);
      });
      phonesCreated += p.starts;
      creates[`c${concurrency}`] = { ...c, latency: concurrency === 1 ? summarize(createMs) : undefined };
      await drainSms();
    }

    const rows: Array<[string, string, string, string]> = [
      [
        `create round trip p50 (ms, sequential)`,
        f(creates.c1.latency!.p50),
        f(starts.c1.latency!.p50),
        `${f(creates.c1.latency!.p50 / starts.c1.latency!.p50, 2)}×`,
      ],
      [
        `create round trip p99 (ms, sequential)`,
        f(creates.c1.latency!.p99),
        f(starts.c1.latency!.p99),
        `${f(creates.c1.latency!.p99 / starts.c1.latency!.p99, 2)}×`,
      ],
    ];
    for (const c of [1, CONCURRENCY]) {
      const a = creates[`c${c}`];
      const b = starts[`c${c}`];
      rows.push([`creates/s vs bare starts/s, concurrency ${c}`, f(a.perSecond), f(b.perSecond), `${f(a.perSecond / b.perSecond, 2)}×`]);
    }
    return {
      rows,
      json: {
        setup: { warmup: p.warmup, starts: p.starts, concurrency: CONCURRENCY },
        latencyMs: { createSequential: creates.c1.latency, bareStartSequential: starts.c1.latency },
        throughputPerSecond: {
          creates: Object.fromEntries(Object.entries(creates).map(([k, v]) => [k, v.perSecond])),
          bareStarts: Object.fromEntries(Object.entries(starts).map(([k, v]) => [k, v.perSecond])),
        },
        ratios: {
          createsPerSecondC1: creates.c1.perSecond / starts.c1.perSecond,
          createsPerSecondC10: creates[`c${CONCURRENCY}`].perSecond / starts[`c${CONCURRENCY}`].perSecond,
        },
      },
    };
  },
};
