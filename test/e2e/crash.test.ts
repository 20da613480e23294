// The kill -9 harness at a size CI can afford (issue 9 §2; the whole matrix is `npm run crash`): in the split
// topology (npm run api + npm run worker, a private PostgreSQL, a Temporal dev server of its own) PostgreSQL, the
// Temporal server, the API and the worker are each killed with SIGKILL at a different step of a real contract
// process, with an OTP verification crossing the kill; in the npm start topology the one process is killed. Each
// cell asserts that everything completes, the handset shows each business message once, callbacks arrive (retries
// with the same event id), webhooks answered 2xx had their effect, and the certificate and sealed documents verify.
import assert from 'node:assert/strict';
import { formatTable, runMatrix, type Step, type Topology, type Victim } from '../support/crash-harness';

const CELLS: Record<Topology, ReadonlyArray<readonly [Step, Victim]>> = {
  split: [
    ['documents_sent', 'postgres'],
    ['acceptance_pending', 'api'],
    ['sealing', 'temporal'],
    ['callback', 'worker'],
  ],
  start: [['otp_sent', 'app']],
};

describe('kill -9 harness (CI cells; npm run crash runs them all)', function () {
  this.timeout(600_000);

  for (const topology of ['split', 'start'] as const) {
    it(`${topology === 'split' ? 'npm run api + npm run worker on PostgreSQL' : 'npm start'}: ${CELLS[topology].map(([s, v]) => `${v} at ${s}`).join(', ')}`, async () => {
      const lines: string[] = [];
      const results = await runMatrix({ topologies: [topology], cells: { [topology]: CELLS[topology] }, log: (line) => lines.push(line) });
      const table = formatTable(results);
      const cells = results.flatMap((r) => r.cells);
      assert.equal(cells.length, CELLS[topology].length);
      const failed = cells.filter((c) => !c.ok);
      assert.deepEqual(
        failed.map((c) => `${c.step} × ${c.victim}: ${c.failures.join('; ')}`),
        [],
        `${table}\n\n${lines.join('\n')}`,
      );
      // every kill hit its step (not "never reached") and each cell's process went through a real restart
      for (const c of cells) assert.ok(c.moment && c.moment !== 'never reached', `${c.step} × ${c.victim}: ${c.moment}`);
    });
  }
});
