// One OTP verification = one short workflow. Checks arrive as Updates (each attempt is an
// Accepted/Completed pair in history, carrying only a keyed hash); every state change is projected
// to the database before the caller gets its answer, so GET agrees with what a check returned.
import { allHandlersFinished, condition, proxyLocalActivities, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { messageStatusSignal } from '../shared/messaging';
import { STATUS } from '../shared/search-attributes';
import { checkUpdate, stateQuery, type VerificationInput, type VerificationState } from '../shared/verification';
import { OtpStep } from './otp-step';

const { saveVerificationState } = proxyLocalActivities<Activities>({
  startToCloseTimeout: '5 seconds',
  retry: { initialInterval: '200 milliseconds', maximumInterval: '5 seconds', maximumAttempts: 20 },
});

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
  });
  let version = 0;
  let indexedStatus = otp.status;
  const state = (): VerificationState => ({ status: otp.status, attemptsRemaining: otp.attemptsRemaining, sends: [...otp.sends], version });

  const publish = async () => {
    version++;
    if (otp.status !== indexedStatus) {
      indexedStatus = otp.status;
      upsertSearchAttributes([{ key: STATUS, value: otp.status }]);
    }
    await saveVerificationState({ verificationId: input.verificationId, ...state() });
  };

  setHandler(stateQuery, state);
  setHandler(messageStatusSignal, async (signal) => {
    if (otp.onStatus(signal)) await publish();
  });
  setHandler(
    checkUpdate,
    async ({ attemptHash }) => {
      const result = await otp.check(attemptHash);
      await publish();
      return result;
    },
    {
      // Only a wrong state is rejected (rejections leave no trace in history); the API then answers
      // from the projection, which always says why.
      validator: ({ attemptHash }) => {
        if (typeof attemptHash !== 'string' || attemptHash.length === 0) throw new Error('attemptHash is required');
        if (!otp.pending) throw new Error(`verification is ${otp.status}`);
      },
    },
  );

  // Publish as soon as the first send is recorded, then again when delivery settles (or fell back).
  const delivering = otp.deliver();
  await condition(() => otp.sends.length > 0 || !otp.pending);
  await publish();
  const published = { sends: otp.sends.length, status: otp.status };
  await delivering;
  if (otp.sends.length !== published.sends || otp.status !== published.status) await publish();
  // Approval and exhaustion are published by the check handler; only expiry is left to record here.
  if (otp.pending && (await otp.outcome()) === 'expired') await publish();
  await condition(allHandlersFinished);
  return state();
}
