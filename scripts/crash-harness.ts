// `npm run crash`: the kill -9 harness, the whole matrix — every step of a contract process × every part of the
// deployment, in both topologies (split api + worker on PostgreSQL with a dev server, and npm start) — and a table
// of the outcomes. Exit 1 when any cell failed. See test/support/crash-harness.ts.
//
//   npm run crash                                  everything (about 30-40 minutes on 2 cores)
//   npm run crash -- --topology split --victim worker --step sealing,delivery
//   npm run crash -- --keep                        keep each run's data and logs
//   npm run crash -- --window                      also show the duplicate window (a kill inside a send)
import { parseArgs } from 'node:util';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { formatTable, runMatrix, STEPS, VICTIMS, type Step, type Topology, type Victim } from '../test/support/crash-harness';

const { values } = parseArgs({
  options: {
    topology: { type: 'string' },
    victim: { type: 'string' },
    step: { type: 'string' },
    keep: { type: 'boolean', default: false },
    window: { type: 'boolean', default: false },
  },
});
const list = (raw: string | undefined) => raw?.split(',').map((s) => s.trim());
const topologies = (list(values.topology) ?? ['split', 'start']) as Topology[];
const steps = (list(values.step) ?? [...STEPS]) as Step[];
const victims = list(values.victim) as Victim[] | undefined;
for (const t of topologies) if (!(t in VICTIMS)) throw new Error(`unknown topology ${t} (split, start)`);
for (const s of steps) if (!STEPS.includes(s)) throw new Error(`unknown step ${s} (${STEPS.join(', ')})`);

// the cells replay every history in this process: only warnings (a failed replay says why) from the SDK
Runtime.install({ logger: new DefaultLogger('WARN'), shutdownSignals: [] });
const started = Date.now();
const results = await runMatrix({
  topologies,
  steps,
  victims: victims && Object.fromEntries(topologies.map((t) => [t, victims.filter((v) => (VICTIMS[t] as readonly string[]).includes(v))])),
  keep: values.keep,
  window: values.window,
  log: (line) => console.log(line),
});
console.log(formatTable(results));
const cells = results.flatMap((r) => r.cells);
console.log(`\n${cells.filter((c) => c.ok).length} of ${cells.length} cells passed in ${((Date.now() - started) / 60_000).toFixed(1)} min.`);
process.exit(cells.every((c) => c.ok) ? 0 : 1);
