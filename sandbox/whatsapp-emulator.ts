// The WhatsApp Cloud API emulator's behaviour, apart from HTTP: accepting sends (after validation,
// limits and injected faults), the life of each outbound message (media fetch, 131026 / 131047
// failures, then sent → delivered → read webhooks), read receipts, the 24-hour window, and the
// customer's side of the chat. Routes live in whatsapp-graph.ts and whatsapp-control.ts.
import type { SandboxStore } from './store';
import { buttonReply, HandsetError, quotedMessage, tappedButton, type CustomerInput } from './whatsapp-customer';
import { GraphError } from './whatsapp-errors';
import { applyFaults, defaultFaults, SlidingWindow, type Faults, type FaultsPatch } from './whatsapp-faults';
import { newConversationId, newWamid } from './whatsapp-ids';
import { MediaLibrary } from './whatsapp-media';
import { TemplateCatalogue } from './whatsapp-template-catalogue';
import { phoneOf, waIdOf, type HandsetMessage, type OutboundMessage, type PricingCategory, type WhatsAppStatus } from './whatsapp-model';
import { parseSendRequest } from './whatsapp-validate';
import { WebhookSender } from './whatsapp-webhooks';

export interface WhatsAppEmulatorOptions {
  store: SandboxStore;
  phoneNumberId: string;
  displayNumber: string;
  wabaId: string;
  appSecret: string;
  webhookUrl: string;
  statusDelayMs: number;
  retryDelaysMs: number[];
  clock: () => Date;
  log: { warn(message: string): void };
}

const WINDOW_MS = 24 * 3600 * 1000;
const TYPING_MS = 25_000;

/** What the status webhooks of one outbound message need to remember. */
interface Outbound {
  message: HandsetMessage;
  category: PricingCategory;
  windowOpen: boolean;
  version: string;
  bizOpaqueCallbackData?: string;
}

export class WhatsAppEmulator {
  readonly media: MediaLibrary;
  /** the business's templates and their review status (GET/POST /{WABA}/message_templates, control API) */
  readonly templates = new TemplateCatalogue();
  private faults = defaultFaults();
  private readonly webhooks: WebhookSender;
  private readonly throughput = new SlidingWindow(1000);
  private readonly pairs = new SlidingWindow(6000);
  private readonly outbound = new Map<string, Outbound>();
  private readonly conversations = new Map<string, { id: string; expiresAt: number }>();
  private readonly typingUntil = new Map<string, number>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(private readonly options: WhatsAppEmulatorOptions) {
    this.media = new MediaLibrary(options.store, options.clock);
    this.webhooks = new WebhookSender({
      url: options.webhookUrl,
      appSecret: options.appSecret,
      wabaId: options.wabaId,
      retryDelaysMs: options.retryDelaysMs,
      settings: () => ({ duplicates: this.faults.duplicateWebhooks, batch: this.faults.batchWebhooks, batchWindowMs: this.faults.batchWindowMs }),
      onDrop: (reason) => options.log.warn(reason),
    });
  }

  get phoneNumberId(): string {
    return this.options.phoneNumberId;
  }

  private get businessWaId(): string {
    return waIdOf(this.options.displayNumber);
  }

  private get store(): SandboxStore {
    return this.options.store;
  }

  // ---- the business side: POST /{PNID}/messages

