// WhatsApp's customer-service window: free-form messages (text, buttons, documents) only within 24 h of
// the customer's last message to that business number; outside it only templates. The webhook
// ingestion keeps `conversation_window` current; senders ask here before a free-form send, and treat
// Meta's 131047 (arriving later as a failed status) as the authoritative answer.
import type { PrismaClient } from '../prisma/generated/client';

export const WINDOW_MS = 24 * 60 * 60 * 1000;

export async function windowOpen(prisma: PrismaClient, businessNumber: string, customer: string, now = new Date()): Promise<boolean> {
  const row = await prisma.conversationWindow.findUnique({ where: { businessNumber_customer: { businessNumber, customer } } });
  return row !== null && now.getTime() - row.lastInboundAt.getTime() < WINDOW_MS;
}
