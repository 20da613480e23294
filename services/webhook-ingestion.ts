// Turns verified provider webhooks into effects, once each: an inbox row per provider event (the
// unique event key absorbs redeliveries), monotonic delivery statuses on our outbound messages, the
// 24-hour window, and a signal to the workflow the event belongs to. Only cheap work happens here so
// the webhook answers fast; anything heavy is the workflow's business, in activities.
import { createHash, randomBytes } from 'node:crypto';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { hashCode } from '../domain/otp-code';
import { findOptInToken, optInTokenHash } from '../documents/click-to-chat';
import type { Keys } from '../platform/keys';
import type { PrismaClient } from '../prisma/generated/client';
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

/** A status for a message we have not recorded yet: left unprocessed for the send to claim (messaging/outbox.ts). */
const NOT_YET_OURS = Symbol('not yet ours');

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

  /** @returns 'duplicate', the workflow id it was routed to, or undefined */
  private async ingestOne(event: ProviderEvent): Promise<string | undefined | 'duplicate'> {
    const { prisma } = this.deps;
    const stored = { ...event, ...(event.kind === 'message' && event.text !== undefined ? { text: undefined, textSha256: sha256(event.text) } : {}) };
    const inserted = await prisma.inboxEvent.createMany({
      data: [
        {
          id: `evt_${randomBytes(12).toString('base64url')}`,
          provider: event.provider,
          channel: event.channel,
          eventKey: event.eventKey,
          kind: event.kind,
          messageId: event.messageId,
          payload: stored as object,
        },
      ],
      skipDuplicates: true,
    });
    if (inserted.count === 0) {
      const existing = await prisma.inboxEvent.findUnique({ where: { eventKey: event.eventKey } });
      // processed: a redelivery has no second effect. Unprocessed (we crashed half-way): finish it.
      if (existing?.processedAt) return 'duplicate';
    }
    const routedTo = event.kind === 'status' ? await this.applyStatus(event) : await this.applyInbound(event);
    if (routedTo === NOT_YET_OURS) return undefined;
    // Only if nobody finished it meanwhile: a send that claimed this early status already recorded where it went.
    await prisma.inboxEvent.updateMany({
      where: { eventKey: event.eventKey, processedAt: null },
      data: { processedAt: new Date(), routedTo: routedTo ?? null },
    });
    return routedTo;
  }

  private async applyStatus(event: StatusEvent): Promise<string | undefined | typeof NOT_YET_OURS> {
    const { prisma } = this.deps;
    const message = await prisma.outboundMessage.findFirst({ where: { providerMessageId: event.messageId } });
    // A fast provider can call back before our send recorded its message id: the send claims it then.
    if (!message) return NOT_YET_OURS;
    await prisma.outboundMessage.updateMany({
      where: { key: message.key, status: { in: statusesBefore(event.status) } },
      data: {
        status: event.status,
        statusAt: new Date(event.at),
        ...(event.errors?.length ? { errorCode: String(event.errors[0].code), error: event.errors as object[] } : {}),
      },
    });
    // Signalled even when it does not move the message forward (a `delivered` overtaken by `read`: providers'
    // callbacks race): the row's status stays monotonic, workflows act only on forward moves, but the process keeps
    // every receipt with its own time for the evidence.
    await this.signal(message.workflowId, messageStatusSignal, {
      messageId: event.messageId,
      status: event.status,
      at: event.at,
      channel: event.channel,
      errors: event.errors,
    });
    return message.workflowId;
  }

  private async applyInbound(event: InboundEvent): Promise<string | undefined> {
    const [, target] = await Promise.all([event.channel === 'whatsapp' ? this.refreshWindow(event) : undefined, this.route(event)]);
    if (!target) return undefined;
    const signal: InboundSignal = {
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
    await this.signal(target.workflowId, inboundMessageSignal, signal);
    return target.workflowId;
  }

  /** Each customer message opens (or refreshes) the 24-hour window; one statement, never moving it backwards. */
  private async refreshWindow(event: InboundEvent): Promise<void> {
    await this.deps.prisma.$executeRaw`
      INSERT INTO conversation_window (business_number, customer, last_inbound_at) VALUES (${event.to}, ${event.from}, ${new Date(event.at)})
      ON CONFLICT (business_number, customer) DO UPDATE SET last_inbound_at = GREATEST(conversation_window.last_inbound_at, EXCLUDED.last_inbound_at)`;
  }

  /**
   * Button payload → its subject; reply context → the workflow that sent that message; a click-to-chat
   * token → its process; other free text → the newest wait for this phone. So when two of a customer's
   * processes wait for text at once, the one that asked last gets it, and a reply quoting (context) a
   * message of the other one goes to that other one.
   */
  private async route(event: InboundEvent): Promise<{ workflowId: string; subjectId: string; expects: string } | undefined> {
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
    if (event.text !== undefined) {
      const wait = await prisma.conversationWait.findFirst({ where: { phone: event.from }, orderBy: { createdAt: 'desc' } });
      if (wait) return { workflowId: wait.workflowId, subjectId: wait.subjectId, expects: wait.expects };
    }
    return undefined;
  }

  private async signal<T>(workflowId: string, definition: import('@temporalio/workflow').SignalDefinition<[T]>, arg: T): Promise<void> {
    try {
      await this.deps.temporal.workflow.getHandle(workflowId).signal(definition, arg);
    } catch (error) {
      // A closed workflow has nothing left to learn from this event; it stays recorded in the inbox.
      if (error instanceof WorkflowNotFoundError) {
        this.deps.log.info({ workflowId }, 'webhook event for a closed workflow');
        return;
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