  /** @returns the Graph API's success body; throws GraphError */
  send(phoneNumberId: string, version: string, body: unknown): object {
    const request = parseSendRequest(body, this.businessWaId, this.templates);
    if (request.kind === 'read') return this.markRead(phoneNumberId, request.messageId, request.typing);
    const { message } = request;
    this.injectedFailure();
    const now = this.options.clock();
    this.checkLimits(phoneNumberId, message.waId, now.getTime());

    const id = newWamid(message.waId);
    const phone = phoneOf(message.waId);
    // Uploaded media shows with the message at once; links and unknown ids are settled on delivery.
    const media = message.media?.id && this.media.resolveUploaded(message.media);
    const stored: HandsetMessage = {
      id,
      phone,
      phoneNumberId,
      from: 'business',
      type: message.type,
      ...(message.text ? { text: message.text } : {}),
      ...(message.buttons ? { buttons: message.buttons } : {}),
      ...(message.listLabel ? { listLabel: message.listLabel } : {}),
      ...(message.contextId ? { contextId: message.contextId } : {}),
      ...(media && !(media instanceof GraphError) ? { [message.media!.kind]: media } : {}),
      at: now.toISOString(),
      status: 'accepted',
    };
    this.store.addWhatsApp(stored);
    const outbound: Outbound = {
      message: stored,
      category: message.category,
      windowOpen: this.windowOpen(phoneNumberId, message.waId),
      version,
      bizOpaqueCallbackData: message.bizOpaqueCallbackData,
    };
    this.outbound.set(id, outbound);
    if (this.typingUntil.delete(phone)) this.store.notify(phone); // a reply clears the typing indicator
    this.deliver(outbound, message).catch((error: Error) => this.options.log.warn(`sandbox delivery of ${id} failed: ${error.message}`));
    return { messaging_product: 'whatsapp', contacts: [{ input: message.to, wa_id: message.waId }], messages: [{ id }] };
  }

  private injectedFailure(): void {
    const failNext = this.faults.failNext;
    if (!failNext) return;
    this.faults.failNext = failNext.count > 1 ? { ...failNext, count: failNext.count - 1 } : null;
    throw new GraphError(failNext.code, failNext.details);
  }

  private checkLimits(phoneNumberId: string, waId: string, now: number): void {
    const { throughputPerSecond, pairPerSixSeconds } = this.faults;
    const pair = `${phoneNumberId}:${waId}`;
    if (throughputPerSecond && this.throughput.isFull(phoneNumberId, throughputPerSecond, now)) throw new GraphError(130429);
    if (pairPerSixSeconds && this.pairs.isFull(pair, pairPerSixSeconds, now)) throw new GraphError(131056);
    // Traffic is only counted while a limit is on (switching one on starts from zero).
    if (throughputPerSecond) this.throughput.record(phoneNumberId, now);
    if (pairPerSixSeconds) this.pairs.record(pair, now);
  }

  /** The life of an accepted message, reported by status webhooks. */
  private async deliver(outbound: Outbound, request: OutboundMessage): Promise<void> {
    const { message } = outbound;
    // Reordering holds the statuses back and posts them last-first.
    const held: Array<Record<string, unknown>> = [];
    const emit = (status: WhatsAppStatus, extra: Record<string, unknown> = {}, error?: GraphError) => {
      this.store.updateWhatsApp(message.id, { status, ...(error ? { error: { code: error.code, title: error.title } } : {}) });
      const value = this.statusValue(outbound, status, error ? { errors: [error.toStatusError()] } : extra);
      if (this.faults.reorderStatuses) held.unshift(value);
      else this.postStatus(message.phone, value);
    };

    await this.sleep();
    const failure = await this.deliveryFailure(outbound, request);
    if (failure) emit('failed', {}, failure);
    else {
      emit('sent', this.billing(outbound, true));
      await this.sleep();
      emit('delivered', this.billing(outbound, false));
      if (this.faults.autoRead) {
        await this.sleep();
        // Opening the chat (the page, a reply) may have read it already.
        if (this.store.whatsappMessage(message.id)?.status !== 'read') emit('read');
      }
    }
    for (const value of held) this.postStatus(message.phone, value);
    // Read and failed are final: nothing more will be reported for this message.
    if (this.store.whatsappMessage(message.id)?.status !== 'delivered') this.outbound.delete(message.id);
  }

  /** The checks Meta makes after answering 200: media, recipient, 24-hour window. */
  private async deliveryFailure(outbound: Outbound, request: OutboundMessage): Promise<GraphError | undefined> {
    const { message } = outbound;
    if (request.media) {
      const media = await this.media.resolve(request.media, message.phoneNumberId);
      if (media instanceof GraphError) return media;
      this.store.updateWhatsApp(message.id, { [request.media.kind]: media });
    }
    if (this.faults.notOnWhatsApp.includes(message.phone)) return new GraphError(131026);
    if (outbound.category === 'service' && !outbound.windowOpen) return new GraphError(131047);
    return undefined;
  }

