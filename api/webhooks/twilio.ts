// Twilio webhooks (PRODUCT.md §3.5): inbound SMS and message status callbacks, form-encoded, signed
// with X-Twilio-Signature over PUBLIC_BASE_URL + path + sorted parameters (validated by the `twilio`
// library). A bad or missing signature is a 401 and nothing is ingested.
import type { FastifyInstance } from 'fastify';
import twilio from 'twilio';
import type { DeliveryStatus } from '../../shared/delivery-status';
import type { ProviderEvent } from '../../shared/messaging';
import { HttpProblem } from '../problem';
import type { WebhookIngestion } from '../../services/webhook-ingestion';

export interface TwilioWebhookOptions {
  ingestion: WebhookIngestion;
  authToken: string;
  publicBaseUrl: string;
  provider: string;
}

const STATUS: Record<string, DeliveryStatus> = {
  accepted: 'queued',
  scheduled: 'queued',
  queued: 'queued',
  sending: 'queued',
  sent: 'sent',
  delivered: 'delivered',
  read: 'read',
  undelivered: 'failed',
  failed: 'failed',
  canceled: 'failed',
};

const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>';

export function twilioEvents(params: Record<string, string>, provider: string, now = new Date()): ProviderEvent[] {
  const sid = params.MessageSid ?? params.SmsSid;
  if (!sid) return [];
  const raw = (params.MessageStatus ?? params.SmsStatus ?? '').toLowerCase();
  const channel = (params.From ?? '').startsWith('whatsapp:') || (params.To ?? '').startsWith('whatsapp:') ? 'whatsapp' : 'sms';
  const strip = (n: string | undefined) => (n ?? '').replace(/^whatsapp:/, '');
  if (raw === 'received' || raw === 'receiving' || (!raw && params.Body !== undefined)) {
    return [
      {
        kind: 'message',
        channel,
        provider,
        eventKey: `twilio:message:${sid}`,
        messageId: sid,
        from: strip(params.From),
        to: strip(params.To),
        type: 'text',
        text: params.Body ?? '',
        at: now.toISOString(),
        ...(params.ButtonPayload ? { type: 'button', buttonPayload: params.ButtonPayload, buttonTitle: params.ButtonText } : {}),
      },
    ];
  }
  const status = STATUS[raw];
  if (!status) return [];
  return [
    {
      kind: 'status',
      channel,
      provider,
      eventKey: `twilio:status:${sid}:${status}`,
      messageId: sid,
      status,
      at: now.toISOString(),
      recipient: strip(params.To),
      ...(params.ErrorCode ? { errors: [{ code: Number(params.ErrorCode) || params.ErrorCode, title: params.ErrorMessage }] } : {}),
    },
  ];
}

export async function twilioWebhookRoutes(app: FastifyInstance, { ingestion, authToken, publicBaseUrl, provider }: TwilioWebhookOptions) {
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    const params: Record<string, string> = {};
    for (const [k, v] of new URLSearchParams(body as string)) params[k] = v;
    done(null, params);
  });

  app.post('/sms/twilio', { schema: { tags: ['webhooks'], summary: 'Twilio inbound SMS and status callbacks (signed)' } }, async (request, reply) => {
    const params = (request.body ?? {}) as Record<string, string>;
    const signature = request.headers['x-twilio-signature'];
    // Twilio signs the URL it was given: ours as the public sees it, not as this process is reached.
    const url = `${publicBaseUrl}${request.url}`;
    if (typeof signature !== 'string' || !twilio.validateRequest(authToken, signature, url, params)) {
      throw new HttpProblem(401, 'invalid-signature', 'Unauthorized', 'Missing or invalid X-Twilio-Signature.');
    }
    await ingestion.ingest(twilioEvents(params, provider));
    return reply.type('text/xml').send(EMPTY_TWIML);
  });
}
