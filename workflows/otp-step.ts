// The OTP step as reusable workflow code: a verification workflow runs it on its own, and a signing
// process will run it inside its own history (not as a child), so every attempt lands in the one
// history that feeds the evidence. Codes never enter workflow code: activities derive and send them,
// and the workflow only ever compares keyed hashes.
import { ActivityFailure, condition, proxyActivities } from '@temporalio/workflow';
import type { OtpChannel, OtpCheckResult, OtpSend, OtpStatus, SendOtpInput } from '../shared/otp';
import type { Activities } from '../activities';

const { sendOtp } = proxyActivities<Activities>({
  // One attempt must finish quickly; together they must not outlive a short code.
  startToCloseTimeout: '15 seconds',
  scheduleToCloseTimeout: '2 minutes',
  retry: {
    initialInterval: '500 milliseconds',
    backoffCoefficient: 2,
    maximumInterval: '20 seconds',
    maximumAttempts: 8,
    nonRetryableErrorTypes: ['ProviderRejected', 'InvalidRecipient'],
  },
});

export interface OtpStepOptions extends Omit<SendOtpInput, 'generation' | 'channel'> {
  channel: OtpChannel;
  maxAttempts: number;
}

export class OtpStep {
  status: OtpStatus = 'pending';
  readonly sends: OtpSend[] = [];
  private attemptsUsed = 0;
  private codeHash?: string;
  private generation = 1;

  constructor(private readonly options: OtpStepOptions) {}

  get attemptsRemaining(): number {
    return Math.max(0, this.options.maxAttempts - this.attemptsUsed);
  }

  get pending(): boolean {
    return this.status === 'pending';
  }

  /** Sends the current code on a channel; a failure on every channel makes the step `failed`. */
  async send(channel: OtpChannel = this.options.channel): Promise<void> {
    const { maxAttempts: _ignored, ...input } = this.options;
    try {
      const result = await sendOtp({ ...input, channel, generation: this.generation });
      this.codeHash = result.codeHash;
      this.sends.push(result.send);
    } catch (error) {
      if (!(error instanceof ActivityFailure)) throw error;
      this.sends.push({ channel, at: new Date().toISOString(), status: 'failed' });
      if (this.pending) this.status = 'failed';
    }
  }

  /**
   * Counts one attempt and answers it. Safe under concurrent updates: after the wait below nothing
   * awaits between reading and writing the counters, and workflow code runs on one thread.
   */
  async check(attemptHash: string): Promise<OtpCheckResult> {
    // A fast customer may answer before the send activity's completion is recorded.
    await condition(() => this.codeHash !== undefined || !this.pending);
    if (this.pending) {
      this.attemptsUsed++;
      if (attemptHash === this.codeHash) {
        this.status = 'approved';
        return { valid: true, status: this.status, attemptsRemaining: this.attemptsRemaining };
      }
      if (this.attemptsRemaining === 0) this.status = 'max_attempts_reached';
    }
    return { valid: false, status: this.status, attemptsRemaining: this.attemptsRemaining };
  }

  /** Waits until the step ends or its code expires. */
  async outcome(): Promise<OtpStatus> {
    const remainingMs = Date.parse(this.options.expiresAt) - Date.now();
    const ended = remainingMs > 0 && (await condition(() => !this.pending, remainingMs));
    if (!ended && this.pending) this.status = 'expired';
    return this.status;
  }
}
