// The fixed budget of the hostile-input suites: runs per route (scaled by HOSTILE_RUNS), and the seed to
// replay a failure (fast-check prints `seed` and `path` when a property fails: HOSTILE_SEED=… HOSTILE_PATH=…).
import type fc from 'fast-check';
import type { CapturedRoute } from './support/routes';

/** Every run count is multiplied by this: 0.4 by default keeps a suite near a minute per database kind in CI. */
export const HOSTILE_SCALE = Number(process.env.HOSTILE_RUNS ?? 0.4);
const scale = HOSTILE_SCALE;

/** Routes that take input get the most runs; HEAD twins and static assets a few. */
export function runsFor(route: CapturedRoute): number {
  const base =
    route.method === 'HEAD' ? 3 : route.url.startsWith('/docs') ? 4 : route.schema?.body || route.method === 'POST' || route.method === 'PATCH' ? 30 : 10;
  return Math.max(1, Math.round(base * scale));
}

const DEFAULT_SEED = 20261130;

export function fcParameters(numRuns: number): fc.Parameters<unknown> {
  return {
    numRuns,
    // CI replays one fixed seed, so a red build is reproducible and never a roll of the dice; HOSTILE_SEED=random
    // explores new inputs (run it when changing a route: it found the NUL-byte 500 that way).
    ...(process.env.HOSTILE_SEED === 'random' ? {} : { seed: Number(process.env.HOSTILE_SEED ?? DEFAULT_SEED) }),
    ...(process.env.HOSTILE_PATH ? { path: process.env.HOSTILE_PATH } : {}),
    // shrinking replays requests against a live stack: bounded, the failing input is printed either way
    interruptAfterTimeLimit: 120_000,
    markInterruptAsFailure: true,
  };
}
