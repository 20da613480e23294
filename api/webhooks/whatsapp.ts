// WhatsApp webhooks (PRODUCT.md §3.5): Meta's GET handshake, and signed POSTs verified on the raw
// bytes — Meta signs its own serialisation (non-ASCII escaped as \uXXXX), so a re-serialised body
// would not verify. A bad or missing signature is a 401 and nothing is ingested.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { HttpProblem } from '../problem';
import type { WebhookIngestion } from '../../services/webhook-ingestion';
import { whatsappEvents, type MetaWebhook } from './whatsapp-events';

export interface WhatsAppWebhookOptions {
  ingestion: WebhookIngestion;
  appSecret: string;
  verifyToken: string;
  provider: string;
}

export function validMetaSignature(appSecret: string, raw: Buffer, header: string | undefined): boolean {
  const match = /^sha256=([0-9a-f]{64})$/i.exec(header ?? '');
  if (!match) return false;
  const expected = createHmac('sha256', appSecret).update(raw).digest();
  return timingSafeEqual(expected, Buffer.from(match[1], 'hex'));
}

declare module 'fastify' {
  interface FastifyRequest {
    rawBody?: Buffer;
  }
}

export async function whatsappWebhookRoutes(app: FastifyInstance, { ingestion, appSecret, verifyToken, provider }: WhatsAppWebhookOptions) {
  // Keep the exact bytes for the signature; parse them ourselves (in this plugin's scope only).
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    request.rawBody = body as Buffer;
    try {
      done(null, JSON.parse((body as Buffer).toString('utf8')));
    } catch {
      done(new HttpProblem(400, 'invalid-json', 'Bad Request', 'The body is not valid JSON.'), undefined);
    }
  });

  const schema = { tags: ['webhooks'] };

  app.get<{ Querystring: Record<string, string> }>(
    '/whatsapp',
    { schema: { ...schema, summary: 'Meta webhook verification handshake' } },
    async (request, reply) => {
      const q = request.query;
      if (q['hub.mode'] === 'subscribe' && q['hub.verify_token'] === verifyToken && q['hub.challenge'] !== undefined) {
        return reply.type('text/plain').send(q['hub.challenge']);
      }
      throw new HttpProblem(403, 'forbidden', 'Forbidden', 'Wrong hub.mode or hub.verify_token.');
    },
  );

  app.post('/whatsapp', { schema: { ...schema, summary: 'WhatsApp Cloud API / 360dialog events (signed)' } }, async (request, reply) => {
    if (!request.rawBody || !validMetaSignature(appSecret, request.rawBody, request.headers['x-hub-signature-256'] as string | undefined)) {
      throw new HttpProblem(401, 'invalid-signature', 'Unauthorized', 'Missing or invalid X-Hub-Signature-256.');
    }
    const result = await ingestion.ingest(whatsappEvents(request.body as MetaWebhook, provider));
    return reply.code(200).send(result);
  });
}
