// The sandbox as an external provider: WhatsApp Cloud API and Twilio emulated in a process of their own (the test's),
// posting their webhooks to the app's API. Used when the app's processes are killed: a real provider does not die
// with our API, and it keeps retrying a webhook the app did not answer (Meta for days); so the sandbox here retries
// for minutes, longer than any restart. The app's processes reach it through WHATSAPP_API_BASE_URL and
// TWILIO_API_BASE_URL (`env()`).
import Fastify, { type FastifyInstance } from 'fastify';
import { SANDBOX_TWILIO, SANDBOX_WHATSAPP } from '../../platform/config';
import { sandboxPlugin } from '../../sandbox';
import { SandboxStore } from '../../sandbox/store';

export interface SandboxProvider {
  url: string;
  store: SandboxStore;
  /** requests to the provider being handled now (a send the provider may accept after its sender died) */
  inFlight(): number;
  /** the variables that point the app's processes at this provider */
  env(): Record<string, string>;
  close(): Promise<void>;
}

/** about 3 minutes of webhook retries: 0.1 s doubling to 2 s, then every 2 s */
export const LONG_RETRIES = [100, 200, 400, 800, 1600, ...Array.from({ length: 90 }, () => 2000)];

export async function startSandboxProvider(options: { appUrl: string; retryDelaysMs?: number[]; statusDelayMs?: number }): Promise<SandboxProvider> {
  const store = new SandboxStore();
  const app: FastifyInstance = Fastify({ bodyLimit: 30 * 1024 * 1024 });
  let inFlight = 0;
  app.addHook('onRequest', async () => void inFlight++);
  app.addHook('onResponse', async () => void inFlight--);
  await app.register(sandboxPlugin, {
    prefix: '/sandbox',
    store,
    twilio: {
      accountSid: SANDBOX_TWILIO.accountSid,
      authToken: SANDBOX_TWILIO.authToken,
      inboundWebhookUrl: `${options.appUrl}/webhooks/sms/twilio`,
      businessNumber: SANDBOX_TWILIO.from,
    },
    whatsapp: {
      ...SANDBOX_WHATSAPP,
      webhookUrl: `${options.appUrl}/webhooks/whatsapp`,
      retryDelaysMs: options.retryDelaysMs ?? LONG_RETRIES,
      statusDelayMs: options.statusDelayMs ?? 5,
    },
  });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    url,
    store,
    inFlight: () => inFlight,
    env: () => ({ WHATSAPP_API_BASE_URL: `${url}/sandbox/graph`, TWILIO_API_BASE_URL: `${url}/sandbox/twilio` }),
    close: () => app.close(),
  };
}
