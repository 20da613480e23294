// Meta's webhook payload → normalised provider events. Every entry and every change of a batch is
// read; anything that is not a message or a status of the `messages` field is ignored. The body is signed, but its
// shape is not trusted: an item without the fields an event needs (a string id, a sender, a valid timestamp) is
// skipped like an unknown one, so a malformed batch is acknowledged without effect instead of failing (a 5xx would
// only make Meta send it again).
import type { DeliveryStatus } from '../../shared/delivery-status';
import type { InboundEvent, ProviderErrorInfo, ProviderEvent, StatusEvent } from '../../shared/messaging';

interface MetaError {
  code: number;
  title?: string;
  message?: string;
  error_data?: { details?: string };
}

interface MetaStatus {
  id: string;
  status: string;
  timestamp: string;
  recipient_id?: string;
  biz_opaque_callback_data?: string;
  errors?: MetaError[];
}

interface MetaMessage {
  id: string;
  from: string;
  timestamp: string;
  type: string;
  context?: { id?: string; from?: string };
  text?: { body: string };
  button?: { payload?: string; text?: string };
  interactive?: { type: string; button_reply?: { id: string; title: string }; list_reply?: { id: string; title: string } };
  document?: { id: string; filename?: string; mime_type?: string; sha256?: string; caption?: string };
  image?: { id: string; mime_type?: string; sha256?: string; caption?: string };
}

export interface MetaWebhook {
  object?: string;
  entry?: Array<{
    id?: string;
    changes?: Array<{ field?: string; value?: { metadata?: { phone_number_id?: string }; statuses?: MetaStatus[]; messages?: MetaMessage[] } }>;
  }>;
}

const DELIVERY: Record<string, DeliveryStatus> = { sent: 'sent', delivered: 'delivered', read: 'read', failed: 'failed' };
/** Meta's seconds since the epoch (a string), or undefined when it is not one */
function toIso(seconds: unknown): string | undefined {
  if (typeof seconds !== 'string' && typeof seconds !== 'number') return undefined;
  const date = new Date(Number(seconds) * 1000);
  return Number.isFinite(date.getTime()) && String(seconds).trim() !== '' ? date.toISOString() : undefined;
}
const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const records = (value: unknown): Array<Record<string, unknown>> => (Array.isArray(value) ? value.filter(isRecord) : []);
const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const e164 = (waId: string) => (waId.startsWith('+') ? waId : `+${waId}`);

function errorsOf(errors: unknown): ProviderErrorInfo[] | undefined {
  if (!Array.isArray(errors)) return undefined;
  return (records(errors) as unknown as MetaError[]).map((e) => ({
    code: typeof e.code === 'number' ? e.code : Number(e.code),
    title: text(e.title) ?? text(e.message),
    details: text(e.error_data?.details),
  }));
}

function status(s: MetaStatus, provider: string): StatusEvent | undefined {
  const mapped = Object.hasOwn(DELIVERY, s.status) ? DELIVERY[s.status] : undefined;
  const at = toIso(s.timestamp);
  if (!mapped || typeof s.id !== 'string' || !at) return undefined; // e.g. "played" (voice): nothing we act on
  return {
    kind: 'status',
    channel: 'whatsapp',
    provider,
    eventKey: `whatsapp:status:${s.id}:${mapped}`,
    messageId: s.id,
    status: mapped,
    at,
    recipient: typeof s.recipient_id === 'string' && s.recipient_id ? e164(s.recipient_id) : undefined,
    errors: errorsOf(s.errors),
    correlationId: text(s.biz_opaque_callback_data),
  };
}

function message(m: MetaMessage, businessNumber: string, provider: string): InboundEvent | undefined {
  const at = toIso(m.timestamp);
  if (typeof m.id !== 'string' || typeof m.from !== 'string' || !at) return undefined;
  const base: InboundEvent = {
    kind: 'message',
    channel: 'whatsapp',
    provider,
    eventKey: `whatsapp:message:${m.id}`,
    messageId: m.id,
    from: e164(m.from),
    to: businessNumber,
    type: 'unsupported',
    at,
    contextId: isRecord(m.context) ? text(m.context.id) : undefined,
  };
  switch (m.type) {
    case 'text':
      return { ...base, type: 'text', text: text(m.text?.body) ?? '' };
    case 'button':
      return isRecord(m.button) ? { ...base, type: 'button', buttonPayload: text(m.button.payload), buttonTitle: text(m.button.text) } : base;
    case 'interactive': {
      const reply = isRecord(m.interactive) ? [m.interactive.button_reply, m.interactive.list_reply].find(isRecord) : undefined;
      return reply ? { ...base, type: 'interactive', buttonPayload: text(reply.id), buttonTitle: text(reply.title) } : base;
    }
    case 'document':
      return isRecord(m.document) && typeof m.document.id === 'string'
        ? {
            ...base,
            type: 'document',
            document: { mediaId: m.document.id, filename: text(m.document.filename), mimeType: text(m.document.mime_type), sha256: text(m.document.sha256) },
          }
        : base;
    case 'image':
      return isRecord(m.image) && typeof m.image.id === 'string'
        ? { ...base, type: 'image', image: { mediaId: m.image.id, mimeType: text(m.image.mime_type), sha256: text(m.image.sha256) } }
        : base;
    default:
      return base;
  }
}

export function whatsappEvents(body: MetaWebhook | unknown, provider: string): ProviderEvent[] {
  const events: ProviderEvent[] = [];
  if (!isRecord(body)) return events;
  for (const entry of records(body.entry)) {
    for (const change of records(entry.changes)) {
      if (change.field !== 'messages' || !isRecord(change.value)) continue;
      const value = change.value;
      const businessNumber = (isRecord(value.metadata) ? text(value.metadata.phone_number_id) : undefined) ?? '';
      for (const s of records(value.statuses)) {
        const event = status(s as unknown as MetaStatus, provider);
        if (event) events.push(event);
      }
      for (const m of records(value.messages)) {
        const event = message(m as unknown as MetaMessage, businessNumber, provider);
        if (event) events.push(event);
      }
    }
  }
  return events;
}
