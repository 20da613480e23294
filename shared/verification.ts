// The verification workflow's interface: input, messages and state. Imported by the workflow, the
// activities and the API (no Node imports here: it is bundled into workflow code).
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { Locale, OtpChannel, OtpCheckResult, OtpFallback, OtpSend, OtpStatus } from './otp';

export const VERIFICATION_WORKFLOW = 'verificationWorkflow';

export interface VerificationInput {
  verificationId: string;
  tenantId: string;
  to: string;
  channel: OtpChannel;
  locale: Locale;
  brand?: string;
  purpose?: string;
  codeLength: number;
  maxAttempts: number;
  fallback: OtpFallback;
  fallbackAfterSeconds: number;
  /** set by the API at creation so its 201 and the workflow agree on the deadline */
  expiresAt: string;
}

export interface VerificationState {
  status: OtpStatus;
  attemptsRemaining: number;
  sends: OtpSend[];
  /** bumps on every change; projections ignore older versions */
  version: number;
}

/** Arguments of a check: the keyed hash of the submitted code, computed by the API. */
export interface CheckArgs {
  attemptHash: string;
}

export const checkUpdate = defineUpdate<OtpCheckResult, [CheckArgs]>('check');
export const stateQuery = defineQuery<VerificationState>('state');

export function verificationWorkflowId(verificationId: string): string {
  return `verification-${verificationId}`;
}
