// Posts the emulator's webhooks to the app as Meta does: the envelope of a WhatsApp Business
// Account, a body serialised with Meta's escaping and signed over those exact bytes, retried with
// backoff when the app does not answer 2xx. Events of one handset go out in order (one POST at a
// time per handset) unless a retry lets later ones overtake it, which Meta does too.
import { hubSignature256, hubSignatureSha1, metaJson } from './whatsapp-json';

export interface WebhookEvent {
  /** the `value` of one change: statuses or messages of one business number */
  value: Record<string, unknown>;
  /** events with the same key are posted in order (the handset) */
  key: string;
  /** called once, when a POST carrying the event was answered 2xx */
  onDelivered?: () => void;
}

export interface WebhookSenderOptions {
  url: string;
  appSecret: string;
  wabaId: string;
  /** waits before the 2nd, 3rd… attempt; attempts = retries + 1 */
  retryDelaysMs: number[];
  /** read at each POST, so fault switches apply at once */
  settings: () => { duplicates: number; batch: boolean; batchWindowMs: number };
  onDrop?: (reason: string) => void;
}

interface Delivery {
  key: string;
  body: string;
  events: WebhookEvent[];
  /** POSTs still to make (duplicates) */
  copies: number;
  failures: number;
  delivered: boolean;
}

const REQUEST_TIMEOUT_MS = 10_000;

export class WebhookSender {
  private readonly queues = new Map<string, Promise<void>>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly abort = new AbortController();
  private batch: WebhookEvent[] = [];
  private closed = false;

  constructor(private readonly options: WebhookSenderOptions) {}

  post(event: WebhookEvent): void {
    if (this.closed) return;
    if (!this.options.settings().batch) return this.start(event.key, [event]);
    this.batch.push(event);
    if (this.batch.length === 1) {
      this.later(this.options.settings().batchWindowMs, () => {
        const events = this.batch;
        this.batch = [];
        this.start('batch', events);
      });
    }
  }

  close(): void {
    this.closed = true;
    this.abort.abort();
    for (const timer of this.timers) clearTimeout(timer);
  }

  private start(key: string, events: WebhookEvent[]): void {
    const body = metaJson(this.envelope(events));
    this.enqueue({ key, body, events, copies: this.options.settings().duplicates, failures: 0, delivered: false });
  }

  /**
   * One entry of the business account holding one change per event. A batch is split over two
   * entries, as Meta may do, so a handler that reads only entry[0].changes[0] visibly loses events.
   */
  private envelope(events: WebhookEvent[]) {
    const changes = events.map((event) => ({ value: event.value, field: 'messages' }));
    const half = Math.ceil(changes.length / 2);
    const groups = changes.length > 1 ? [changes.slice(0, half), changes.slice(half)] : [changes];
    return { object: 'whatsapp_business_account', entry: groups.map((group) => ({ id: this.options.wabaId, changes: group })) };
  }

  private enqueue(delivery: Delivery): void {
    const previous = this.queues.get(delivery.key) ?? Promise.resolve();
    const next = previous.then(() => this.attempt(delivery));
    this.queues.set(delivery.key, next);
    void next.then(() => {
      if (this.queues.get(delivery.key) === next) this.queues.delete(delivery.key);
    });
  }

  private async attempt(delivery: Delivery): Promise<void> {
    if (this.closed) return;
    if (await this.postOnce(delivery.body)) {
      if (!delivery.delivered) {
        delivery.delivered = true;
        for (const event of delivery.events) event.onDelivered?.();
      }
      delivery.copies -= 1;
      if (delivery.copies > 0) this.enqueue(delivery);
      return;
    }
    delivery.failures += 1;
    const wait = this.options.retryDelaysMs[delivery.failures - 1];
    if (wait === undefined) return this.options.onDrop?.(`webhook dropped after ${delivery.failures} attempts`);
    this.later(wait, () => this.enqueue(delivery));
  }

  private async postOnce(body: string): Promise<boolean> {
    try {
      const response = await fetch(this.options.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'facebookexternalua',
          'x-hub-signature-256': hubSignature256(this.options.appSecret, body),
          'x-hub-signature': hubSignatureSha1(this.options.appSecret, body),
        },
        body,
        signal: AbortSignal.any([this.abort.signal, AbortSignal.timeout(REQUEST_TIMEOUT_MS)]),
      });
      await response.arrayBuffer();
      return response.ok;
    } catch {
      return false;
    }
  }

  private later(ms: number, run: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      run();
    }, ms);
    this.timers.add(timer);
  }
}
