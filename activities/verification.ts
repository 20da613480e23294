// Projection of a verification's workflow state into the read model served by GET.
import type { VerificationState } from '../shared/verification';
import type { ActivityDeps } from './deps';

export function createVerificationActivities({ prisma }: ActivityDeps) {
  return {
    /** Idempotent and order-proof: a write carrying an older version than the stored one is a no-op. */
    async saveVerificationState(input: VerificationState & { verificationId: string }): Promise<void> {
      await prisma.verification.updateMany({
        where: { id: input.verificationId, version: { lt: input.version } },
        data: { status: input.status, attemptsRemaining: input.attemptsRemaining, sends: input.sends as object[], version: input.version },
      });
    },
  };
}
