// The state every step of a signing process shares: status, events, messages and their receipts, the
// customer's replies waiting to be read, and the clocks (step timeout, one reminder after silence,
// process expiry). Steps talk to the customer through it; the workflow function only wires handlers.
import { sendProcessMessage, sendWhatsApp } from './activities';
import { ActivityFailure, ApplicationFailure, condition } from '@temporalio/workflow';
import type { ProcessMessageKey, MessageParams } from '../../domain/process-messages';
import { advancesStatus } from '../../shared/delivery-status';
import { buttonPayload, type InboundSignal, type StatusSignal } from '../../shared/messaging';
import {
  ACTIONS,
  isTerminalProcessStatus,
  type ProcessAction,
  type ProcessEvent,
  type ProcessEventType,
  type ProcessInput,
  type ProcessMessage,
  type ProcessReason,
  type ProcessStatus,
  RECEIPT_STATUSES,
  type ReceiptStatus,
} from '../../shared/process';

/** Meta: the recipient is not a WhatsApp user. */
const NOT_ON_WHATSAPP = 131026;
/** Meta: re-engagement message: more than 24 hours since the customer last replied. */
const OUTSIDE_WINDOW = 131047;
const WINDOW_MS = 24 * 60 * 60 * 1000;

/** Ends the process from any step: thrown, caught once by the workflow function. */
export class ProcessEnded extends Error {
  constructor(
    readonly status: Extract<ProcessStatus, 'rejected' | 'expired' | 'canceled' | 'failed'>,
    readonly reason: ProcessReason,
  ) {
    super(`${status}: ${reason}`);
  }
}

/** `waitFor` answers this when its own deadline (e.g. a code's expiry) passed first. */
export const DEADLINE = Symbol('deadline');

export type TemplateButtons = { name: string; params: string[]; actions: ProcessAction[] };

export class Conversation {
  status: ProcessStatus;
  reason: ProcessReason | null = null;
  step = 'opt_in';
  readonly events: ProcessEvent[] = [];
  readonly messages: ProcessMessage[] = [];
  version = 0;

  private readonly inbox: InboundSignal[] = [];
  private readonly seenInbound = new Set<string>();
  /** statuses of messages whose send result is not recorded yet (webhooks can overtake activity results) */
  private readonly earlyStatuses = new Map<string, StatusSignal[]>();
  private readonly processDeadline: number;
  private stepDeadline = 0;
  private stepStartedAt = 0;
  private reminded = false;
  private lastInboundAt = 0;
  private cancelRequested = false;
  private notOnWhatsApp = false;
  /** set when a prompt failed because the 24-hour window had closed: the step re-engages with a template */
  private reengage = false;
  /** sends to the customer running now */
  private running = 0;

  constructor(
    readonly input: ProcessInput,
    /** projects the state (read model, search attributes, status callbacks) */
    private readonly onChange: () => Promise<void>,
  ) {
    this.status = input.optIn.mode === 'recorded' ? 'awaiting_review' : 'awaiting_opt_in';
    this.processDeadline = Date.now() + input.timeouts.processMs;
  }

  get terminal(): boolean {
    return isTerminalProcessStatus(this.status);
  }

  /** A message to the customer is on its way (the read-model write waits for it: steps/projection.ts). */
  get sending(): boolean {
    return this.running > 0;
  }

  get canceling(): boolean {
    return this.cancelRequested;
  }

  /** Enters a step: a status, a fresh step timeout, and one reminder to spend. */
  async begin(status: ProcessStatus, step: string): Promise<void> {
    this.status = status;
    this.step = step;
    this.stepStartedAt = Date.now();
    this.stepDeadline = this.stepStartedAt + this.input.timeouts.stepMs;
    this.reminded = false;
    await this.publish();
  }

  record(type: ProcessEventType, extra: Omit<ProcessEvent, 'at' | 'type'> = {}): void {
    this.events.push({ at: new Date().toISOString(), type, ...extra });
  }

  async publish(): Promise<void> {
    this.version++;
    await this.onChange();
  }

  requestCancel(): void {
    this.cancelRequested = true;
  }

  /** Throws when the process must stop now (canceled, customer not on WhatsApp, expired). */
  checkpoint(): void {
    if (this.cancelRequested) throw new ProcessEnded('canceled', 'canceled_by_business');
    if (this.notOnWhatsApp) throw new ProcessEnded('failed', 'not_on_whatsapp');
    if (Date.now() >= this.processDeadline) throw new ProcessEnded('expired', 'process_timeout');
  }

