// A CPU profile of a process the bench starts, where `--cpu-prof` cannot go (NODE_OPTIONS refuses it):
//   BENCH_API_NODE_OPTIONS="--import ./bench/cpu-profile.mjs" CPU_PROFILE_DIR=/tmp/prof npm run bench -- --only ingestion-split
// Writes <dir>/<pid>.cpuprofile (open it in Chrome DevTools or speedscope) when the process exits or is sent SIGTERM.
import { writeFileSync, mkdirSync } from 'node:fs';
import { Session } from 'node:inspector';

const dir = process.env.CPU_PROFILE_DIR ?? '.';
const session = new Session();
session.connect();
session.post('Profiler.enable');
session.post('Profiler.start');
let written = false;
const write = () => {
  if (written) return;
  written = true;
  session.post('Profiler.stop', (error, result) => {
    if (error) return;
    mkdirSync(dir, { recursive: true });
    writeFileSync(`${dir}/${process.pid}.cpuprofile`, JSON.stringify(result.profile));
  });
};
process.on('exit', write);
process.prependListener('SIGTERM', write);
