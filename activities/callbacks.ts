// Callbacks to the business (PRODUCT.md §3.4): signed POSTs, retried by the workflow's retry policy
// (24 h). The event id is fixed by the workflow, so a retried delivery carries the same id and
// receivers can drop duplicates.
import { ApplicationFailure } from '@temporalio/activity';
import { signCallback, SIGNATURE_HEADER } from '../domain/callback-signature';
import { callbackSecret } from '../domain/tenants';
import { deliveriesOf, present } from '../domain/verification-view';
import type { VerificationEventType } from '../shared/verification';
import type { ActivityDeps } from './deps';

export interface VerificationCallbackInput {
  verificationId: string;
  tenantId: string;
  url: string;
  eventId: string;
  type: VerificationEventType;
  createdAt: string;
}

/** One signed POST to the business; throws a typed failure the workflow's retry policy acts on. */
export async function deliverCallback(
  { prisma, keys }: ActivityDeps,
  input: { tenantId: string; url: string; body: { id: string; type: string; createdAt: string; data: unknown } },
): Promise<{ status: number }> {
  const body = JSON.stringify(input.body);
  const secret = await callbackSecret(prisma, keys, input.tenantId);
  const response = await fetch(input.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      [SIGNATURE_HEADER]: signCallback(secret, body, Math.floor(Date.now() / 1000)),
      'user-agent': 'Testigo-Callbacks/1',
    },
    body,
    redirect: 'manual',
    signal: AbortSignal.timeout(10_000),
  });
  await response.arrayBuffer().catch(() => undefined);
  if (response.ok) return { status: response.status };
  // 4xx other than 408/429 will not get better by retrying: the receiver refuses the event.
  const permanent = response.status >= 400 && response.status < 500 && response.status !== 408 && response.status !== 429;
  throw ApplicationFailure.create({
    type: permanent ? 'CallbackRejected' : 'CallbackFailed',
    message: `callback answered ${response.status}`,
    nonRetryable: permanent,
  });
}

export function createCallbackActivities(deps: ActivityDeps) {
  return {
    async deliverVerificationCallback(input: VerificationCallbackInput): Promise<{ status: number }> {
      const row = await deps.prisma.verification.findUniqueOrThrow({ where: { id: input.verificationId } });
      const deliveries = await deliveriesOf(deps.prisma, row.workflowId);
      return deliverCallback(deps, {
        tenantId: input.tenantId,
        url: input.url,
        body: { id: input.eventId, type: input.type, createdAt: input.createdAt, data: present(row, deliveries) },
      });
    },
  };
}
