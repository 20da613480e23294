// Projection of a verification's workflow state into the read model served by GET.
import type { VerificationState } from '../shared/verification';
import type { ActivityDeps } from './deps';

export function createVerificationActivities({ prisma }: ActivityDeps) {
  return {
    /**
     * Idempotent and order-proof: a write carrying an older version than the stored one is a no-op. One raw
     * statement: it runs inside the workflow task, so a check's answer and the next send wait for it (Prisma's
     * updateMany cost several times as much on PGlite).
     */
    async saveVerificationState(input: VerificationState & { verificationId: string }): Promise<void> {
      await prisma.$executeRaw`
        UPDATE verification
           SET status = ${input.status}, attempts_remaining = ${input.attemptsRemaining}, sends = ${JSON.stringify(input.sends)}::jsonb,
               version = ${input.version}, updated_at = ${new Date()}
         WHERE id = ${input.verificationId} AND version < ${input.version}`;
    },
  };
}
