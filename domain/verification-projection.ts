// The verification read model's one write: a workflow state, stored unless a newer one is there already.
import type { PrismaClient } from '../prisma/generated/client';
import type { VerificationState } from '../shared/verification';

/**
 * Idempotent and order-proof: a write carrying an older version than the stored one is a no-op, so the workflow's
 * own write and the API's write of a check's answer (services/verifications.ts) can land in any order. One raw
 * statement: it is on the hot paths of a check and of the next send (Prisma's updateMany cost several times as much
 * on PGlite).
 */
export async function saveVerificationProjection(prisma: PrismaClient, verificationId: string, state: VerificationState): Promise<void> {
  await prisma.$executeRaw`
    UPDATE verification
       SET status = ${state.status}, attempts_remaining = ${state.attemptsRemaining}, sends = ${JSON.stringify(state.sends)}::jsonb,
           version = ${state.version}, updated_at = ${new Date()}
     WHERE id = ${verificationId} AND version < ${state.version}`;
}
