// Projection of a verification's workflow state into the read model served by GET.
import { saveVerificationProjection } from '../domain/verification-projection';
import type { VerificationState } from '../shared/verification';
import type { ActivityDeps } from './deps';

export function createVerificationActivities({ prisma }: ActivityDeps) {
  return {
    async saveVerificationState({ verificationId, ...state }: VerificationState & { verificationId: string }): Promise<void> {
      await saveVerificationProjection(prisma, verificationId, state);
    },
  };
}
