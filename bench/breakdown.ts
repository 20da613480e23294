// Where a reaction's time went (webhook POST → the next message at the provider), read from the workflow's history:
// the server's event times (same host as the bench) split it at the signal, the workflow task it woke, and the send
// activity that task scheduled. The reaction scenario (OTP fallback) and the contracts scenario (a button tap) use it.
import type { temporal } from '@temporalio/proto';
import { f } from './harness';
import { summarize, type LatencySummary } from './stats';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

export const BREAKDOWN_PARTS = [
  'webhookToSignal',
  'signalToActivityScheduled',
  'signalToTaskStarted',
  'taskStartedToActivityScheduled',
  'scheduledToStarted',
  'startedToAtProvider',
] as const;
export type ReactionBreakdown = Record<(typeof BREAKDOWN_PARTS)[number], number>;

const timeOf = (e: HistoryEvent | undefined) => (e?.eventTime ? Number(e.eventTime.seconds ?? 0) * 1000 + (e.eventTime.nanos ?? 0) / 1e6 : NaN);

/**
 * The parts of one reaction: `signalAt` is the index of the webhook's signal in `history`, `postWall` and
 * `arrivedWall` the wall-clock times (ms) of the POST and of the message's arrival; the send is the first activity
 * scheduled after the signal that `isSend` accepts. A part the history does not show is NaN.
 */
export function reactionBreakdown(
  history: HistoryEvent[],
  signalAt: number,
  { postWall, arrivedWall, isSend = () => true }: { postWall: number; arrivedWall: number; isSend?: (activityType: string) => boolean },
): ReactionBreakdown {
  const after = signalAt < 0 ? [] : history.slice(signalAt);
  const scheduled = after.find((e) => e.activityTaskScheduledEventAttributes && isSend(e.activityTaskScheduledEventAttributes.activityType?.name ?? ''));
  const started = scheduled && history.find((e) => String(e.activityTaskStartedEventAttributes?.scheduledEventId ?? '') === String(scheduled.eventId));
  // the workflow task the signal woke: dispatched to the worker (started), then run there
  const taskStarted = after.find((e) => e.workflowTaskStartedEventAttributes);
  const signal = timeOf(history[signalAt]);
  return {
    webhookToSignal: signal - postWall,
    signalToActivityScheduled: timeOf(scheduled) - signal,
    signalToTaskStarted: timeOf(taskStarted) - signal,
    taskStartedToActivityScheduled: timeOf(scheduled) - timeOf(taskStarted),
    scheduledToStarted: timeOf(started) - timeOf(scheduled),
    startedToAtProvider: arrivedWall - timeOf(started),
  };
}

export function summarizeBreakdowns(samples: ReactionBreakdown[]): Record<keyof ReactionBreakdown, LatencySummary> {
  return Object.fromEntries(BREAKDOWN_PARTS.map((k) => [k, summarize(samples.map((s) => s[k]).filter(Number.isFinite))])) as Record<
    keyof ReactionBreakdown,
    LatencySummary
  >;
}

/** One report line: p50 (p90) of each part; `what` names the message sent (e.g. "SMS"). */
export function formatBreakdown(label: string, b: Record<keyof ReactionBreakdown, LatencySummary>, what: string): string {
  const part = (s: LatencySummary) => `${f(s.p50)} (${f(s.p90)})`;
  return (
    `${label}, p50 (p90) ms from the workflow history: webhook → signal recorded ${part(b.webhookToSignal)}, ` +
    `signal → ${what} activity scheduled ${part(b.signalToActivityScheduled)} ` +
    `[of which signal → workflow task started ${part(b.signalToTaskStarted)}, ` +
    `task started → ${what} scheduled ${part(b.taskStartedToActivityScheduled)}, the worker's own time], ` +
    `scheduled → started ${part(b.scheduledToStarted)}, started → ${what} at provider ${part(b.startedToAtProvider)}`
  );
}
