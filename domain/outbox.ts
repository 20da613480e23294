// Idempotent sends. Providers take no idempotency key, so each send is recorded under a key that is
// stable across activity retries (workflow id + activity id): a retry finds the provider's message id
// and returns it instead of sending again. (A crash between the provider's accept and our write can
// still duplicate one message; nothing short of provider support closes that gap.)
import type { PrismaClient } from '../prisma/generated/client';
import type { SentMessage } from '../providers/sms';

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
    return { ...sent, replayed: false };
  } catch (error) {
    await prisma.outboundMessage.update({ where: { key: entry.key }, data: { status: 'send_failed', error: { message: (error as Error).message } } });
    throw error;
  }
}