  private statusValue(outbound: Outbound, status: WhatsAppStatus, extra: Record<string, unknown>) {
    const { message, bizOpaqueCallbackData } = outbound;
    return this.changeValue({
      statuses: [
        {
          id: message.id,
          status,
          timestamp: this.timestamp(),
          recipient_id: waIdOf(message.phone),
          ...(bizOpaqueCallbackData ? { biz_opaque_callback_data: bizOpaqueCallbackData } : {}),
          ...extra,
        },
      ],
    });
  }

  private postStatus(phone: string, value: Record<string, unknown>): void {
    this.webhooks.post({ key: phone, value });
  }

  /**
   * conversation and pricing ride on `sent` and `delivered`. Service messages and utility templates
   * inside the customer's window are free; `conversation` is gone from v24 on.
   */
  private billing(outbound: Outbound, first: boolean): Record<string, unknown> {
    const { category, windowOpen, message } = outbound;
    const free = windowOpen && (category === 'service' || category === 'utility');
    const pricing = { billable: !free, pricing_model: 'PMP', type: free ? 'free_customer_service' : 'regular', category };
    if (Number(/^v(\d+)/.exec(outbound.version)?.[1] ?? 0) >= 24) return { pricing };
    const key = `${message.phoneNumberId}:${message.phone}:${category}`;
    const now = this.options.clock().getTime();
    let conversation = this.conversations.get(key);
    if (!conversation || conversation.expiresAt <= now) this.conversations.set(key, (conversation = { id: newConversationId(), expiresAt: now + WINDOW_MS }));
    const expiry = first ? { expiration_timestamp: String(Math.floor(conversation.expiresAt / 1000)) } : {};
    return { conversation: { id: conversation.id, ...expiry, origin: { type: category } }, pricing };
  }

  /** `status: "read"` on a customer's message: it and the earlier ones turn blue on their handset. */
  private markRead(phoneNumberId: string, messageId: string, typing: boolean): object {
    const target = this.store.whatsappMessage(messageId);
    if (!target || target.from !== 'customer' || target.phoneNumberId !== phoneNumberId)
      throw new GraphError(100, `Message ${messageId} is not a message this phone number received.`);
    const chat = this.store.whatsappFor(target.phone);
    for (const message of chat.slice(0, chat.indexOf(target) + 1)) {
      if (message.from === 'customer' && message.phoneNumberId === phoneNumberId && message.status !== 'read')
        this.store.updateWhatsApp(message.id, { status: 'read' });
    }
    if (typing) {
      this.typingUntil.set(target.phone, this.options.clock().getTime() + TYPING_MS);
      this.store.notify(target.phone);
      this.later(TYPING_MS, () => this.store.notify(target.phone));
    }
    return { success: true };
  }

  // ---- the customer side: the handset

  /** The customer sends something: it shows on the handset and the signed webhook goes to the app. @returns its wamid */
  receiveFromCustomer(phone: string, input: CustomerInput, profileName: string): string {
    if (this.faults.notOnWhatsApp.includes(phone)) throw new HandsetError(409, `${phone} is not on WhatsApp (fault switch).`);
    const waId = waIdOf(phone);
    const { phoneNumberId } = this.options;
    const now = this.options.clock();
    const id = newWamid(waId);
    const base = { id, phone, phoneNumberId, from: 'customer' as const, at: now.toISOString(), status: 'sent' as const };
    const header = { from: waId, id, timestamp: this.timestamp() };
    let stored: HandsetMessage;
    let message: Record<string, unknown>;
    if (input.kind === 'text') {
      const quoted = input.contextId ? quotedMessage(this.store.whatsappFor(phone), input.contextId) : undefined;
      stored = { ...base, type: 'text', text: input.text, ...(quoted ? { contextId: quoted.id } : {}) };
      // Meta names the quoted message's sender: the business number, or the customer quoting themselves
      const context = quoted ? { context: { from: quoted.from === 'business' ? this.businessWaId : waId, id: quoted.id } } : {};
      message = { ...header, ...context, type: 'text', text: { body: input.text } };
    } else if (input.kind === 'button') {
      const { message: target, button } = tappedButton(this.store.whatsappFor(phone), input.buttonId, input.contextId);
      const reply = buttonReply(button);
      stored = { ...base, type: reply.type, text: button.title, contextId: target.id };
      message = { ...header, context: { from: this.businessWaId, id: target.id }, ...reply.webhook };
    } else {
      const meta = this.media.save(phoneNumberId, input.bytes, input.mimeType, input.kind === 'document' ? input.filename : undefined);
      const caption = input.caption ? { caption: input.caption } : {};
      const filename = input.kind === 'document' ? { filename: input.filename } : {};
      stored = { ...base, type: input.kind, [input.kind]: { mediaId: meta.id, mimeType: meta.mimeType, sha256: meta.sha256, ...filename, ...caption } };
      // Meta gives the hash of inbound media in base64.
      const sha256 = Buffer.from(meta.sha256, 'hex').toString('base64');
      message = { ...header, type: input.kind, [input.kind]: { ...filename, mime_type: meta.mimeType, sha256, id: meta.id, ...caption } };
    }

    this.store.addWhatsApp(stored);
    this.store.setLastInbound(phoneNumberId, waId, now.toISOString());
    this.openChat(phone); // replying means the chat is open: what the business sent is read
    this.webhooks.post({
      key: phone,
      value: this.changeValue({ contacts: [{ profile: { name: profileName }, wa_id: waId }], messages: [message] }),
      onDelivered: () => {
        if (this.store.whatsappMessage(id)?.status === 'sent') this.store.updateWhatsApp(id, { status: 'delivered' });
      },
    });
    return id;
  }

