// Switches that make the emulator misbehave the way Meta can, so tests and demos can provoke each
// failure path on purpose. They live in memory only: a restart brings back a well-behaved provider.

export interface Faults {
  /** numbers (E.164) the emulator treats as not on WhatsApp: accepted, then `failed` with 131026 */
  notOnWhatsApp: string[];
  /** the next `count` sends fail synchronously with this Graph error code */
  failNext: { count: number; code: number; details?: string } | null;
  /** every webhook POST is delivered this many times, byte for byte */
  duplicateWebhooks: number;
  /** status webhooks of a message are posted last-first (read, delivered, sent) */
  reorderStatuses: boolean;
  /** events of a short window share one POST, split over several entries and changes */
  batchWebhooks: boolean;
  /** how long batching collects events before one POST (ms) */
  batchWindowMs: number;
  /** the customer reads every delivered message at once; off, only opening the chat (or replying) reads */
  autoRead: boolean;
  /** messages per second per business number before 130429 */
  throughputPerSecond: number | null;
  /** messages to one customer per 6 seconds before 131056 */
  pairPerSixSeconds: number | null;
  /** overrides the delay between status webhooks */
  statusDelayMs: number | null;
}

export function defaultFaults(): Faults {
  return {
    notOnWhatsApp: [],
    failNext: null,
    duplicateWebhooks: 1,
    reorderStatuses: false,
    batchWebhooks: false,
    batchWindowMs: 25,
    autoRead: true,
    throughputPerSecond: null,
    pairPerSixSeconds: null,
    statusDelayMs: null,
  };
}

const nullableInteger = (minimum: number, maximum?: number) => ({ type: ['integer', 'null'], minimum, ...(maximum ? { maximum } : {}) });

/** `POST /sandbox/api/faults` body: any subset of the switches. */
export const faultsPatchSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    notOnWhatsApp: { type: 'array', items: { type: 'string', pattern: '^\\+?[1-9]\\d{6,14}$' } },
    failNext: {
      anyOf: [
        { type: 'null' },
        {
          type: 'object',
          additionalProperties: false,
          required: ['code'],
          properties: { count: { type: 'integer', minimum: 1 }, code: { type: 'integer', minimum: 1 }, details: { type: 'string' } },
        },
      ],
    },
    duplicateWebhooks: { type: 'integer', minimum: 1, maximum: 10 },
    reorderStatuses: { type: 'boolean' },
    batchWebhooks: { type: 'boolean' },
    batchWindowMs: { type: 'integer', minimum: 1, maximum: 10000 },
    autoRead: { type: 'boolean' },
    throughputPerSecond: nullableInteger(1),
    pairPerSixSeconds: nullableInteger(1),
    statusDelayMs: nullableInteger(0, 60_000),
  },
} as const;

export type FaultsPatch = Partial<Omit<Faults, 'failNext'>> & { failNext?: { count?: number; code: number; details?: string } | null };

export function applyFaults(current: Faults, patch: FaultsPatch): Faults {
  const { failNext, notOnWhatsApp, ...rest } = patch;
  return {
    ...current,
    ...rest,
    ...(notOnWhatsApp ? { notOnWhatsApp: notOnWhatsApp.map((phone) => `+${phone.replace(/^\+/, '')}`) } : {}),
    ...(failNext !== undefined ? { failNext: failNext && { ...failNext, count: failNext.count ?? 1 } } : {}),
  };
}

/** Counts events per key over a sliding window (throughput and pair limits). */
export class SlidingWindow {
  private readonly hits = new Map<string, number[]>();

  constructor(private readonly windowMs: number) {}

  isFull(key: string, limit: number, now: number): boolean {
    const recent = (this.hits.get(key) ?? []).filter((at) => at > now - this.windowMs);
    this.hits.set(key, recent);
    return recent.length >= limit;
  }

  record(key: string, now: number): void {
    this.hits.set(key, [...(this.hits.get(key) ?? []), now]);
  }

  clear(): void {
    this.hits.clear();
  }
}
