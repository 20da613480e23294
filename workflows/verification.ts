// One OTP verification = one short workflow. Checks, resends and cancellation arrive as Updates
// (each accepted one is an Accepted/Completed pair in history; a check carries only a keyed hash);
// every state change is projected to the database before the caller gets its answer, so GET agrees
// with what a call returned. On a terminal status the business is called back (signed, retried).
import {
  allHandlersFinished,
  ApplicationFailure,
  condition,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  sleep,
  upsertSearchAttributes,
  uuid4,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import { messageStatusSignal } from '../shared/messaging';
import { OTP_CHANNELS } from '../shared/otp';
import { STATUS } from '../shared/search-attributes';
import {
  cancelUpdate,
  checkUpdate,
  RESEND_COOLDOWN_FAILURE,
  resendUpdate,
  stateQuery,
  type VerificationEventType,
  type VerificationInput,
  type VerificationState,
} from '../shared/verification';
import { OtpStep } from './otp-step';

// The projection write, as a local activity inside the workflow task: a check's answer is visible to
// GET when it returns. (A normal activity for status-driven writes was measured: it delayed the start of
// a fallback send scheduled in the same task by ~40 ms, so it is not used.)
const { saveVerificationState } = proxyLocalActivities<Activities>({
  startToCloseTimeout: '5 seconds',
  retry: { initialInterval: '200 milliseconds', maximumInterval: '5 seconds', maximumAttempts: 20 },
});

// PRODUCT.md §3.4: retried with backoff for 24 h; the verification's outcome is already recorded.
const { deliverVerificationCallback } = proxyActivities<Activities>({
  startToCloseTimeout: '15 seconds',
  scheduleToCloseTimeout: '24 hours',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '1 hour', nonRetryableErrorTypes: ['CallbackRejected'] },
});

/**
 * Since this patch a projection write that is not an Update's answer waits while a send starts in the same workflow
 * task (a failed WhatsApp → its SMS fallback): the write is a local activity, which holds the task — and the send —
 * until it finishes (bench reaction: ~15 ms of ~70). It runs with the send's result, at most PROJECTION_LAG later.
 */
const PROJECTION_AFTER_SEND_PATCH = 'projection-after-send-v1';
const PROJECTION_LAG = '1 second';

/**
 * Since this patch a check's answer carries the state it left, and the API writes that state to the read model before
 * it answers (GET agrees with the answer as before): the local activity that wrote it held the update's task, hence
 * the answer. The workflow writes its state itself with its next publish, or when it ends.
 */
const CHECK_PROJECTED_BY_CALLER_PATCH = 'check-projected-by-caller-v1';

function notPending(status: string): never {
  throw ApplicationFailure.create({ type: 'WrongState', message: `verification is ${status}`, nonRetryable: true });
}

export async function verificationWorkflow(input: VerificationInput): Promise<VerificationState> {
  const otp = new OtpStep({
    subjectId: input.verificationId,
    tenantId: input.tenantId,
    to: input.to,
    channel: input.channel,
    locale: input.locale,
    brand: input.brand,
    codeLength: input.codeLength,
    maxAttempts: input.maxAttempts,
    expiresAt: input.expiresAt,
    fallback: input.fallback,
    fallbackAfterMs: input.fallbackAfterSeconds * 1000,
    resendCooldownMs: input.resendCooldownSeconds * 1000,
    // GET shows each send's later receipts from its outbound row (domain/verification-view.ts)
    receipts: 'acted-on',
  });
  let version = 0;
  let indexedStatus = otp.status;
  const state = (): VerificationState => ({ status: otp.status, attemptsRemaining: otp.attemptsRemaining, sends: otp.sends.map((s) => ({ ...s })), version });

  /** a new version of the state, indexed: what a publish writes */
  const advance = (): VerificationState => {
    version++;
    if (otp.status !== indexedStatus) {
      indexedStatus = otp.status;
      upsertSearchAttributes([{ key: STATUS, value: otp.status }]);
    }
    return state();
  };
  /** the newest version this workflow wrote itself (a check's is written by the API) */
  let written = 0;
  const publish = async () => {
    const snapshot = advance();
    await saveVerificationState({ verificationId: input.verificationId, ...snapshot });
    written = Math.max(written, snapshot.version);
  };
  /** publish(), after a send that starts in this task (see PROJECTION_AFTER_SEND_PATCH); not if one ran meanwhile */
  const publishAfterSend = async () => {
    const seen = version;
    if (otp.sendComing && patched(PROJECTION_AFTER_SEND_PATCH)) await condition(() => !otp.sendComing, PROJECTION_LAG);
    if (version === seen) await publish();
  };

  setHandler(stateQuery, state);
  setHandler(messageStatusSignal, async (signal) => {
    if (!otp.onStatus(signal)) return;
    otp.settleFailures();
    await publishAfterSend();
  });

  // Validators reject only a wrong state (rejections leave no trace in history); the API then answers
  // from the projection, which always says why.
  setHandler(
    checkUpdate,
    async ({ attemptHash }) => {
      const result = await otp.check(attemptHash);
      if (patched(CHECK_PROJECTED_BY_CALLER_PATCH)) return { ...result, state: advance() };
      await publish();
      return result;
    },
    {
      validator: ({ attemptHash }) => {
        if (typeof attemptHash !== 'string' || attemptHash.length === 0) throw new Error('attemptHash is required');
        if (!otp.pending) notPending(otp.status);
      },
    },
  );
  setHandler(
    resendUpdate,
    async ({ channel }) => {
      await otp.resend(channel);
      await publish();
      return state();
    },
    {
      validator: ({ channel }) => {
        if (channel !== undefined && !OTP_CHANNELS.includes(channel)) throw new Error(`unknown channel ${String(channel)}`);
        if (!otp.pending) notPending(otp.status);
        const wait = otp.resendCooldownSeconds();
        if (wait > 0)
          throw ApplicationFailure.create({ type: RESEND_COOLDOWN_FAILURE, message: `resend allowed in ${wait} s`, details: [wait], nonRetryable: true });
      },
    },
  );
  setHandler(
    cancelUpdate,
    async () => {
      otp.cancel();
      await publish();
      return state();
    },
    { validator: () => (otp.pending ? undefined : notPending(otp.status)) },
  );

  // Publish as soon as the first send is recorded, then again when delivery settles (or fell back).
  const delivering = otp.deliver();
  await condition(() => otp.sends.length > 0 || !otp.pending);
  await publishAfterSend();
  const published = { sends: otp.sends.length, status: otp.status };
  await delivering;
  if (otp.sends.length !== published.sends || otp.status !== published.status) await publish();
  // Approval, exhaustion and cancellation are published by their handlers; only expiry is left here.
  if (otp.pending && (await otp.outcome()) === 'expired') await publish();
  await condition(allHandlersFinished);
  // The final state in the read model from the workflow itself (an API that died before writing a check's answer
  // leaves it to us), before the business is called back: it may GET it at once.
  if (written < version) {
    // in a task of its own: in the approving check's task it would hold that check's answer until it finished
    await sleep(1);
    await publish();
  }

  if (input.callbackUrl) {
    await deliverVerificationCallback({
      verificationId: input.verificationId,
      tenantId: input.tenantId,
      url: input.callbackUrl,
      eventId: `evt_${uuid4()}`,
      type: `verification.${otp.status}` as VerificationEventType,
      createdAt: new Date().toISOString(),
    });
  }
  return state();
}
