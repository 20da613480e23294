// The worker's heartbeat interceptor, run in Temporal's own activity test environment (a real activity Context).
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { heartbeatInterceptors } from '../../worker/heartbeat-interceptor';

function environment(heartbeatTimeoutMs: number | undefined) {
  const env = new MockActivityEnvironment({ heartbeatTimeoutMs }, { interceptors: [heartbeatInterceptors], logger: new DefaultLogger('ERROR') });
  const beats: number[] = [];
  env.on('heartbeat', () => beats.push(beats.length));
  return { env, beats };
}

describe('heartbeat interceptor', () => {
  it('an activity scheduled with a heartbeat timeout heartbeats at once and while it runs, and stops when it ends', async () => {
    const { env, beats } = environment(400);
    // beats every 100 ms; the activity's own 350 ms timer fires after the interval's first ticks
    const result = await env.run(async () => {
      await sleep(350);
      return 'done';
    });
    assert.equal(result, 'done');
    assert.ok(beats.length >= 2, `${beats.length} heartbeats`);
    const atEnd = beats.length;
    await sleep(300);
    assert.equal(beats.length, atEnd, 'no heartbeat after the activity ended');
  });

  it('stops when the activity fails, and passes the failure through', async () => {
    const { env, beats } = environment(400);
    await assert.rejects(
      env.run(async () => {
        await sleep(150);
        throw new Error('provider down');
      }),
      /provider down/,
    );
    const atEnd = beats.length;
    await sleep(300);
    assert.equal(beats.length, atEnd);
  });

  it('an activity without a heartbeat timeout never heartbeats', async () => {
    const { env, beats } = environment(undefined);
    await env.run(() => sleep(250));
    assert.equal(beats.length, 0);
  });
});
