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
  /** seconds between sends that a resend must wait (RESEND_COOLDOWN_SECONDS; shorter only in tests) */
  resendCooldownSeconds: number;
  /** signed callbacks to the business on every terminal status */
  callbackUrl?: string;
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

/**
 * A check's answer, and the state it leaves for the caller to project before it answers (since the workflow's
 * CHECK_PROJECTED_BY_CALLER patch; the workflow writes it too, off the update's task).
 */
export interface CheckOutcome extends OtpCheckResult {
  state?: VerificationState;
}

export const checkUpdate = defineUpdate<CheckOutcome, [CheckArgs]>('check');

export interface ResendArgs {
  /** another channel than the last send's (default: the same) */
  channel?: OtpChannel;
}
/** Rejected (no trace in history) inside the cool-down with an ApplicationFailure of this type, details [retryAfterSeconds]. */
export const RESEND_COOLDOWN_FAILURE = 'ResendCooldown';
export const resendUpdate = defineUpdate<VerificationState, [ResendArgs]>('resend');
export const cancelUpdate = defineUpdate<VerificationState, []>('cancel');

export type VerificationEventType =
  'verification.approved' | 'verification.expired' | 'verification.max_attempts_reached' | 'verification.canceled' | 'verification.failed';
export const stateQuery = defineQuery<VerificationState>('state');

export function verificationWorkflowId(verificationId: string): string {
  return `verification-${verificationId}`;
}
