// The delivery-status rules of our outbound messages, in one place: the webhook ingestion (conditional
// updates), the outbox (statuses that arrived before the send recorded its id) and the workflow steps
// (signals) all ask here whether a status moves a message on. No Node imports (bundled into workflow code).

/** Delivery statuses, in the order they may only move forward (failed is terminal). */
export type DeliveryStatus = 'accepted' | 'queued' | 'sent' | 'delivered' | 'read' | 'failed';
export const STATUS_RANK: Record<DeliveryStatus, number> = { accepted: 0, queued: 0, sent: 1, delivered: 2, read: 3, failed: 4 };

/**
 * Whether `next` moves a message on from `current`: forward only, and nothing after `failed`. `current`
 * may also be one of the outbox's own states (`sending`, `send_failed`), which every provider status advances.
 */
export function advancesStatus(current: string, next: DeliveryStatus): boolean {
  if (current === 'failed') return false;
  return STATUS_RANK[next] > (STATUS_RANK[current as DeliveryStatus] ?? 0);
}

/** The statuses a message may be in for `next` to be an advance (for conditional updates). */
export function statusesBefore(next: DeliveryStatus): string[] {
  return [...Object.keys(STATUS_RANK), 'sending'].filter((s) => advancesStatus(s, next));
}

/** The customer's handset has the message (read implies delivered). */
export function isDelivered(status: string): boolean {
  return status === 'delivered' || status === 'read';
}

/**
 * The update a message ends on when `updates` arrive, in this order, on a message in `current`: the
 * last one that advanced it, or undefined when none did (late or repeated statuses change nothing).
 */
export function lastAdvance<U extends { status: DeliveryStatus }>(current: string, updates: readonly U[]): U | undefined {
  let last: U | undefined;
  for (const update of updates) {
    if (advancesStatus(last?.status ?? current, update.status)) last = update;
  }
  return last;
}
