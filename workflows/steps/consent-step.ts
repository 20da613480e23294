// Step 4: consent confirmed with a one-time code — the OTP service's own OtpStep, run inside this
// process's history (not a child), so every send and attempt lands in the history behind the
// evidence. The customer types the code in the chat; it reaches the workflow only as a keyed hash.
// An expired code offers *Send a new code* (a new code, up to `maxNewCodes` times).
import { clearConversationWait, setConversationWait } from './activities';
import type { StatusSignal } from '../../shared/messaging';
import { ACTIONS } from '../../shared/process';
import { OtpStep } from '../otp-step';
import { actionOf, DEADLINE, ProcessEnded, type Conversation } from './conversation';

const RESEND_COOLDOWN_MS = 30_000;

export class ConsentStep {
  /** the code being checked now; statuses of its sends are routed here */
  current?: OtpStep;
  codes = 0;

  constructor(
    private readonly conversation: Conversation,
    private readonly options: {
      /** SEND_FIRST_PATCH (process.ts): the code's send routes the typed reply, no activity of its own before it */
      codeRoutesReply: boolean;
      /** ROUTE_CLOSES_PATCH: the verified code closes the route before anyone can see it verified */
      answerClosesRoute: boolean;
    },
  ) {}

  onStatus(signal: StatusSignal): boolean {
    if (!this.current?.onStatus(signal)) return false;
    this.current.settleFailures();
    return true;
  }

  async run(): Promise<void> {
    const c = this.conversation;
    const { input } = c;
    // Free text from this customer now comes here, as a keyed hash bound to this process: routed before any code goes
    // out (by the send itself since SEND_FIRST_PATCH), so no reply can arrive before its route.
    if (!this.options.codeRoutesReply) await setConversationWait({ processId: input.processId, phone: input.customer.phone, expects: 'otp' });
    await c.begin('awaiting_otp', 'otp');
    for (;;) {
      const { otp, expiresAt } = await this.sendCode();
      const outcome = await this.collect(otp, expiresAt);
      if (outcome === 'approved') return;
      // expired: a new code on request, while any are left
      c.record('otp.expired', { detail: { code: this.codes } });
      if (this.codes > input.otp.maxNewCodes) {
        c.record('otp.failed', { detail: { reason: 'no_codes_left', codes: this.codes } });
        await c.say('closing', 'otp_failed');
        throw new ProcessEnded('rejected', 'otp_failed');
      }
      await c.say('otp_expired', 'otp_expired', {}, [ACTIONS.newCode]);
      await c.publish();
      await c.waitFor((m) => (actionOf(m, input.processId) === ACTIONS.newCode ? true : undefined), {
        reask: async () => void (await c.say('otp_expired', 'otp_expired', {}, [ACTIONS.newCode])),
      });
    }
  }

  private async sendCode(): Promise<{ otp: OtpStep; expiresAt: number }> {
    const c = this.conversation;
    const { input } = c;
    this.codes++;
    const expiresAt = Date.now() + input.otp.ttlSeconds * 1000;
    const otp = new OtpStep({
      subjectId: input.processId,
      tenantId: input.tenantId,
      to: input.customer.phone,
      channel: input.otp.channel,
      locale: input.customer.locale,
      brand: input.businessName,
      codeLength: input.otp.codeLength,
      maxAttempts: input.otp.maxAttempts,
      expiresAt: new Date(expiresAt).toISOString(),
      fallback: input.otp.channel === 'whatsapp' ? 'sms' : 'none',
      fallbackAfterMs: input.otp.fallbackAfterSeconds * 1000,
      resendCooldownMs: RESEND_COOLDOWN_MS,
      generation: this.codes,
      ...(this.options.codeRoutesReply ? { routeReply: true } : {}),
    });
    this.current = otp;
    await otp.deliver();
    for (const send of otp.sends) if (send.messageId) c.sent(send.messageId, 'otp', send.channel);
    if (otp.status === 'failed') {
      c.record('otp.failed', { detail: { reason: 'undeliverable', code: this.codes } });
      throw new ProcessEnded('failed', 'otp_undeliverable');
    }
    const last = otp.sends.at(-1)!;
    c.record('otp.sent', {
      channel: last.channel,
      messageIds: otp.sends.flatMap((s) => (s.messageId ? [s.messageId] : [])),
      detail: { code: this.codes, channels: otp.sends.map((s) => s.channel).join(',') },
    });
    await c.say('otp_prompt', last.channel === 'sms' ? 'otp_prompt_sms' : 'otp_prompt_whatsapp', { digits: input.otp.codeLength });
    await c.publish();
    return { otp, expiresAt };
  }

  /** Reads typed codes until one is right, the attempts run out, or the code expires. */
  private async collect(otp: OtpStep, expiresAt: number): Promise<'approved' | 'expired'> {
    const c = this.conversation;
    const { input } = c;
    for (;;) {
      const typed = await c.waitFor((m) => (m.textHash ? m : undefined), { until: expiresAt });
      if (typed === DEADLINE) return 'expired';
      const result = await otp.check(typed.textHash!);
      const attempt = input.otp.maxAttempts - result.attemptsRemaining;
      if (result.valid) {
        if (this.options.answerClosesRoute) await clearConversationWait({ processId: input.processId });
        c.record('otp.verified', {
          channel: otp.sends.at(-1)!.channel,
          messageIds: [typed.messageId],
          detail: { attempt, of: input.otp.maxAttempts, code: this.codes },
        });
        await c.publish();
        return 'approved';
      }
      c.record('otp.attempt_failed', { messageIds: [typed.messageId], detail: { attempt, of: input.otp.maxAttempts, code: this.codes } });
      if (result.status === 'max_attempts_reached') {
        c.record('otp.failed', { detail: { reason: 'max_attempts_reached', code: this.codes } });
        await c.say('closing', 'otp_failed');
        throw new ProcessEnded('rejected', 'otp_failed');
      }
      await c.say('otp_wrong', 'otp_wrong', { remaining: result.attemptsRemaining });
      await c.publish();
    }
  }
}
