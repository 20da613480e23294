// The activities the process's steps call, with their timeouts and retries in one place.
import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../../activities';

/**
 * A long activity heartbeats while it runs (worker/heartbeat-interceptor.ts): a worker killed mid-activity is noticed
 * after this long, not after the whole start-to-close timeout.
 */
export const HEARTBEAT_TIMEOUT = '30 seconds';

// Messages to the customer: a provider outage is retried for an hour before the process gives up;
// what the provider refuses for good (bad number, template missing, window closed) is not retried.
export const { sendProcessMessage, sendWhatsApp, sendProcessDocument } = proxyActivities<Activities>({
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: HEARTBEAT_TIMEOUT,
  scheduleToCloseTimeout: '1 hour',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '5 minutes',
    nonRetryableErrorTypes: ['ProviderRejected', 'InvalidRecipient', 'NotOnWhatsApp', 'TemplateRequired', 'DocumentNotSealed'],
  },
});

// Sealing is CPU work on our side: a few retries, then the process fails with sealing_failed.
export const { sealProcessDocument } = proxyActivities<Activities>({
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: HEARTBEAT_TIMEOUT,
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '2 minutes', maximumAttempts: 10, nonRetryableErrorTypes: ['SealingRefused'] },
});

export const { setConversationWait, clearConversationWait } = proxyActivities<Activities>({
  startToCloseTimeout: '10 seconds',
  retry: { maximumInterval: '10 seconds' },
});
