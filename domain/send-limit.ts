// At most N codes per phone per window per tenant (PRODUCT.md §3.3: 5 per 10 minutes), exact under
// concurrency: the count and the insert happen in one transaction holding a PostgreSQL advisory lock
// on (tenant, phone), so two parallel requests cannot both take the last slot. A generic rate-limit
// library would not be transactional with our own tables, and approximate counters are not enough for
// an anti-abuse cap.
import { randomBytes } from 'node:crypto';
import type { PrismaClient } from '../prisma/generated/client';

export const SEND_LIMIT = { max: 5, windowMs: 10 * 60_000 };

export type SendLimitResult = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export async function takeSendSlot(
  prisma: PrismaClient,
  tenantId: string,
  phone: string,
  subjectId: string,
  now = new Date(),
  limit = SEND_LIMIT,
): Promise<SendLimitResult> {
  return prisma.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`send-limit:${tenantId}:${phone}`}, 0))`;
    const since = new Date(now.getTime() - limit.windowMs);
    const recent = await tx.sendLog.findMany({
      where: { tenantId, phone, createdAt: { gt: since } },
      orderBy: { createdAt: 'asc' },
      select: { createdAt: true },
    });
    if (recent.length >= limit.max) {
      // The window frees a slot when its oldest send ages out.
      const freesAt = recent[recent.length - limit.max].createdAt.getTime() + limit.windowMs;
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((freesAt - now.getTime()) / 1000)) };
    }
    await tx.sendLog.create({ data: { id: `snd_${randomBytes(12).toString('base64url')}`, tenantId, phone, subjectId, createdAt: now } });
    return { allowed: true };
  });
}

/** Gives back a slot taken for a send that was then not made (e.g. the workflow could not start). */
export async function releaseSendSlot(prisma: PrismaClient, subjectId: string): Promise<void> {
  const last = await prisma.sendLog.findFirst({ where: { subjectId }, orderBy: { createdAt: 'desc' } });
  if (last) await prisma.sendLog.delete({ where: { id: last.id } });
}
