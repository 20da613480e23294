// The OTP step as reusable workflow code: a verification workflow runs it on its own, and a signing
// process will run it inside its own history (not as a child), so every attempt lands in the one
// history that feeds the evidence. Codes never enter workflow code: activities derive and send them,
// and the workflow only ever compares keyed hashes.
import { ActivityFailure, condition, proxyActivities } from '@temporalio/workflow';
import { advancesStatus, isDelivered, type DeliveryStatus } from '../shared/delivery-status';
import type { StatusSignal } from '../shared/messaging';
import { type OtpChannel, type OtpCheckResult, type OtpFallback, type OtpSend, type OtpStatus, type SendOtpInput } from '../shared/otp';
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
    nonRetryableErrorTypes: ['ProviderRejected', 'InvalidRecipient', 'NotOnWhatsApp', 'TemplateRequired'],
  },
});

export interface OtpStepOptions extends Omit<SendOtpInput, 'generation' | 'channel'> {
  channel: OtpChannel;
  maxAttempts: number;
  /** where to go when WhatsApp fails or does not deliver in time */
  fallback: OtpFallback;
  fallbackAfterMs: number;
  resendCooldownMs: number;
  /** which code of its subject this is (1 = first): a signing process asks for a new code after expiry */
  generation?: number;
  /**
   * `all`: every delivery receipt is signalled (a signing process keeps each one for its evidence). `acted-on`: only
   * the ones this step acts on — `failed` always, `delivered`/`read` for the WhatsApp send a fallback waits on; a
   * verification's read model takes the rest from the outbound message's row, and its history stays short.
   */
  receipts?: 'all' | 'acted-on';
}

/** what an `acted-on` step is signalled of a send (see OtpStepOptions.receipts) */
const FAILURE_ONLY: DeliveryStatus[] = ['failed'];
const DELIVERY_AND_FAILURE: DeliveryStatus[] = ['delivered', 'read', 'failed'];

export class OtpStep {
  status: OtpStatus = 'pending';
  readonly sends: OtpSend[] = [];
  private attemptsUsed = 0;
  private codeHash?: string;
  private readonly generation: number;
  /** true while deliver() may still fall back to another channel */
  private delivering = false;
  /**
   * Statuses for a message id no send has yet: a provider's webhook can overtake the activity result
   * that records the send (both land before the next workflow task). Applied when the send arrives.
   */
  private readonly early = new Map<string, StatusSignal[]>();
  /**
   * Workflow time the latest send started. The cool-down counts from it while that send is in flight: its code can
   * be at the handset before the activity's result reaches this workflow (found by CI under load: a resend in that
   * gap found no send recorded and was let through).
   */
  private lastSendStartedAt?: number;
  /** send activities running now */
  private inFlight = 0;
  /** deliver() waits for the first send's outcome, to fall back when it fails */
  private awaitingFallback = false;

  constructor(private readonly options: OtpStepOptions) {
    this.generation = options.generation ?? 1;
  }

  get attemptsRemaining(): number {
    return Math.max(0, this.options.maxAttempts - this.attemptsUsed);
  }

  get pending(): boolean {
    return this.status === 'pending';
  }

  /**
   * A send is running, or starts in this workflow task (the fallback a failed first send triggers): its result's
   * task changes the state again.
   */
  get sendComing(): boolean {
    return this.inFlight > 0 || (this.awaitingFallback && this.pending && this.sends[0]?.status === 'failed');
  }

  /**
   * Delivers the code: on the requested channel, then — WhatsApp first — on SMS when WhatsApp rejects
   * the send, reports it failed (e.g. 131026, not on WhatsApp), or has not confirmed delivery within
   * `fallbackAfterMs`. The step is `failed` when every channel failed.
   */
  async deliver(): Promise<void> {
    this.delivering = true;
    try {
      await this.deliverWithFallback();
    } finally {
      this.delivering = false;
    }
    this.settleFailures();
  }

  private get fallsBack(): boolean {
    return this.options.channel === 'whatsapp' && this.options.fallback === 'sms';
  }

  private async deliverWithFallback(): Promise<void> {
    const first = await this.send(this.options.channel, this.fallsBack);
    if (this.fallsBack) {
      if (first) {
        this.awaitingFallback = true;
        try {
          await condition(() => !this.pending || isDelivered(first.status) || first.status === 'failed', this.options.fallbackAfterMs);
        } finally {
          this.awaitingFallback = false;
        }
        if (!this.pending || isDelivered(first.status)) return;
      }
      await this.send('sms');
    }
  }

  /** `failed` once every send failed (at the provider or later, by status) and no fallback is left. */
  settleFailures(): void {
    if (this.pending && !this.delivering && this.sends.length > 0 && this.sends.every((s) => s.status === 'failed')) this.status = 'failed';
  }

  /**
   * Sends the current code on a channel; undefined when the provider refused it for good. `awaitedForFallback`: the
   * send whose delivery decides whether the fallback goes out.
   */
  private async send(channel: OtpChannel, awaitedForFallback = false): Promise<OtpSend | undefined> {
    const { maxAttempts: _m, fallback: _f, fallbackAfterMs: _a, resendCooldownMs: _c, generation: _g, receipts, ...input } = this.options;
    const signalledStatuses = receipts === 'acted-on' ? (awaitedForFallback ? DELIVERY_AND_FAILURE : FAILURE_ONLY) : undefined;
    this.lastSendStartedAt = Date.now();
    this.inFlight++;
    try {
      const result = await sendOtp({ ...input, channel, generation: this.generation, ...(signalledStatuses ? { signalledStatuses } : {}) }).finally(
        () => this.inFlight--,
      );
      this.codeHash = result.codeHash;
      this.sends.push(result.send);
      const early = result.send.messageId ? this.early.get(result.send.messageId) : undefined;
      if (early) {
        this.early.delete(result.send.messageId!);
        for (const signal of early) this.onStatus(signal);
      }
      return result.send;
    } catch (error) {
      if (!(error instanceof ActivityFailure)) throw error;
      this.sends.push({ channel, at: new Date().toISOString(), status: 'failed' });
      return undefined;
    }
  }

  /** Seconds until a resend is allowed (0: now). Workflow time: deterministic on replay. */
  resendCooldownSeconds(): number {
    const last = this.sends.at(-1);
    const since = Math.max(last ? Date.parse(last.at) : 0, this.lastSendStartedAt ?? 0);
    if (!since) return 0;
    return Math.max(0, Math.ceil((since + this.options.resendCooldownMs - Date.now()) / 1000));
  }

  /** Sends the same code again (same generation), on the last send's channel unless told otherwise. */
  async resend(channel?: OtpChannel): Promise<void> {
    await this.send(channel ?? this.sends.at(-1)?.channel ?? this.options.channel);
  }

  cancel(): void {
    if (this.pending) this.status = 'canceled';
  }

  /** A delivery status for one of our sends (webhooks: duplicated, reordered): only ever moves forward. */
  onStatus(signal: StatusSignal): boolean {
    const send = this.sends.find((s) => s.messageId === signal.messageId);
    if (!send) {
      // bounded: statuses of messages that are not ours would otherwise pile up
      if (this.early.size < 50) this.early.set(signal.messageId, [...(this.early.get(signal.messageId) ?? []), signal]);
      return false;
    }
    if (!advancesStatus(send.status, signal.status)) return false;
    send.status = signal.status;
    if (signal.errors?.length) send.error = signal.errors[0].code;
    return true;
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