  /** The customer looks at the chat: delivered business messages become read (what autoRead=false waits for). @returns how many */
  openChat(phone: string): number {
    const unread = this.store.whatsappFor(phone).filter((m) => m.from === 'business' && m.status === 'delivered');
    for (const message of unread) {
      this.store.updateWhatsApp(message.id, { status: 'read' });
      const outbound = this.outbound.get(message.id);
      if (outbound) this.postStatus(phone, this.statusValue(outbound, 'read', {}));
      this.outbound.delete(message.id);
    }
    return unread.length;
  }

  // ---- state the control API shows and changes

  windowExpiresAt(phone: string): string | undefined {
    const last = this.store.lastInbound(this.options.phoneNumberId, waIdOf(phone));
    return last && new Date(Date.parse(last) + WINDOW_MS).toISOString();
  }

  isTyping(phone: string): boolean {
    return (this.typingUntil.get(phone) ?? 0) > this.options.clock().getTime();
  }

  isOnWhatsApp(phone: string): boolean {
    return !this.faults.notOnWhatsApp.includes(phone);
  }

  getFaults(): Faults {
    return structuredClone(this.faults);
  }

  setFaults(patch: FaultsPatch): Faults {
    this.faults = applyFaults(this.faults, patch);
    // A limit switched on counts from now, not the traffic before it.
    if (patch.throughputPerSecond !== undefined) this.throughput.clear();
    if (patch.pairPerSixSeconds !== undefined) this.pairs.clear();
    return this.getFaults();
  }

  resetFaults(): Faults {
    return this.setFaults(defaultFaults());
  }

  close(): void {
    this.closed = true;
    this.webhooks.close();
    for (const timer of this.timers) clearTimeout(timer);
  }

  // ---- helpers

  private windowOpen(phoneNumberId: string, waId: string): boolean {
    const last = this.store.lastInbound(phoneNumberId, waId);
    return last !== undefined && this.options.clock().getTime() - Date.parse(last) < WINDOW_MS;
  }

  private changeValue(content: Record<string, unknown>): Record<string, unknown> {
    return {
      messaging_product: 'whatsapp',
      metadata: { display_phone_number: this.businessWaId, phone_number_id: this.options.phoneNumberId },
      ...content,
    };
  }

  private timestamp(): string {
    return String(Math.floor(this.options.clock().getTime() / 1000));
  }

  /** the pause between two status webhooks; never resolves once the emulator is closed */
  private sleep(): Promise<void> {
    return new Promise((resolve) => this.later(this.faults.statusDelayMs ?? this.options.statusDelayMs, resolve));
  }

  private later(ms: number, run: () => void): void {
    if (this.closed) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      run();
    }, ms);
    this.timers.add(timer);
  }
}