  // ---- sending -------------------------------------------------------------------------------------

  /** A free-form message (text, or text with reply buttons), in the customer's language. */
  async say(
    purpose: string,
    key: ProcessMessageKey,
    params: MessageParams = {},
    actions: ProcessAction[] = [],
    { to = this.input.customer.phone, reengage = true }: { to?: string; reengage?: boolean } = {},
  ): Promise<string> {
    const { messageId } = await this.send(
      () => sendProcessMessage({ processId: this.input.processId, to, locale: this.input.customer.locale, key, params: this.params(params), actions }),
      { reengage },
    );
    this.sent(messageId, purpose);
    return messageId;
  }

  /** A template (business-initiated, allowed outside the 24-hour window) whose quick replies carry this process's actions. */
  async template(purpose: string, { name, params, actions }: TemplateButtons): Promise<string> {
    const components = [
      ...(params.length ? [{ type: 'body' as const, parameters: params.map((text) => ({ type: 'text', text })) }] : []),
      ...actions.map((action, index) => ({
        type: 'button' as const,
        sub_type: 'quick_reply' as const,
        index: String(index),
        parameters: [{ type: 'payload', payload: buttonPayload(this.input.processId, action) }],
      })),
    ];
    const { messageId } = await this.send(() =>
      sendWhatsApp({
        to: this.input.customer.phone,
        message: { kind: 'template', name, language: this.input.customer.locale, components },
        options: { correlationId: this.input.processId },
      }),
    );
    this.sent(messageId, purpose);
    return messageId;
  }

  /** Records an outbound message sent by another activity (documents, OTP). */
  sent(messageId: string, purpose: string, channel: 'whatsapp' | 'sms' = 'whatsapp'): void {
    this.messages.push({ messageId, direction: 'outbound', channel, purpose, at: new Date().toISOString(), status: 'accepted' });
    for (const signal of this.earlyStatuses.get(messageId) ?? []) this.onStatus(signal);
    this.earlyStatuses.delete(messageId);
  }

  private params(params: MessageParams): MessageParams {
    return { business: this.input.businessName, reference: this.input.reference, name: this.input.customer.name, ...params };
  }

  /**
   * Runs a send. When the 24-hour window has closed under us, the customer is re-engaged with the
   * reminder template and the send goes out once they tap Continue; a refusal for good ends the process
   * with a reason the business can act on.
   */
  async send<T>(call: () => Promise<T>, { reengage = true }: { reengage?: boolean } = {}): Promise<T> {
    for (;;) {
      try {
        this.running++;
        try {
          return await call();
        } finally {
          this.running--;
        }
      } catch (error) {
        const type = error instanceof ActivityFailure && error.cause instanceof ApplicationFailure ? error.cause.type : undefined;
        if (type === undefined) throw error;
        if (type === 'NotOnWhatsApp') throw new ProcessEnded('failed', 'not_on_whatsapp');
        if (type !== 'TemplateRequired') throw new ProcessEnded('failed', 'message_rejected');
        if (!reengage) throw error;
        await this.template('reminder', { name: 'testigo_reminder', params: [this.input.businessName, this.input.reference], actions: [ACTIONS.continue] });
        this.record('reminder.sent', { channel: 'whatsapp', detail: { step: this.step, template: true, windowClosed: true } });
        await this.publish();
        await this.waitFor((m) => (actionOf(m, this.input.processId) === ACTIONS.continue ? true : undefined), { remind: false });
      }
    }
  }

  // ---- receiving -----------------------------------------------------------------------------------

  /** A customer message routed to this process (button, text, token). Redeliveries have no second effect. */
  onInbound(signal: InboundSignal): void {
    if (this.seenInbound.has(signal.messageId)) return;
    this.seenInbound.add(signal.messageId);
    const at = Date.parse(signal.at);
    if (signal.from === this.input.customer.phone && Number.isFinite(at)) this.lastInboundAt = Math.max(this.lastInboundAt, at);
    this.messages.push({
      messageId: signal.messageId,
      direction: 'inbound',
      channel: 'whatsapp',
      purpose: signal.buttonPayload ? 'reply' : signal.optInToken ? 'opt_in_token' : 'text',
      at: signal.at,
      status: 'received',
    });
    if (!this.terminal) this.inbox.push(signal);
  }

