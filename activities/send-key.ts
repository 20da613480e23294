import { Context } from '@temporalio/activity';

/** The outbox key of the current send: workflow id + activity id, stable across retries of this activity. */
export function currentSendKey(): { key: string; workflowId: string } {
  const info = Context.current().info;
  const workflowId = info.workflowExecution?.workflowId;
  if (!workflowId) throw new Error('sends run only as workflow activities');
  return { key: `${workflowId}:${info.activityId}`, workflowId };
}

/**
 * Until when a send may keep retrying its outbox write after the provider accepted (messaging/outbox.ts): 2 s before
 * this attempt's start-to-close timeout, after which the server would start another attempt.
 */
export function recordDeadline(): number {
  const info = Context.current().info;
  return info.currentAttemptScheduledTimestampMs + info.startToCloseTimeoutMs - 2_000;
}
