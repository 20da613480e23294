// Idempotent sends. Providers take no idempotency key, so each send is recorded under a key that is
// stable across activity retries (workflow id + activity id): a retry finds the provider's message id
// and returns it instead of sending again. (A crash between the provider's accept and our write can
// still duplicate one message; nothing short of provider support closes that gap.)
import type { PrismaClient } from '../prisma/generated/client';
import type { SentMessage } from '../providers/sms';
import { lastAdvance, statusesBefore, type DeliveryStatus } from '../shared/delivery-status';
import type { StatusEvent } from '../shared/messaging';

export interface OutboxEntry {
  key: string;
  workflowId: string;
  channel: 'sms' | 'whatsapp';
  provider: string;
  to: string;
}

export async function sendOnce(prisma: PrismaClient, entry: OutboxEntry, send: () => Promise<SentMessage>): Promise<SentMessage & { replayed: boolean }> {
  const existing = await prisma.outboundMessage.findUnique({ where: { key: entry.key } });
  if (existing?.providerMessageId) return { messageId: existing.providerMessageId, status: existing.status, replayed: true };
  if (!existing) {
    await prisma.outboundMessage.createMany({ data: [{ ...entry, status: 'sending' }], skipDuplicates: true });
  }
  try {
    const sent = await send();
    await prisma.outboundMessage.update({ where: { key: entry.key }, data: { providerMessageId: sent.messageId, status: sent.status, error: undefined } });
    return { ...(await claimEarlyStatuses(prisma, entry, sent)), replayed: false };
  } catch (error) {
    await prisma.outboundMessage.update({ where: { key: entry.key }, data: { status: 'send_failed', error: { message: (error as Error).message } } });
    throw error;
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
