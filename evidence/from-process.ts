// From what the signing process recorded to the evidence's events: each ProcessEvent becomes one typed
// event (its loose `detail` read field by field into the type's own shape), each message becomes a
// `message.sent` or `message.received`, and each delivery receipt an event of its own at its time. Also
// the fingerprint of the exported Temporal history the process state came from.
//
// Strict on what the evidence needs (a missing or mistyped field throws: better no evidence than wrong
// evidence) and closed on what it does not know: a detail field the mapping does not name is left out, so
// nothing the workflow adds later can carry a secret into the evidence unnoticed.
import { OPT_IN_MODES, type OptInMode, type ProcessEvent, type ProcessEventType, type ProcessMessage } from '../shared/process';
import { sha256Hex } from './chain';
import type { EvidenceActor, HistoryFingerprint, ShownTemplate, UnchainedEvidenceEvent } from './model';

export { chainEvents } from './chain';

/** Thrown when the recorded process cannot be turned into evidence (a workflow and evidence version mismatch). */
export class EvidenceBuildError extends Error {
  override name = 'EvidenceBuildError';
}

type Detail = NonNullable<ProcessEvent['detail']>;

/** Reads one event's detail; every read names the event and field it failed on. */
class DetailReader {
  constructor(
    private readonly event: ProcessEvent,
    private readonly index: number,
  ) {}

  private get detail(): Detail {
    return this.event.detail ?? {};
  }

  private fail(key: string, expected: string): never {
    throw new EvidenceBuildError(`event ${this.index} (${this.event.type}): detail.${key} must be ${expected}`);
  }

  string(key: string): string {
    const value = this.detail[key];
    return typeof value === 'string' ? value : this.fail(key, 'a string');
  }

  number(key: string): number {
    const value = this.detail[key];
    return typeof value === 'number' && Number.isFinite(value) ? value : this.fail(key, 'a number');
  }

  has(key: string): boolean {
    return this.detail[key] !== undefined;
  }

  optionalString(key: string): string | null {
    return this.has(key) ? this.string(key) : null;
  }

  optionalNumber(key: string): number | null {
    return this.has(key) ? this.number(key) : null;
  }

  optionalBoolean(key: string): boolean {
    const value = this.detail[key];
    if (value === undefined) return false;
    return typeof value === 'boolean' ? value : this.fail(key, 'a boolean');
  }

  optInMode(key: string): OptInMode {
    const value = this.string(key);
    return (OPT_IN_MODES as readonly string[]).includes(value) ? (value as OptInMode) : this.fail(key, `one of ${OPT_IN_MODES.join(', ')}`);
  }

  /** `id:sha256,id:sha256` as documents.sent records it */
  documents(key: string): Array<{ id: string; sha256: string }> {
    const value = this.string(key);
    return value.split(',').map((pair) => {
      const at = pair.lastIndexOf(':');
      const id = pair.slice(0, at);
      const sha256 = pair.slice(at + 1);
      return at > 0 && /^[0-9a-f]{64}$/.test(sha256) ? { id, sha256 } : this.fail(key, 'a list of id:sha256');
    });
  }
}

/**
 * The text of a template the process sent, as the customer saw it (language, body with the process's values,
 * footer, quick-reply buttons), or null when unknown. The process records only the template's name: the caller, who
 * has the template definitions and the values the workflow sent, renders it (activities/evidence.ts).
 */
export type TemplateTexts = (name: string) => ShownTemplate | null;

export interface BuildContext {
  templates?: TemplateTexts;
}

const NOT_SHOWN: ShownTemplate = { language: null, text: null, footer: null, buttons: [] };

/** What the mapping of one event knows besides the event: what was requested before it, and the template texts. */
interface MappingContext {
  optInMode: OptInMode | null;
  /** the opt-in request as shown (its buttons name what the customer tapped) */
  optInShown: ShownTemplate;
  templates: TemplateTexts;
}

/** What an event type becomes: who acts in it, and its detail in the evidence's shape. */
type Mapping = (read: DetailReader, context: MappingContext) => { actor: EvidenceActor; detail: object };

const none =
  (actor: EvidenceActor): Mapping =>
  () => ({ actor, detail: {} });

