// One signing process = one workflow, one history: opt-in → documents and review → acceptance → OTP
// consent → extra validations → sealing and delivery → callback. The steps are small classes sharing
// one Conversation; this function only wires the handlers to them and publishes every change (read
// model, search attributes, status callbacks to the business).
import {
  allHandlersFinished,
  ApplicationFailure,
  condition,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  uuid4,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import { inboundMessageSignal, messageStatusSignal } from '../shared/messaging';
import { cancelProcessUpdate, processStateQuery, type ProcessCallbackType, type ProcessInput, type ProcessState, type ProcessStatus } from '../shared/process';
import { STATUS } from '../shared/search-attributes';
import { AcceptanceStep } from './steps/acceptance-step';
import { clearConversationWait, HEARTBEAT_TIMEOUT } from './steps/activities';
import { ConsentStep } from './steps/consent-step';
import { Conversation, ProcessEnded } from './steps/conversation';
import { OptInStep } from './steps/opt-in-step';
import { ReviewStep } from './steps/review-step';
import { DeferredProjection } from './steps/projection';
import { SigningStep } from './steps/signing-step';
import { ValidationStep } from './steps/validation-step';

// The projection write rides in the workflow task (as for verifications): GET agrees with what happened.
const { saveProcessState } = proxyLocalActivities<Activities>({
  startToCloseTimeout: '5 seconds',
  retry: { initialInterval: '200 milliseconds', maximumInterval: '5 seconds', maximumAttempts: 20 },
});

// PRODUCT.md §3.4: retried with backoff for 24 h; never blocks the process.
const { deliverProcessCallback } = proxyActivities<Activities>({
  startToCloseTimeout: '15 seconds',
  scheduleToCloseTimeout: '24 hours',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '1 hour', nonRetryableErrorTypes: ['CallbackRejected'] },
});

// The evidence (history export, JWS, sealed certificate): CPU and custody work; a process whose certificate
// cannot be issued still completed, and says so by having none.
const { issueEvidence } = proxyActivities<Activities>({
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: HEARTBEAT_TIMEOUT,
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 5 },
});

/** Processes started before the evidence existed replay without it (their histories have no such step). */
export const EVIDENCE_PATCH = 'evidence-certificate-v1';
/**
 * Found by the kill -9 harness: a status callback scheduled after the read-model write resolved made replay depend on
 * when concurrent publishes' local activities resolved (a third of processes failed replay with TMPRL1100 after a
 * worker restart, and a status could be announced twice). Since this patch a publish issues its commands first.
 */
export const PUBLISH_PATCH = 'publish-commands-before-save-v1';
/**
 * Since this patch the next message to the customer goes out first (bench contracts, a tap → the next message): the
 * read-model write (a local activity, which held the task and the send scheduled in it) waits until no send is running,
 * at most PROJECTION_LAG (steps/projection.ts); status callbacks are scheduled with that write, whose row they read;
 * and the OTP send itself routes the customer's typed reply to this process (no activity of its own before the code).
 */
export const SEND_FIRST_PATCH = 'process-send-first-v1';
/**
 * Since this patch a step that waited for typed text closes its route as soon as it has its answer (the code verified,
 * the last phrase passed), and an ending process closes it before its end is visible. Before, the route stayed open
 * until the very end (sealing included): free text the customer meant for another of their processes, still waiting
 * for its code, went to the newest wait — this one, no longer listening — and was lost.
 */
export const ROUTE_CLOSES_PATCH = 'route-closes-with-answer-v1';
const PROJECTION_LAG = '1 second';

