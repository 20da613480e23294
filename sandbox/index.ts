// The sandbox: emulated providers (Twilio's Messages API today; the WhatsApp Cloud API is next),
// the control API used by tests and demos, and the phone simulator page at /sandbox.
import type { FastifyInstance } from 'fastify';
import { isValidE164 } from '../domain/phone';
import { renderPhonePage } from './page';
import type { SandboxStore } from './store';
import { sandboxTwilio } from './twilio';

export interface SandboxOptions {
  store: SandboxStore;
  twilio: { accountSid: string; authToken: string; inboundWebhookUrl: string };
  whatsapp: SandboxWhatsAppOptions;
}

export interface SandboxWhatsAppOptions {
  phoneNumberId: string;
  /** the business number as handsets see it */
  displayNumber: string;
  wabaId: string;
  /** bearer token the emulated Graph API accepts (and D360-API-KEY in 360dialog mode) */
  accessToken: string;
  /** signs the webhooks (X-Hub-Signature-256) */
  appSecret: string;
  /** where the emulator posts its webhooks (the app's /webhooks/whatsapp) */
  webhookUrl: string;
}

export async function sandboxPlugin(app: FastifyInstance, options: SandboxOptions) {
  const { store } = options;
  // The sandbox is a development tool, not part of the public API description.
  app.addHook('onRoute', (route) => {
    route.schema = { ...(route.schema ?? {}), hide: true };
  });
  // Twilio posts form-encoded bodies.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });
  await app.register(sandboxTwilio, { prefix: '/twilio', store, accountSid: options.twilio.accountSid, authToken: options.twilio.authToken });

  const phoneParam = { type: 'object', properties: { phone: { type: 'string', format: 'e164' } }, required: ['phone'] } as const;

  app.get('/api/phones', {}, async () => store.phones());

  app.get<{ Params: { phone: string } }>('/api/phones/:phone/sms', { schema: { params: phoneParam } }, async (request) =>
    store.smsFor(request.params.phone).map(({ id, body, at, from, status }) => ({ id, from, body, at, status })),
  );

  // Server-sent events: the page refreshes a phone's view when something arrives for it.
  app.get('/api/events', {}, (request, reply) => {
    reply.raw.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    reply.raw.write(': connected\n\n');
    const unsubscribe = store.subscribe((phone) => reply.raw.write(`data: ${JSON.stringify({ phone })}\n\n`));
    request.raw.on('close', unsubscribe);
  });

  app.get('/', {}, async (_request, reply) => reply.type('text/html; charset=utf-8').send(renderPhonePage()));
  app.get<{ Params: { phone: string } }>('/phones/:phone', {}, async (request, reply) => {
    if (!isValidE164(request.params.phone)) return reply.code(404).send();
    return reply.type('text/html; charset=utf-8').send(renderPhonePage());
  });
}
