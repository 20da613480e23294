// `npm run load`: two APIs and two workers on one PostgreSQL and one Temporal server, under concurrent contract
// processes and OTP verifications, one worker killed with SIGKILL mid-load (test/support/load.ts). Prints the
// figures; exit 1 when anything was lost or duplicated.
//
//   npm run load                                       30 processes, 60 verifications, 12 customers at a time
//   npm run load -- --processes 60 --verifications 120 --concurrency 20
//   npm run load -- --no-kill                          the same load with both workers alive, for comparison
import { parseArgs } from 'node:util';
import { runLoad } from '../test/support/load';

const { values } = parseArgs({
  options: {
    processes: { type: 'string', default: '30' },
    verifications: { type: 'string', default: '60' },
    concurrency: { type: 'string', default: '12' },
    'no-kill': { type: 'boolean', default: false },
  },
});
const count = (name: 'processes' | 'verifications' | 'concurrency') => {
  const n = Number(values[name]);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a whole number, got ${values[name]}`);
  return n;
};

const result = await runLoad({
  processes: count('processes'),
  verifications: count('verifications'),
  concurrency: Math.max(1, count('concurrency')),
  killWorkerAfter: values['no-kill'] ? -1 : undefined,
  log: (line) => console.log(line),
});
const ms = (v: number) => `${Math.round(v)} ms`;
console.log(`
two APIs + two workers, one PostgreSQL, one Temporal server${result.killed ? `; ${result.killed.part} killed -9 after ${result.killed.afterCompleted} completed processes (at ${(result.killed.atMs / 1000).toFixed(1)} s), left dead` : ''}
  processes completed       ${result.processes.completed} / ${result.processes.started}   (${result.processes.perMinute.toFixed(1)} per minute over ${(result.elapsedMs / 1000).toFixed(1)} s)
  verifications approved    ${result.verifications.approved} / ${result.verifications.started}
  reaction, tap → next message at the provider   p50 ${ms(result.reaction.p50)}   p99 ${ms(result.reaction.p99)}   max ${ms(result.reaction.max)}   (n ${result.reaction.n})
  process, start → certificate                    p50 ${ms(result.processDuration.p50)}   p99 ${ms(result.processDuration.p99)}
  requests served per API   ${result.servedByApi.join(' / ')}
${result.failures.length ? `\nFAILED:\n${result.failures.map((f) => `  - ${f}`).join('\n')}` : '\nnothing lost, nothing duplicated'}`);
process.exit(result.failures.length ? 1 : 0);