// A Record over every ProcessEventType: a new workflow event type does not compile until it is mapped here.
const MAPPINGS: Record<ProcessEventType, Mapping> = {
  'process.created': (r) => ({
    actor: 'business',
    detail: { reference: r.string('reference'), optInMode: r.optInMode('optIn'), documents: r.number('documents') },
  }),
  'opt_in.requested': (r, { templates }) => {
    const template = r.optionalString('template');
    return { actor: 'testigo', detail: { mode: r.optInMode('mode'), template, ...((template !== null && templates(template)) || NOT_SHOWN) } };
  },
  'opt_in.recorded': (r) => ({
    actor: 'business',
    detail: { collectedAt: r.string('collectedAt'), source: r.string('source'), text: r.string('text') },
  }),
  // The WhatsApp-button acceptance does not repeat the mode: it is the one the request named. Its tap is the request's
  // first quick reply (opt-in-step.ts sends the actions [optInYes, optInNo] in that order).
  'opt_in.accepted': (r, { optInMode, optInShown }) => {
    const mode = r.has('mode') ? r.optInMode('mode') : optInMode;
    return { actor: 'customer', detail: { mode, button: mode === 'whatsapp' ? (optInShown.buttons[0] ?? null) : null } };
  },
  'opt_in.declined': none('customer'),
  // someone else's number sent the process's token: Testigo refused it
  'opt_in.token_refused': none('testigo'),
  'documents.sent': (r) => ({ actor: 'testigo', detail: { round: r.number('round'), documents: r.documents('documents') } }),
  'documents.not_received': (r) => ({ actor: 'customer', detail: { resends: r.number('resends') } }),
  'documents.reviewed': (r) => ({ actor: 'customer', detail: { documents: r.number('documents') } }),
  'conditions.presented': none('testigo'),
  'conditions.accepted': none('customer'),
  'conditions.rejected': none('customer'),
  // The workflow calls the code's generation `code` (1 for the first code, 2 after one expiry…): renamed so
  // that no field of the evidence is called `code`.
  'otp.sent': (r) => ({ actor: 'testigo', detail: { codeGeneration: r.number('code'), channels: r.string('channels') } }),
  'otp.verified': (r) => ({ actor: 'customer', detail: { attempt: r.number('attempt'), of: r.number('of'), codeGeneration: r.number('code') } }),
  'otp.attempt_failed': (r) => ({
    actor: 'customer',
    detail: { attempt: r.number('attempt'), of: r.number('of'), codeGeneration: r.number('code') },
  }),
  'otp.expired': (r) => ({ actor: 'testigo', detail: { codeGeneration: r.number('code') } }),
  // no_codes_left records the count as `codes`, the other reasons as `code`
  'otp.failed': (r) => ({
    actor: 'testigo',
    detail: { reason: r.string('reason'), codeGeneration: r.optionalNumber('code') ?? r.optionalNumber('codes') },
  }),
  'validation.requested': (r) => ({ actor: 'testigo', detail: { validation: r.string('type'), index: r.number('index') } }),
  'validation.passed': (r) => ({
    actor: 'customer',
    detail: { validation: r.string('type'), index: r.number('index'), attempt: r.number('attempt') },
  }),
  'validation.attempt_failed': (r) => ({
    actor: 'customer',
    detail: { validation: r.string('type'), index: r.number('index'), attempt: r.number('attempt'), of: r.number('of') },
  }),
  'validation.failed': (r) => ({ actor: 'testigo', detail: { validation: r.string('type'), index: r.number('index') } }),
  'reminder.sent': (r) => ({
    actor: 'testigo',
    detail: { step: r.string('step'), template: r.optionalBoolean('template'), windowClosed: r.optionalBoolean('windowClosed') },
  }),
  'document.sealed': (r) => ({
    actor: 'testigo',
    detail: { documentId: r.string('documentId'), sha256: r.string('sha256'), signedSha256: r.string('signedSha256'), level: r.string('level') },
  }),
  'signed_documents.delivered': (r) => ({ actor: 'testigo', detail: { documents: r.number('documents') } }),
  'process.completed': (r) => ({ actor: 'testigo', detail: { documents: r.number('documents') } }),
  'process.rejected': (r) => ({ actor: 'testigo', detail: { reason: r.string('reason') } }),
  'process.expired': (r) => ({ actor: 'testigo', detail: { reason: r.string('reason') } }),
  'process.canceled': (r) => ({ actor: 'business', detail: { reason: r.string('reason') } }),
  'process.failed': (r) => ({ actor: 'testigo', detail: { reason: r.string('reason') } }),
};

/** The delivery statuses that become receipt events, in the order they happen (accepted/queued are message.sent's). */
const RECEIPTS = { sent: 'message.dispatched', delivered: 'message.delivered', read: 'message.read', failed: 'message.failed' } as const;
type Receipt = keyof typeof RECEIPTS;
const RECEIPT_ORDER = Object.keys(RECEIPTS) as Receipt[];

interface Timed {
  ms: number;
  /** on equal times: messages (0) before the process events (1) that name them */
  group: 0 | 1;
  index: number;
  /** a message's send (0) before its receipts (1 sent, 2 delivered, 3 read, 4 failed) */
  sub: number;
  event: UnchainedEvidenceEvent;
}

/**
 * The process's recorded events and messages as evidence events, ordered by time (not yet chained).
 * Receipts: one event for each delivery status the provider reported (message.receipts: sent, delivered, read,
 * failed, each at its own time). A process recorded before receipts were kept has only its furthest status
 * (status/statusAt), so such a message yields at most one receipt event.
 * @throws EvidenceBuildError on an unknown event type, a missing detail field or an unreadable time
 */
