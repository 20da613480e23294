// Meta's webhook payload → normalised provider events. Every entry and every change of a batch is
// read; anything that is not a message or a status of the `messages` field is ignored.
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
const toIso = (seconds: string) => new Date(Number(seconds) * 1000).toISOString();
const e164 = (waId: string) => (waId.startsWith('+') ? waId : `+${waId}`);

function errorsOf(errors?: MetaError[]): ProviderErrorInfo[] | undefined {
  return errors?.map((e) => ({ code: e.code, title: e.title ?? e.message, details: e.error_data?.details }));
}

function status(s: MetaStatus, provider: string): StatusEvent | undefined {
  const mapped = DELIVERY[s.status];
  if (!mapped) return undefined; // e.g. "played" (voice): nothing we act on
  return {
    kind: 'status',
    channel: 'whatsapp',
    provider,
    eventKey: `whatsapp:status:${s.id}:${mapped}`,
    messageId: s.id,
    status: mapped,
    at: toIso(s.timestamp),
    recipient: s.recipient_id ? e164(s.recipient_id) : undefined,
    errors: errorsOf(s.errors),
    correlationId: s.biz_opaque_callback_data,
  };
}

function message(m: MetaMessage, businessNumber: string, provider: string): InboundEvent {
  const base: InboundEvent = {
    kind: 'message',
    channel: 'whatsapp',
    provider,
    eventKey: `whatsapp:message:${m.id}`,
    messageId: m.id,
    from: e164(m.from),
    to: businessNumber,
    type: 'unsupported',
    at: toIso(m.timestamp),
    contextId: m.context?.id,
  };
  switch (m.type) {
    case 'text':
      return { ...base, type: 'text', text: m.text?.body ?? '' };
    case 'button':
      return { ...base, type: 'button', buttonPayload: m.button?.payload, buttonTitle: m.button?.text };
    case 'interactive': {
      const reply = m.interactive?.button_reply ?? m.interactive?.list_reply;
      return { ...base, type: 'interactive', buttonPayload: reply?.id, buttonTitle: reply?.title };
    }
    case 'document':
      return m.document
        ? {
            ...base,
            type: 'document',
            document: { mediaId: m.document.id, filename: m.document.filename, mimeType: m.document.mime_type, sha256: m.document.sha256 },
          }
        : base;
    case 'image':
      return m.image ? { ...base, type: 'image', image: { mediaId: m.image.id, mimeType: m.image.mime_type, sha256: m.image.sha256 } } : base;
    default:
      return base;
  }
}

export function whatsappEvents(body: MetaWebhook, provider: string): ProviderEvent[] {
  const events: ProviderEvent[] = [];
  for (const entry of body.entry ?? []) {
    for (const change of entry.changes ?? []) {
      if (change.field !== 'messages' || !change.value) continue;
      const businessNumber = change.value.metadata?.phone_number_id ?? '';
      for (const s of change.value.statuses ?? []) {
        const event = status(s, provider);
        if (event) events.push(event);
      }
      for (const m of change.value.messages ?? []) events.push(message(m, businessNumber, provider));
    }
  }
  return events;
}
