// Heartbeats for the long activities (sends, sealing, the certificate). Their start-to-close timeout is minutes
// because a provider upload or a seal with a TSA can be slow; without heartbeats a worker killed mid-activity left
// the process waiting out that whole timeout (123–158 s in the kill -9 harness) before another worker retried.
// An activity scheduled with a heartbeat timeout heartbeats here while it runs, so a dead worker is noticed within
// that timeout; the activities themselves stay unaware of it.
import type { Context } from '@temporalio/activity';
import type { ActivityInboundCallsInterceptor, ActivityInterceptorsFactory } from '@temporalio/worker';

/** Heartbeats per heartbeat timeout: a few, so one late beat (a busy event loop) is not a missed deadline. */
const BEATS_PER_TIMEOUT = 4;

export function heartbeatWhileRunning(context: Context): ActivityInboundCallsInterceptor {
  return {
    async execute(input, next) {
      const timeoutMs = context.info.heartbeatTimeoutMs;
      if (!timeoutMs) return next(input);
      context.heartbeat();
      const beat = setInterval(() => context.heartbeat(), Math.max(100, Math.floor(timeoutMs / BEATS_PER_TIMEOUT)));
      try {
        return await next(input);
      } finally {
        clearInterval(beat);
      }
    },
  };
}

export const heartbeatInterceptors: ActivityInterceptorsFactory = (context) => ({ inbound: heartbeatWhileRunning(context) });
