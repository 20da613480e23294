// The sandbox: emulated providers (Twilio's Messages API, the WhatsApp Cloud API and its 360dialog
// variant), the control API used by tests and demos, and the phone simulator page at /sandbox.
import type { FastifyInstance } from 'fastify';
import { isValidE164 } from '../domain/phone';
import { PHONE_PAGE_SCRIPT, renderPhonePage } from './page';
import type { SandboxStore } from './store';
import { sandboxTwilio, sendInboundSms } from './twilio';
import { phoneParam, whatsappControl } from './whatsapp-control';
import { WhatsAppEmulator } from './whatsapp-emulator';
import { whatsappGraph } from './whatsapp-graph';

export interface SandboxOptions {
  store: SandboxStore;
  twilio: { accountSid: string; authToken: string; inboundWebhookUrl: string; businessNumber: string };
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
  /** pause before each status webhook (sent, delivered, read); default 5 ms */
  statusDelayMs?: number;
  /** waits between webhook delivery attempts; default 100, 200, 400, 800 ms (5 attempts) */
  retryDelaysMs?: number[];
  /** the emulator's clock (tests move it to let the 24-hour window close) */
  clock?: () => Date;
}

export async function sandboxPlugin(app: FastifyInstance, options: SandboxOptions) {
  const { store } = options;
  const mountPath = app.prefix;
  // The sandbox is a development tool, not part of the public API description.
  app.addHook('onRoute', (route) => {
    route.schema = { ...(route.schema ?? {}), hide: true };
  });
  // Twilio posts form-encoded bodies.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });
  await app.register(sandboxTwilio, { prefix: '/twilio', store, accountSid: options.twilio.accountSid, authToken: options.twilio.authToken });

  const { statusDelayMs = 5, retryDelaysMs = [100, 200, 400, 800], clock = () => new Date(), ...whatsapp } = options.whatsapp;
  const emulator = new WhatsAppEmulator({ ...whatsapp, store, statusDelayMs, retryDelaysMs, clock, log: app.log.child({ component: 'sandbox-whatsapp' }) });
  app.addHook('onClose', async () => emulator.close());
  await app.register(whatsappGraph, { emulator, accessToken: whatsapp.accessToken, wabaId: whatsapp.wabaId, mountPath });
  await app.register(whatsappControl, { store, emulator, mountPath });

  app.get('/api/phones', async () => store.phones());

  app.get<{ Params: { phone: string } }>('/api/phones/:phone/sms', async (request, reply) => {
    const phone = phoneParam(request, reply);
    if (!phone) return reply;
    return store.smsFor(phone).map(({ id, body, at, from, status }) => ({ id, from, body, at, status }));
  });

  // The customer texts the business: a signed Twilio inbound webhook to the app.
  app.post<{ Params: { phone: string }; Body: { body?: unknown } }>('/api/phones/:phone/sms', async (request, reply) => {
    const phone = phoneParam(request, reply);
    if (!phone) return reply;
    const text = request.body?.body;
    if (typeof text !== 'string' || text.length === 0 || text.length > 1600) {
      return reply
        .code(400)
        .type('application/problem+json')
        .send({
          type: 'urn:testigo:problem:validation-error',
          title: 'Invalid request',
          status: 400,
          errors: [{ path: '/body', in: 'body', message: 'must be a text of 1–1600 characters' }],
        });
    }
    const { accountSid, authToken, inboundWebhookUrl } = options.twilio;
    const id = await sendInboundSms({ url: inboundWebhookUrl, accountSid, authToken, from: phone, to: options.twilio.businessNumber, body: text });
    return reply.code(202).send({ id });
  });

  // Server-sent events: the page refreshes a phone's view when something changes for it. Open
  // streams are ended before the server closes, or they would hold it open.
  const streams = new Set<() => void>();
  app.addHook('preClose', async () => {
    for (const end of streams) end();
  });
  app.get('/api/events', {}, (request, reply) => {
    reply.raw.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    reply.raw.write(': connected\n\n');
    const unsubscribe = store.subscribe((phone) => reply.raw.write(`data: ${JSON.stringify({ phone })}\n\n`));
    const end = () => reply.raw.end();
    streams.add(end);
    request.raw.on('close', () => {
      unsubscribe();
      streams.delete(end);
    });
  });

  app.get('/', {}, async (_request, reply) => reply.type('text/html; charset=utf-8').send(renderPhonePage(mountPath)));
  app.get('/phone-page.js', {}, async (_request, reply) => reply.type('text/javascript; charset=utf-8').send(PHONE_PAGE_SCRIPT));
  app.get<{ Params: { phone: string } }>('/phones/:phone', {}, async (request, reply) => {
    if (!isValidE164(request.params.phone)) return reply.code(404).send();
    return reply.type('text/html; charset=utf-8').send(renderPhonePage(mountPath));
  });
}
