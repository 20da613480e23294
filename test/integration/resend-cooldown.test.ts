// The resend cool-down while the first send is still in flight. Under load a code can be at the handset before the
// send activity's result reaches the workflow; a resend in that gap found no send recorded and was let through (CI,
// "is refused inside the 30 s cool-down", PostgreSQL). Here the real verification workflow runs on the test dev server
// with its send activity held open, so the gap is there on purpose and for as long as the test needs.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Client, Connection, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { NativeConnection, Worker } from '@temporalio/worker';
import type { SendOtpInput, SendOtpResult } from '../../shared/otp';
import { resendUpdate, RESEND_COOLDOWN_FAILURE, stateQuery, VERIFICATION_WORKFLOW, type VerificationInput } from '../../shared/verification';
import { workflowBundle } from '../../worker/create-worker';
import { testDevServer } from '../support/dev-server';
import { eventually } from '../support/stack';

describe('resend cool-down with the first send in flight', function () {
  this.timeout(60_000);

  it('refuses a resend while the first send has not reported back, and after it has', async () => {
    const server = await testDevServer();
    const taskQueue = `cooldown-${randomBytes(4).toString('hex')}`;
    const sends: SendOtpInput[] = [];
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    // The provider side held open: the workflow sees the send started, not finished.
    const activities = {
      async sendOtp(input: SendOtpInput): Promise<SendOtpResult> {
        sends.push(input);
        if (sends.length === 1) await released;
        return { codeHash: 'h', send: { channel: input.channel, at: new Date().toISOString(), status: 'accepted', messageId: `SM${sends.length}` } };
      },
      async saveVerificationState() {},
      async deliverVerificationCallback() {
        return { status: 200 };
      },
    };
    const native = await NativeConnection.connect({ address: server.address });
    const worker = await Worker.create({ connection: native, taskQueue, workflowBundle: await workflowBundle(), activities });
    const connection = await Connection.connect({ address: server.address });
    const client = new Client({ connection });
    const running = worker.run();
    try {
      const input: VerificationInput = {
        verificationId: `ver_${randomBytes(6).toString('hex')}`,
        tenantId: 'tenant-cooldown',
        to: '+34600000001',
        channel: 'sms',
        locale: 'es',
        codeLength: 6,
        maxAttempts: 5,
        fallback: 'none',
        fallbackAfterSeconds: 30,
        resendCooldownSeconds: 30,
        expiresAt: new Date(Date.now() + 600_000).toISOString(),
      };
      const handle = await client.workflow.start(VERIFICATION_WORKFLOW, { taskQueue, workflowId: `verification-${input.verificationId}`, args: [input] });
      await eventually(async () => (sends.length === 1 ? true : undefined), 'the first send to start');

      const refusal = async () => {
        const error = await handle.executeUpdate(resendUpdate, { args: [{}] }).then(
          () => undefined,
          (e: unknown) => e,
        );
        assert.ok(error instanceof WorkflowUpdateFailedError, `the resend was let through: ${String(error)}`);
        assert.ok(error.cause instanceof ApplicationFailure && error.cause.type === RESEND_COOLDOWN_FAILURE, String(error.cause));
        const wait = Number(error.cause.details?.[0]);
        assert.ok(wait >= 1 && wait <= 30, `wait ${wait}`);
      };
      await refusal(); // in flight: nothing recorded yet
      release();
      await eventually(async () => (await handle.query(stateQuery)).sends.length === 1 || undefined, 'the send recorded');
      await refusal(); // recorded
      assert.equal(sends.length, 1, 'no second send was started');
      await handle.terminate('test over');
    } finally {
      release();
      worker.shutdown();
      await running;
      await connection.close();
      await native.close();
    }
  });
});
