// Small statistics and load helpers for the benchmarks.

export interface LatencySummary {
  n: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
  min: number;
  /** least-squares slope of latency over sample index, in ms per 100 samples (growth probe) */
  slopePer100: number;
  /** mean of the first and last quarter of the samples, in order (growth probe) */
  firstQuarterMean: number;
  lastQuarterMean: number;
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

function mean(values: number[]): number {
  return values.length ? values.reduce((a, b) => a + b, 0) / values.length : NaN;
}

export function slope(values: number[]): number {
  const n = values.length;
  if (n < 2) return 0;
  const mx = (n - 1) / 2;
  const my = mean(values);
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (i - mx) * (values[i] - my);
    den += (i - mx) ** 2;
  }
  return num / den;
}

/** Summarises latencies in ms, given in the order they were taken. */
export function summarize(samples: number[]): LatencySummary {
  const sorted = [...samples].sort((a, b) => a - b);
  const q = Math.max(1, Math.floor(samples.length / 4));
  return {
    n: samples.length,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1],
    mean: mean(samples),
    min: sorted[0],
    slopePer100: slope(samples) * 100,
    firstQuarterMean: mean(samples.slice(0, q)),
    lastQuarterMean: mean(samples.slice(-q)),
  };
}

/** Mean latency by position within a group (e.g. the k-th check on a verification). */
export function meanByPosition(samples: Array<{ position: number; ms: number }>): number[] {
  const groups: number[][] = [];
  for (const { position, ms } of samples) (groups[position] ??= []).push(ms);
  return groups.map((g) => mean(g ?? []));
}

/** Times one call in ms. */
export async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await fn();
  return { ms: performance.now() - start, value };
}

export interface Throughput {
  n: number;
  concurrency: number;
  seconds: number;
  perSecond: number;
}

/** Runs fn(0..total-1) with `concurrency` lanes pulling from one counter; returns calls per second. */
export async function throughput(total: number, concurrency: number, fn: (i: number) => Promise<unknown>): Promise<Throughput> {
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(concurrency, total) }, async () => {
      for (let i = next++; i < total; i = next++) await fn(i);
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  return { n: total, concurrency, seconds, perSecond: total / seconds };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * Runs `a` and `b` in `rounds` alternating pairs — a first in even rounds, b first in odd ones — so a machine that gets
 * busier or quieter during the run does not land on one side of a ratio only.
 */
export async function alternate(rounds: number, a: () => Promise<unknown>, b: () => Promise<unknown>): Promise<void> {
  for (let r = 0; r < rounds; r++) {
    const [first, second] = r % 2 === 0 ? [a, b] : [b, a];
    await first();
    await second();
  }
}
