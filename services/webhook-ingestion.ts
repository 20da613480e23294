// Turns verified provider webhooks into effects, once each: an inbox row per provider event (the
// unique event key absorbs redeliveries), monotonic delivery statuses on our outbound messages, the
// 24-hour window, and a signal to the workflow the event belongs to. Only cheap work happens here so
// the webhook answers fast; anything heavy is the workflow's business, in activities.
import { createHash, randomBytes } from 'node:crypto';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { hashCode } from '../domain/otp-code';
import { findOptInToken, optInTokenHash } from '../documents/click-to-chat';
import type { Keys } from '../platform/keys';
import { Prisma, type PrismaClient } from '../prisma/generated/client';
import {
  inboundMessageSignal,
  messageStatusSignal,
  parseButtonPayload,
  workflowIdForSubject,
  type InboundEvent,
  type InboundSignal,
  type ProviderEvent,
  type StatusEvent,
} from '../shared/messaging';
import { statusesBefore } from '../shared/delivery-status';
import { processWorkflowId } from '../shared/process';

export interface IngestResult {
  received: number;
  duplicates: number;
  routed: number;
}

export interface IngestionDeps {
  prisma: PrismaClient;
  temporal: Client;
  keys: Keys;
  /** the request logger (pino): closed workflows are noted at info */
  log: { info(details: object, message: string): void };
}

/** Where an inbound message goes, and what its workflow expects of it (button, otp, text, opt_in_token). */
interface Route {
  workflowId: string;
  subjectId: string;
  expects: string;
}

/** How many waits of closed workflows one message may clear before it settles for the last one it found. */
const MAX_CLOSED_WAITS = 3;

/** A status for a message we have not recorded yet: left unprocessed for the send to claim (messaging/outbox.ts). */
const NOT_YET_OURS = Symbol('not yet ours');

/** Moves our message's status forward — never back: only from a status before it — with the provider's errors. */
function advanceStatus(event: StatusEvent) {
  const errors = event.errors?.length ? event.errors : undefined;
  return Prisma.sql`UPDATE outbound_message
       SET status = ${event.status}, status_at = ${new Date(event.at)}, updated_at = ${new Date()},
           error_code = COALESCE(${errors ? String(errors[0].code) : null}::text, error_code),
           error = COALESCE(${errors ? JSON.stringify(errors) : null}::jsonb, error)
     WHERE provider_message_id = ${event.messageId} AND status IN (${Prisma.join(statusesBefore(event.status))})`;
}

/** The workflow that sent a status's message (null: no send recorded that id yet), and whether it wants the status signalled. */
interface Sender {
  workflow_id: string | null;
  signalled: boolean;
}

