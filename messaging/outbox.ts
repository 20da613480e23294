// Idempotent sends. Providers take no idempotency key, so each send is recorded under a key that is
// stable across activity retries (workflow id + activity id): a retry finds the provider's message id
// and returns it instead of sending again. Once the provider has answered, the message id is written
// until the write succeeds (a database restart or a dropped connection must not fail the activity, whose
// retry would send again). What remains: a crash of the worker itself between the provider's accept and
// that write (a few milliseconds on the local stack) duplicates one message on the retry; nothing short
// of provider support closes that gap (see the README, "Crash safety").
import { Prisma, type PrismaClient } from '../prisma/generated/client';
import type { SentMessage } from '../providers/sms';
import { lastAdvance, statusesBefore, type DeliveryStatus } from '../shared/delivery-status';
import type { StatusEvent } from '../shared/messaging';

export interface OutboxEntry {
  key: string;
  workflowId: string;
  channel: 'sms' | 'whatsapp';
  provider: string;
  to: string;
  /** the statuses the webhook ingestion signals to the workflow (the ones it acts on); every status when absent */
  signalledStatuses?: readonly DeliveryStatus[];
}

export interface SendOnceOptions {
  /**
   * Until when (epoch ms) the provider's message id is retried into the database after a successful send: before
   * the activity's start-to-close timeout, or the server would start a second attempt meanwhile. Default 30 s.
   */
  recordUntil?: number;
}

export async function sendOnce(
  prisma: PrismaClient,
  entry: OutboxEntry,
  send: () => Promise<SentMessage>,
  options: SendOnceOptions = {},
): Promise<SentMessage & { replayed: boolean }> {
  // One statement on the send's hot path: the row claimed as `sending` unless an earlier try left one, and that
  // earlier row as it was (the SELECT sees the table before the insert).
  const now = new Date();
  const [earlier] = await prisma.$queryRaw<Array<{ provider_message_id: string | null; status: string | null }>>`
    WITH inserted AS (
      INSERT INTO outbound_message (key, workflow_id, channel, provider, "to", status, signalled_statuses, created_at, updated_at)
      VALUES (${entry.key}, ${entry.workflowId}, ${entry.channel}, ${entry.provider}, ${entry.to}, 'sending',
              ${entry.signalledStatuses ? Prisma.sql`ARRAY[${Prisma.join(entry.signalledStatuses)}]::text[]` : Prisma.sql`DEFAULT`}, ${now}, ${now})
      ON CONFLICT (key) DO NOTHING RETURNING key)
    SELECT m.provider_message_id, m.status FROM (SELECT 1) AS one LEFT JOIN outbound_message m ON m.key = ${entry.key}`;
  if (earlier?.provider_message_id) {
    // an earlier try sent and recorded it; statuses that came before that record are still claimed here
    const recorded = { messageId: earlier.provider_message_id, status: earlier.status! };
    return { ...(await claimEarlyStatuses(prisma, entry, recorded)), replayed: true };
  }
  let sent: SentMessage;
  try {
    sent = await send();
  } catch (error) {
    await prisma.outboundMessage.update({ where: { key: entry.key }, data: { status: 'send_failed', error: { message: (error as Error).message } } });
    throw error;
  }
  // The provider has the message: from here a failure must never reach the send-failed path above, and the write
  // of its id is retried rather than left to an activity retry that would send it again.
  await recordSent(prisma, entry.key, sent, options.recordUntil ?? Date.now() + 30_000);
  return { ...(await claimEarlyStatuses(prisma, entry, sent)), replayed: false };
}

async function recordSent(prisma: PrismaClient, key: string, sent: SentMessage, until: number): Promise<void> {
  for (let wait = 100; ; wait = Math.min(wait * 2, 2_000)) {
    try {
      await prisma.outboundMessage.update({ where: { key }, data: { providerMessageId: sent.messageId, status: sent.status, error: undefined } });
      return;
    } catch (error) {
      if (Date.now() + wait > until) throw error;
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}

/**
 * Status webhooks that arrived before this send recorded its message id (the webhook ingestion leaves
 * them unprocessed): applied here, so the send returns its latest status and none is lost.
 */
async function claimEarlyStatuses(prisma: PrismaClient, entry: OutboxEntry, sent: SentMessage): Promise<SentMessage> {
  const early = await prisma.inboxEvent.findMany({ where: { messageId: sent.messageId, kind: 'status', processedAt: null }, orderBy: { receivedAt: 'asc' } });
  if (early.length === 0) return sent;
  const last = lastAdvance(
    sent.status,
    early.map(({ payload }) => payload as unknown as StatusEvent),
  );
  const latest: SentMessage = last ? { messageId: sent.messageId, status: last.status, error: last.errors?.[0]?.code } : sent;
  await prisma.outboundMessage.updateMany({
    where: { key: entry.key, status: { in: statusesBefore(latest.status as DeliveryStatus) } },
    data: { status: latest.status, ...(latest.error !== undefined ? { errorCode: String(latest.error) } : {}) },
  });
  await prisma.inboxEvent.updateMany({ where: { id: { in: early.map((e) => e.id) } }, data: { processedAt: new Date(), routedTo: entry.workflowId } });
  return latest;
}
