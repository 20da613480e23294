// The bare Temporal baseline for the benchmarks: the least a workflow can do with an Update, a
// Signal and a start, so `npm run bench` can put our figures beside what Temporal itself costs on
// the same dev server and machine. Bundled by bench/run.ts for its own worker and task queue.
import { condition, defineQuery, defineSignal, defineUpdate, setHandler } from '@temporalio/workflow';

/** returns its argument at once: no activity, no state beyond the event history */
export const pingUpdate = defineUpdate<number, [number]>('ping');
export const pokeSignal = defineSignal<[number]>('poke');
export const stopSignal = defineSignal('stop');
export const pokesQuery = defineQuery<number>('pokes');

/** Lives until signalled to stop; answers pings and counts pokes. */
export async function bareWorkflow(): Promise<number> {
  let pokes = 0;
  let stopped = false;
  setHandler(pingUpdate, (n) => n);
  setHandler(pokeSignal, () => {
    pokes++;
  });
  setHandler(pokesQuery, () => pokes);
  setHandler(stopSignal, () => {
    stopped = true;
  });
  await condition(() => stopped);
  return pokes;
}

/** For start throughput: completes in its first workflow task. */
export async function bareStartWorkflow(): Promise<void> {}