/** FROM clause of the Sender columns: the outbox records who sent each message and which of its statuses they act on. */
function senderOf(event: StatusEvent) {
  return Prisma.sql`(SELECT 1) AS one
    LEFT JOIN LATERAL (SELECT workflow_id, COALESCE(${event.status} = ANY(signalled_statuses), true) AS signalled FROM outbound_message
                        WHERE provider_message_id = ${event.messageId} LIMIT 1) AS m ON true`;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

export class WebhookIngestion {
  constructor(private readonly deps: IngestionDeps) {}

  async ingest(events: ProviderEvent[]): Promise<IngestResult> {
    const result: IngestResult = { received: events.length, duplicates: 0, routed: 0 };
    // Events of one batch are independent; statuses of one message stay correct in any order.
    await Promise.all(
      events.map(async (event) => {
        const outcome = await this.ingestOne(withoutNul(event));
        if (outcome === 'duplicate') result.duplicates++;
        else if (outcome) result.routed++;
      }),
    );
    return result;
  }

  /**
   * Two statements a new event, around its signal: one records it and reads what routing needs, one marks it done
   * (the kill -9 harness and the bench count on both); a receipt its sender is not signalled takes the first alone.
   * Redeliveries are absorbed twice over: the inbox's unique event key stops a finished one here, and workflows
   * ignore a message id or a status they already have.
   * @returns 'duplicate', the workflow id it was routed to, or undefined
   */
  private async ingestOne(event: ProviderEvent): Promise<string | undefined | 'duplicate'> {
    const stored = { ...event, ...(event.kind === 'message' && event.text !== undefined ? { text: undefined, textSha256: sha256(event.text) } : {}) };
    const routedTo = event.kind === 'status' ? await this.applyStatus(event, stored) : await this.applyInbound(event, stored);
    if (routedTo === 'duplicate') return routedTo;
    if (routedTo === NOT_YET_OURS) return undefined;
    if (typeof routedTo === 'object') return routedTo.finished;
    // Only if nobody finished it meanwhile: a send that claimed this early status already recorded where it went.
    await this.deps.prisma.$executeRaw`
      UPDATE inbox_event SET processed_at = ${new Date()}, routed_to = ${routedTo ?? null}::text
       WHERE event_key = ${event.eventKey} AND processed_at IS NULL`;
    return routedTo;
  }

  /**
   * The inbox row, inserted unless its event key is there already (a redelivery): a data-modifying CTE for the
   * one statement that also does the event's own work; the SELECT beside it sees the table as it was before.
   */
  private insertInbox(event: ProviderEvent, stored: object, finished = { processedAt: Prisma.sql`NULL`, routedTo: Prisma.sql`NULL` }) {
    return Prisma.sql`INSERT INTO inbox_event (id, provider, channel, event_key, kind, message_id, payload, received_at, processed_at, routed_to)
      VALUES (${`evt_${randomBytes(12).toString('base64url')}`}, ${event.provider}, ${event.channel}, ${event.eventKey}, ${event.kind},
              ${event.messageId}, ${JSON.stringify(stored)}::jsonb, ${new Date()}, ${finished.processedAt}, ${finished.routedTo})
      ON CONFLICT (event_key) DO NOTHING RETURNING id`;
  }

  private async applyStatus(event: StatusEvent, stored: object): Promise<string | 'duplicate' | typeof NOT_YET_OURS | { finished: string }> {
    const { prisma } = this.deps;
    // One statement: the inbox row, the message's status moved forward, and the workflow that sent the message. A
    // receipt that workflow is not signalled is finished by it too (inserted processed): no signal can go missing.
    const [row] = await prisma.$queryRaw<Array<{ inserted: number; processed_at: Date | null } & Sender>>`
      WITH sender AS (SELECT m.workflow_id, m.signalled FROM ${senderOf(event)}),
      inserted AS (${this.insertInbox(event, stored, {
        processedAt: Prisma.sql`(SELECT ${new Date()}::timestamp(3) FROM sender WHERE NOT signalled)`,
        routedTo: Prisma.sql`(SELECT workflow_id FROM sender WHERE NOT signalled)`,
      })}),
      advanced AS (${advanceStatus(event)})
      SELECT (SELECT count(*) FROM inserted)::int AS inserted,
             (SELECT processed_at FROM inbox_event WHERE event_key = ${event.eventKey}) AS processed_at,
             sender.workflow_id, sender.signalled
        FROM sender`;
    if (!row.inserted && row.processed_at) return 'duplicate';
    if (row.inserted && row.workflow_id && !row.signalled) return { finished: row.workflow_id };
    // A fast provider can call back before our send recorded its message id, and the send may have recorded it
    // while the statement above ran (its snapshot predates the record, the send's claim of early statuses may
    // predate our commit): look once more now that the inbox row is committed. Found: ours. Still not: the
    // send's claim, which comes after its record, will see the row.
    const { workflow_id: workflowId, signalled } = row.workflow_id ? row : await this.advanceLate(event);
    if (!workflowId) return NOT_YET_OURS;
    // A receipt the sender does not act on (an SMS verification's `sent`, `delivered`) has done its work above: the
    // row moved on, and the read model shows it from there. It still belongs to that workflow (routed_to).
    if (!signalled) return workflowId;
    // Signalled even when it does not move the message forward (a `delivered` overtaken by `read`: providers'
    // callbacks race): the row's status stays monotonic, workflows act only on forward moves, but the process keeps
    // every receipt with its own time for the evidence.
    await this.signal(workflowId, messageStatusSignal, {
      messageId: event.messageId,
      status: event.status,
      at: event.at,
      channel: event.channel,
      errors: event.errors,
    });
    return workflowId;
  }

  /** The status of a message whose id was recorded after the inbox statement looked: applied as the statement would. */
  private async advanceLate(event: StatusEvent): Promise<Sender> {
    const [row] = await this.deps.prisma.$queryRaw<Sender[]>`
      WITH advanced AS (${advanceStatus(event)})
      SELECT m.workflow_id, m.signalled FROM ${senderOf(event)}`;
    return row;
  }

  private async applyInbound(event: InboundEvent, stored: object): Promise<string | undefined | 'duplicate'> {
    const { prisma } = this.deps;
    // One statement: the inbox row, the 24-hour window opened or refreshed (never moved back), and the newest wait
    // for text from this phone (the usual route of free text).
    const window =
      event.channel === 'whatsapp'
        ? Prisma.sql`, refreshed AS (
            INSERT INTO conversation_window (business_number, customer, last_inbound_at) VALUES (${event.to}, ${event.from}, ${new Date(event.at)})
            ON CONFLICT (business_number, customer) DO UPDATE SET last_inbound_at = GREATEST(conversation_window.last_inbound_at, EXCLUDED.last_inbound_at))`
        : Prisma.empty;
    const [row] = await prisma.$queryRaw<
      Array<{ inserted: number; processed_at: Date | null; wait_workflow_id: string | null; wait_subject_id: string | null; wait_expects: string | null }>
    >`
      WITH inserted AS (${this.insertInbox(event, stored)})${window}
      SELECT (SELECT count(*) FROM inserted)::int AS inserted,
             (SELECT processed_at FROM inbox_event WHERE event_key = ${event.eventKey}) AS processed_at,
             w.workflow_id AS wait_workflow_id, w.subject_id AS wait_subject_id, w.expects AS wait_expects
        FROM (SELECT 1) AS one
        LEFT JOIN LATERAL (SELECT workflow_id, subject_id, expects FROM conversation_wait
                            WHERE phone = ${event.from} ORDER BY created_at DESC LIMIT 1) AS w ON true`;
    if (!row.inserted && row.processed_at) return 'duplicate';
    let newestWait = row.wait_workflow_id ? { workflowId: row.wait_workflow_id, subjectId: row.wait_subject_id!, expects: row.wait_expects! } : undefined;
    let target = await this.route(event, newestWait);
    for (let closed = 0; target; closed++) {
      if (await this.signal(target.workflowId, inboundMessageSignal, this.inboundSignal(event, target))) return target.workflowId;
      // The newest wait belonged to a workflow that ended without closing it (terminated in the Temporal UI, failed):
      // it must not swallow text the customer meant for another of their processes. It goes; the next one gets it.
      if (target !== newestWait || closed === MAX_CLOSED_WAITS) return target.workflowId;
      await prisma.conversationWait.deleteMany({ where: { workflowId: target.workflowId } });
      target = newestWait = await this.newestWait(event.from);
    }
    return undefined;
  }

  private async newestWait(phone: string): Promise<Route | undefined> {
    const [wait] = await this.deps.prisma.$queryRaw<Route[]>`
      SELECT workflow_id AS "workflowId", subject_id AS "subjectId", expects FROM conversation_wait
       WHERE phone = ${phone} ORDER BY created_at DESC LIMIT 1`;
    return wait;
  }

  /** What the workflow gets: a typed code only as its keyed hash (bound to the subject), text in clear only when asked. */
  private inboundSignal(event: InboundEvent, target: Route): InboundSignal {
    return {
      messageId: event.messageId,
      from: event.from,
      type: event.type,
      at: event.at,
      buttonPayload: event.buttonPayload,
      contextId: event.contextId,
      document: event.document,
      ...(event.text !== undefined
        ? {
            textHash: hashCode(this.deps.keys.otpHash, target.subjectId, target.expects === 'otp' ? typedCode(event.text) : event.text),
            ...(target.expects === 'text' ? { text: event.text } : {}),
          }
        : {}),
      ...(target.expects === 'opt_in_token' ? { optInToken: true } : {}),
    };
  }

  /**
   * Button payload → its subject; reply context → the workflow that sent that message; a click-to-chat
   * token → its process; other free text → the newest wait for this phone. So when two of a customer's
   * processes wait for text at once, the one that asked last gets it, and a reply quoting (context) a
   * message of the other one goes to that other one.
   */
  private async route(event: InboundEvent, newestWait: Route | undefined): Promise<Route | undefined> {
    const { prisma } = this.deps;
    if (event.buttonPayload) {
      const parsed = parseButtonPayload(event.buttonPayload);
      const workflowId = parsed && workflowIdForSubject(parsed.subjectId);
      if (parsed && workflowId) return { workflowId, subjectId: parsed.subjectId, expects: 'button' };
    }
    if (event.contextId) {
      const original = await prisma.outboundMessage.findFirst({ where: { providerMessageId: event.contextId } });
      const wait = original && (await prisma.conversationWait.findUnique({ where: { workflowId: original.workflowId } }));
      if (wait) return { workflowId: wait.workflowId, subjectId: wait.subjectId, expects: wait.expects };
    }
    // A point-of-sale opt-in: the customer's first message carries the process's one-time token.
    const token = event.text !== undefined ? findOptInToken(event.text) : undefined;
    if (token) {
      const row = await prisma.optInToken.findUnique({ where: { tokenHash: optInTokenHash(this.deps.keys.otpHash, token) } });
      if (row) return { workflowId: processWorkflowId(row.processId), subjectId: row.processId, expects: 'opt_in_token' };
    }
    return event.text !== undefined ? newestWait : undefined;
  }

  /** @returns false when the workflow is closed */
  private async signal<T>(workflowId: string, definition: import('@temporalio/workflow').SignalDefinition<[T]>, arg: T): Promise<boolean> {
    try {
      await this.deps.temporal.workflow.getHandle(workflowId).signal(definition, arg);
      return true;
    } catch (error) {
      // A closed workflow has nothing left to learn from this event; it stays recorded in the inbox.
      if (error instanceof WorkflowNotFoundError) {
        this.deps.log.info({ workflowId }, 'webhook event for a closed workflow');
        return false;
      }
      throw error;
    }
  }
}

/** A code as people type it in a chat: spaces and dashes between digit groups do not count. */
function typedCode(text: string): string {
  return text.replace(/[\s-]/g, '');
}

/**
 * PostgreSQL's text and jsonb cannot hold U+0000 (the insert fails: a 500, and the provider retries forever). No
 * provider sends it in an id or a message, so a NUL is dropped from every string of an event before it is stored.
 */
export function withoutNul<T>(value: T): T {
  if (typeof value === 'string') return (value.includes('\u0000') ? value.replaceAll('\u0000', '') : value) as T;
  if (Array.isArray(value)) return value.map(withoutNul) as T;
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [withoutNul(k), withoutNul(v)])) as T;
  return value;
}