export function buildEvidenceEvents(
  state: { events: readonly ProcessEvent[]; messages: readonly ProcessMessage[] },
  context: BuildContext = {},
): UnchainedEvidenceEvent[] {
  const timed: Timed[] = [];
  const mapping: MappingContext = { optInMode: null, optInShown: NOT_SHOWN, templates: context.templates ?? (() => null) };
  for (const [index, event] of state.events.entries()) {
    const map = MAPPINGS[event.type];
    if (!map) throw new EvidenceBuildError(`event ${index}: unknown type ${JSON.stringify(event.type)}`);
    const { actor, detail } = map(new DetailReader(event, index), mapping);
    if (event.type === 'opt_in.requested') {
      mapping.optInMode = (detail as { mode: OptInMode }).mode;
      mapping.optInShown = detail as ShownTemplate;
    }
    const mapped = {
      at: iso(event.at, `event ${index} (${event.type})`),
      type: event.type,
      ...(event.channel ? { channel: event.channel } : {}),
      actor,
      ...(event.messageIds?.length ? { providerMessageIds: [...event.messageIds] } : {}),
      detail,
    } as UnchainedEvidenceEvent;
    timed.push({ ms: Date.parse(mapped.at), group: 1, index, sub: 0, event: mapped });
  }
  for (const [index, message] of state.messages.entries()) {
    const where = `message ${index} (${message.messageId})`;
    const at = iso(message.at, where);
    const common = { channel: message.channel, providerMessageIds: [message.messageId], detail: { purpose: message.purpose } };
    const sent =
      message.direction === 'inbound'
        ? ({ at, type: 'message.received', actor: 'customer', ...common } as const)
        : ({ at, type: 'message.sent', actor: 'testigo', ...common } as const);
    timed.push({ ms: Date.parse(at), group: 0, index, sub: 0, event: sent });
    if (message.direction !== 'outbound') continue;
    for (const [sub, kind, reportedAt] of receiptsOf(message, where)) {
      const providerAt = iso(reportedAt, `${where} receipt ${kind}`);
      // Provider clocks report whole seconds: a receipt may claim to precede the send it reports on.
      const receiptAt = Date.parse(providerAt) < Date.parse(at) ? at : providerAt;
      const type = RECEIPTS[kind];
      const event = {
        at: receiptAt,
        type,
        channel: message.channel,
        actor: type === 'message.read' ? 'customer' : 'testigo',
        providerMessageIds: [message.messageId],
        detail: type === 'message.failed' ? { providerAt, error: message.error ?? null } : { providerAt },
      } as UnchainedEvidenceEvent;
      timed.push({ ms: Date.parse(receiptAt), group: 0, index, sub, event });
    }
  }
  timed.sort((a, b) => a.ms - b.ms || a.group - b.group || a.index - b.index || a.sub - b.sub);
  return timed.map((t) => t.event);
}

/**
 * An outbound message's receipts as [order, status, time]: every one recorded in `receipts`, and the furthest status
 * (status/statusAt) in case it is not among them (recorded before receipts were kept).
 * @throws EvidenceBuildError when a receipt status has no time
 */
function receiptsOf(message: ProcessMessage, where: string): Array<[number, Receipt, string]> {
  const reported: Partial<Record<Receipt, string>> = { ...message.receipts };
  const latest = message.status as Receipt;
  if (RECEIPT_ORDER.includes(latest) && reported[latest] === undefined) {
    if (message.statusAt === undefined) throw new EvidenceBuildError(`${where}: status ${message.status} without statusAt`);
    reported[latest] = message.statusAt;
  }
  return RECEIPT_ORDER.flatMap((kind, i) => (reported[kind] === undefined ? [] : [[i + 1, kind, reported[kind]] as [number, Receipt, string]]));
}

/** A valid instant, normalised to ISO 8601 UTC with milliseconds (one spelling per instant keeps hashes stable). */
function iso(value: string, where: string): string {
  const ms = typeof value === 'string' ? Date.parse(value) : NaN;
  if (!Number.isFinite(ms)) throw new EvidenceBuildError(`${where}: unreadable time ${JSON.stringify(value)}`);
  return new Date(ms).toISOString();
}

/**
 * The fingerprint of an exported Temporal history (the JSON of `GetWorkflowExecutionHistory`, `{events: [...]}`),
 * computed over the exact bytes kept in custody.
 * @throws EvidenceBuildError when the bytes are not a history: not JSON, no events, or event ids not 1..n
 */
export function historyFingerprint(historyJsonBytes: Uint8Array, meta: { workflowId: string; runId: string }): HistoryFingerprint {
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(historyJsonBytes));
  } catch (error) {
    throw new EvidenceBuildError(`history is not UTF-8 JSON: ${(error as Error).message}`);
  }
  const events = (parsed as { events?: unknown } | null)?.events;
  if (!Array.isArray(events) || events.length === 0) throw new EvidenceBuildError('history has no events');
  // A truncated or spliced export shows as a gap in the ids (exported as strings or numbers).
  for (const [index, event] of events.entries()) {
    const id = (event as { eventId?: unknown } | null)?.eventId;
    if (id !== undefined && Number(id) !== index + 1) throw new EvidenceBuildError(`history event ${index + 1} has eventId ${String(id)}`);
  }
  return { sha256: sha256Hex(historyJsonBytes), eventCount: events.length, workflowId: meta.workflowId, runId: meta.runId };
}
