import { Context } from '@temporalio/activity';

/** The outbox key of the current send: workflow id + activity id, stable across retries of this activity. */
export function currentSendKey(): { key: string; workflowId: string } {
  const info = Context.current().info;
  const workflowId = info.workflowExecution?.workflowId;
  if (!workflowId) throw new Error('sends run only as workflow activities');
  return { key: `${workflowId}:${info.activityId}`, workflowId };
}