export async function processWorkflow(input: ProcessInput): Promise<ProcessState> {
  const callbacks: Promise<unknown>[] = [];
  let published: ProcessStatus | undefined;
  /** the final state is projected: nothing will change any more */
  let settled = false;
  let certificate: ProcessState['certificate'] = null;
  // Publishing reads the steps' state; it first runs once they all exist.
  const conversation = new Conversation(input, () => project());
  // decided once, at the start: a process started before SEND_FIRST_PATCH keeps the order it has
  const sendFirst = patched(SEND_FIRST_PATCH);
  const routeCloses = patched(ROUTE_CLOSES_PATCH);
  const consent = new ConsentStep(conversation, { codeRoutesReply: sendFirst, answerClosesRoute: routeCloses });
  const signing = new SigningStep(conversation);

  const state = (): ProcessState => ({
    status: conversation.status,
    reason: conversation.reason,
    step: conversation.step,
    events: conversation.events.map((e) => ({ ...e })),
    messages: conversation.messages.map((m) => ({ ...m })),
    documents: input.documents.map((d) => ({ id: d.id, signedSha256: signing.signed.get(d.id) ?? null })),
    otp: {
      status: consent.current?.status ?? null,
      attemptsRemaining: consent.current?.attemptsRemaining ?? null,
      sends: consent.current?.sends.map((s) => ({ ...s })) ?? [],
      codes: consent.codes,
    },
    certificate,
    version: conversation.version,
  });

  /** the event as of now (its delivery may be scheduled later: `deliver`) */
  const callbackEvent = (type: ProcessCallbackType, url: string) => ({
    processId: input.processId,
    tenantId: input.tenantId,
    url,
    eventId: `evt_${uuid4()}`,
    type,
    createdAt: new Date().toISOString(),
    status: conversation.status,
    reason: conversation.reason,
    version: conversation.version,
  });
  const deliver = (event: ReturnType<typeof callbackEvent>) => {
    // A receiver that is down must not hold the process: delivery goes on beside it.
    callbacks.push(deliverProcessCallback(event).catch(() => undefined));
  };
  const callback = (type: ProcessCallbackType) => {
    if (input.callbackUrl) deliver(callbackEvent(type, input.callbackUrl));
  };

  // SEND_FIRST_PATCH: status callbacks wait here for the write whose row they read
  const heldCallbacks: ReturnType<typeof callbackEvent>[] = [];
  const projection = new DeferredProjection({
    busy: () => conversation.sending || (consent.current?.sendComing ?? false),
    lag: PROJECTION_LAG,
    write: () => {
      // scheduled in the write's task: the server dispatches them once the write (a local activity) has finished
      for (const event of heldCallbacks.splice(0)) deliver(event);
      const snapshot = state();
      return { version: snapshot.version, done: saveProcessState({ processId: input.processId, ...snapshot }) };
    },
  });
  /** the read model holds every published version */
  const flushed = () => (sendFirst ? projection.flushed() : Promise.resolve());

  /** a new status, for operators: the search attribute and the Temporal UI's current details */
  const index = (snapshot: ProcessState) => {
    upsertSearchAttributes([{ key: STATUS, value: snapshot.status }]);
    setCurrentDetails(`**${input.reference}** — ${snapshot.status}${snapshot.reason ? ` (${snapshot.reason})` : ''}, step ${snapshot.step}`);
  };

  const project = async () => {
    const snapshot = state();
    if (sendFirst) {
      // The status is claimed and indexed now; its callback and the write go out once the next message has.
      if (snapshot.status !== published) {
        published = snapshot.status;
        index(snapshot);
        if (input.callbackUrl) heldCallbacks.push(callbackEvent('process.status_changed', input.callbackUrl));
      }
      projection.request(snapshot.version);
      return;
    }
    if (patched(PUBLISH_PATCH)) {
      // Every command of a publish is issued now, before the read-model write (a local activity) is awaited: what
      // runs after that await runs when the local activity resolves, which on replay is not the moment it resolved
      // the first time. A status change is also claimed now, so two publishes never both announce it.
      if (snapshot.status !== published) {
        published = snapshot.status;
        index(snapshot);
        callback('process.status_changed');
      }
      await saveProcessState({ processId: input.processId, ...snapshot });
      return;
    }
    // Histories from before PUBLISH_PATCH: the callback was scheduled after the write resolved.
    if (snapshot.status !== published) {
      index(snapshot);
    }
    await saveProcessState({ processId: input.processId, ...snapshot });
    if (snapshot.status !== published) {
      published = snapshot.status;
      callback('process.status_changed');
    }
  };

  setHandler(processStateQuery, state);
  setHandler(inboundMessageSignal, (signal) => conversation.onInbound(signal));
  setHandler(messageStatusSignal, async (signal) => {
    // Both look: the OTP step decides fallbacks on its sends' statuses, the conversation keeps every receipt.
    const forConversation = conversation.onStatus(signal);
    const forCode = consent.onStatus(signal);
    const changed = forConversation || forCode;
    if (changed && !conversation.terminal) await conversation.publish();
  });
  setHandler(
    cancelProcessUpdate,
    async (_request) => {
      conversation.requestCancel();
      // Answer once the outcome is in the read model, so the caller's next GET agrees.
      await condition(() => settled);
      return state();
    },
    {
      validator: (_request) => {
        if (conversation.terminal || conversation.canceling) {
          throw ApplicationFailure.create({ type: 'WrongState', message: `process is ${conversation.status}`, nonRetryable: true });
        }
      },
    },
  );

  if (sendFirst) projection.start();
  conversation.record('process.created', {
    channel: 'api',
    detail: { reference: input.reference, optIn: input.optIn.mode, documents: input.documents.length },
  });
  await conversation.publish();
  try {
    await new OptInStep(conversation).run();
    await new ReviewStep(conversation).run();
    await new AcceptanceStep(conversation).run();
    await consent.run();
    await new ValidationStep(conversation, { answerClosesRoute: routeCloses }).run();
    await signing.run();
    conversation.status = 'completed';
    conversation.step = 'done';
    conversation.record('process.completed', { detail: { documents: input.documents.length } });
  } catch (error) {
    if (!(error instanceof ProcessEnded)) throw error;
    // nothing the customer types may go to a process whose end can already be seen
    if (routeCloses) await clearConversationWait({ processId: input.processId }).catch(() => undefined);
    conversation.status = error.status;
    conversation.reason = error.reason;
    conversation.record(`process.${error.status}`, { detail: { reason: error.reason } });
    await tellCustomer(conversation, error);
  }
  if (!routeCloses) await clearConversationWait({ processId: input.processId }).catch(() => undefined);
  await conversation.publish();
  // the evidence reads the outcome from the read model, and a cancel's answer promises it is there
  await flushed();
  if (conversation.status === 'completed' && patched(EVIDENCE_PATCH)) {
    try {
      certificate = await issueEvidence({ processId: input.processId });
      await conversation.publish();
    } catch {
      // the process stands completed; the missing certificate is visible in its state and the read model
    }
    await flushed();
  }
  settled = true;
  if (conversation.status === 'completed') callback('process.completed');
  await condition(allHandlersFinished);
  await Promise.all(callbacks);
  return state();
}

/** Expiry and cancellation are news to the customer too (best effort: the window may be closed). */
async function tellCustomer(conversation: Conversation, ended: ProcessEnded): Promise<void> {
  if (!conversation.windowOpen || (ended.status !== 'expired' && ended.status !== 'canceled')) return;
  try {
    await conversation.say('closing', ended.status === 'expired' ? 'expired' : 'canceled', {}, [], { reengage: false });
  } catch {
    /* the outcome stands whether or not the notice went out */
  }
}
