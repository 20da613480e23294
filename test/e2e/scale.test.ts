// Two APIs and two workers on one PostgreSQL and one Temporal server, behind a balancer, a few contract processes and
// verifications at once, one worker killed -9 mid-load and left dead: nothing lost, nothing sent twice, every
// certificate verifies (test/support/load.ts; `npm run load` runs it at size and prints the figures, which tests never
// assert).
import assert from 'node:assert/strict';
import { runLoad } from '../support/load';

describe('two of everything under load, one worker killed', function () {
  this.timeout(600_000);

  it('completes every process and verification exactly once after worker-1 is killed -9', async () => {
    const result = await runLoad({ processes: 3, verifications: 4, concurrency: 4, killWorkerAfter: 1 });
    assert.deepEqual(result.failures, []);
    assert.equal(result.processes.completed, 3);
    assert.equal(result.verifications.approved, 4);
    assert.equal(result.killed?.part, 'worker-1', 'the kill happened mid-load');
    assert.ok(
      result.servedByApi.every((n) => n > 0),
      `both APIs served requests: ${result.servedByApi.join(' / ')}`,
    );
  });
});