  /**
   * A delivery status of one of our messages: its time kept in `receipts` whatever the order it arrives in (the first
   * report of each status); the status itself only ever moves forward; 131026 ends the process.
   * Replay: what this returns (whether the caller publishes) depends on the forward move alone, as before receipts
   * were kept, so recorded histories schedule the same commands.
   */
  onStatus(signal: StatusSignal): boolean {
    const message = this.messages.find((m) => m.messageId === signal.messageId && m.direction === 'outbound');
    if (!message) {
      if (this.earlyStatuses.size < 100) this.earlyStatuses.set(signal.messageId, [...(this.earlyStatuses.get(signal.messageId) ?? []), signal]);
      return false;
    }
    const receipt = signal.status as ReceiptStatus;
    if (RECEIPT_STATUSES.includes(receipt) && message.receipts?.[receipt] === undefined) {
      // a new object, never a mutation: snapshots already handed out (projection, queries) keep what they had
      message.receipts = { ...message.receipts, [receipt]: signal.at };
    }
    if (!advancesStatus(message.status, signal.status)) return false;
    message.status = signal.status;
    message.statusAt = signal.at;
    const code = signal.errors?.[0]?.code;
    if (code !== undefined) message.error = code;
    // A failed code message is the OTP step's business: it falls back to SMS.
    if (signal.status === 'failed' && message.channel === 'whatsapp' && message.purpose !== 'otp') {
      if (Number(code) === NOT_ON_WHATSAPP) this.notOnWhatsApp = true;
      else if (Number(code) === OUTSIDE_WINDOW) this.reengage = true;
    }
    return true;
  }

  /** Whether a free-form message can go out now (the customer wrote within 24 h). */
  get windowOpen(): boolean {
    return Date.now() - this.lastInboundAt < WINDOW_MS;
  }

  /**
   * Waits for the customer's reply that `pick` accepts (others are dropped), up to the step timeout and
   * the process expiry, with one reminder after `reminderMs` of silence: free-form inside the 24-hour
   * window, else a reminder template whose *Continue* button brings the step's question back (`reask`).
   * @returns what pick returned, or DEADLINE when `until` passed first
   */
  async waitFor<T>(
    pick: (message: InboundSignal) => T | undefined,
    options: { reask?: () => Promise<void>; until?: number; remind?: boolean } = {},
  ): Promise<T | typeof DEADLINE> {
    const remind = options.remind ?? true;
    for (;;) {
      this.checkpoint();
      // A deadline of the caller's (a code's expiry) wins over what arrived after it.
      if (options.until !== undefined && Date.now() >= options.until) return DEADLINE;
      while (this.inbox.length > 0) {
        const message = this.inbox.shift()!;
        const picked = pick(message);
        if (picked !== undefined) return picked;
        if (message.buttonPayload?.endsWith(`:${ACTIONS.continue}`) && options.reask) await options.reask();
      }
      if (this.reengage) {
        this.reengage = false;
        await this.sendReminder(options.reask);
      }
      const now = Date.now();
      if (now >= this.stepDeadline) throw new ProcessEnded('expired', 'step_timeout');
      const remindAt = remind && !this.reminded ? Math.max(this.stepStartedAt, this.lastInboundAt) + this.input.timeouts.reminderMs : Infinity;
      if (now >= remindAt) {
        this.reminded = true;
        await this.sendReminder(options.reask);
        continue;
      }
      const wakeAt = Math.min(this.stepDeadline, this.processDeadline, remindAt, options.until ?? Infinity);
      await condition(() => this.inbox.length > 0 || this.cancelRequested || this.notOnWhatsApp || this.reengage, Math.max(1, wakeAt - now));
    }
  }

  /** Inside the window: a free-form nudge and the question again. Outside: the reminder template, whose Continue tap re-asks. */
  private async sendReminder(reask?: () => Promise<void>): Promise<void> {
    if (this.windowOpen) {
      await this.say('reminder', 'reminder');
      if (reask) await reask();
    } else {
      await this.template('reminder', { name: 'testigo_reminder', params: [this.input.businessName, this.input.reference], actions: [ACTIONS.continue] });
    }
    this.record('reminder.sent', { channel: 'whatsapp', detail: { step: this.step, template: !this.windowOpen } });
    await this.publish();
  }
}

/** The action of a reply button of this process, if the message is one. */
export function actionOf(message: InboundSignal, processId: string): string | undefined {
  const prefix = `${processId}:`;
  return message.buttonPayload?.startsWith(prefix) ? message.buttonPayload.slice(prefix.length) : undefined;
}
