// At most N codes per phone per window per tenant (PRODUCT.md §3.3: 5 per 10 minutes), exact under
// concurrency: the count and the insert (one conditional INSERT) happen in one transaction holding a PostgreSQL
// advisory lock on (tenant, phone), so two parallel requests cannot both take the last slot. A generic rate-limit
// library would not be transactional with our own tables, and approximate counters are not enough for
// an anti-abuse cap.
import { randomBytes } from 'node:crypto';
import { Prisma, type PrismaClient } from '../prisma/generated/client';

export const SEND_LIMIT = { max: 5, windowMs: 10 * 60_000 };

export type SendLimitResult = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export interface SendSlotOptions {
  now?: Date;
  limit?: typeof SEND_LIMIT;
  /**
   * A data-modifying statement that reads `taken` (one row when the slot was taken, none when refused), e.g.
   * `INSERT INTO verification (…) SELECT … FROM taken`: it runs in the slot's own statement, so what it writes exists
   * exactly when the slot was taken, and creation pays one round trip for both.
   */
  alongside?: Prisma.Sql;
}

export async function takeSendSlot(
  prisma: PrismaClient,
  tenantId: string,
  phone: string,
  subjectId: string,
  { now = new Date(), limit = SEND_LIMIT, alongside }: SendSlotOptions = {},
): Promise<SendLimitResult> {
  const since = new Date(now.getTime() - limit.windowMs);
  // One batch, no round trip to Node inside the transaction (creation's hot path: half the time of an interactive
  // transaction). The insert is a statement of its own after the lock, so under READ COMMITTED its snapshot
  // already holds every send committed by whoever held the lock before.
  const [, [{ taken }]] = await prisma.$transaction([
    prisma.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`send-limit:${tenantId}:${phone}`}, 0))`,
    prisma.$queryRaw<Array<{ taken: number }>>`
      WITH taken AS (
        INSERT INTO send_log (id, tenant_id, phone, subject_id, created_at)
        SELECT ${`snd_${randomBytes(12).toString('base64url')}`}, ${tenantId}, ${phone}, ${subjectId}, ${now}
         WHERE (SELECT count(*) FROM send_log WHERE tenant_id = ${tenantId} AND phone = ${phone} AND created_at > ${since}) < ${limit.max}
        RETURNING id)${alongside ? Prisma.sql`, alongside AS (${alongside})` : Prisma.empty}
      SELECT count(*)::int AS taken FROM taken`,
  ]);
  if (taken === 1) return { allowed: true };
  // Refused: the window frees a slot when the oldest of its last `max` sends ages out.
  const recent = await prisma.sendLog.findMany({
    where: { tenantId, phone, createdAt: { gt: since } },
    orderBy: { createdAt: 'desc' },
    take: limit.max,
    select: { createdAt: true },
  });
  const oldest = recent.at(-1)?.createdAt.getTime() ?? now.getTime();
  return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((oldest + limit.windowMs - now.getTime()) / 1000)) };
}

/** Gives back a slot taken for a send that was then not made (e.g. the workflow could not start). */
export async function releaseSendSlot(prisma: PrismaClient, subjectId: string): Promise<void> {
  const last = await prisma.sendLog.findFirst({ where: { subjectId }, orderBy: { createdAt: 'desc' } });
  if (last) await prisma.sendLog.delete({ where: { id: last.id } });
}
