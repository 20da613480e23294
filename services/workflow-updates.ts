// Temporal Updates from the API, with the care both services need: a deadline (with no worker polling
// the SDK would retry forever) and one update id for every try.
import { randomUUID } from 'node:crypto';
import { isGrpcServiceError, WorkflowNotFoundError, WorkflowUpdateFailedError, type Client, type WorkflowHandle } from '@temporalio/client';
import { HttpProblem } from './problem';

/** How long an API call waits for a workflow to answer an update before giving up with a 503. */
const UPDATE_TIMEOUT_MS = 10_000;
/** gRPC NOT_FOUND: the workflow closed while the update was in flight. */
const GRPC_NOT_FOUND = 5;
const GRPC_FAILED_PRECONDITION = 9;

/**
 * Runs an update under one update id for all tries. The server fails in-flight updates when the
 * workflow task they rode on failed — e.g. UnhandledCommand when a webhook's signal landed during that
 * task — and nothing was accepted then, so the call is simply tried again; the fixed id makes even a
 * doubtful retry count once. A rejected update or a closed workflow is thrown as is (isClosedOrRejected).
 */
export async function runUpdate<T>(
  temporal: Client,
  workflowId: string,
  call: (handle: WorkflowHandle, updateId: string) => Promise<T>,
  what: string,
  updateId: string = randomUUID(),
): Promise<T> {
  const handle = temporal.workflow.getHandle(workflowId);
  const deadline = AbortSignal.timeout(UPDATE_TIMEOUT_MS);
  for (let attempt = 1; ; attempt++) {
    try {
      return await temporal.withAbortSignal(deadline, () => call(handle, updateId));
    } catch (error) {
      if (isClosedOrRejected(error)) throw error;
      if (isTaskFailure(error) && attempt < 5 && !deadline.aborted) {
        await new Promise((r) => setTimeout(r, 10 * 2 ** attempt));
        continue;
      }
      throw new HttpProblem(503, 'temporal-unavailable', 'Service Unavailable', `The ${what} did not answer in time; retry.`);
    }
  }
}

/** gRPC FAILED_PRECONDITION for an update whose workflow task failed (the update was not accepted). */
function isTaskFailure(error: unknown): boolean {
  const candidates = [error, (error as { cause?: unknown }).cause];
  return candidates.some((e) => isGrpcServiceError(e) && e.code === GRPC_FAILED_PRECONDITION && /workflow task failure/i.test(e.message));
}

/** The update was refused by its validator, failed, or found the workflow closed. */
export function isClosedOrRejected(error: unknown): boolean {
  if (error instanceof WorkflowUpdateFailedError || error instanceof WorkflowNotFoundError) return true;
  const cause = (error as { cause?: unknown }).cause;
  return [error, cause].some((e) => isGrpcServiceError(e) && e.code === GRPC_NOT_FOUND);
}
