// Emulation of Twilio's Messages API on its wire format: form-encoded POST with HTTP Basic auth,
// answered with a Message resource (201) or a Twilio error body ({code, message, more_info, status}).
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { isValidE164 } from '../domain/phone';
import type { SandboxSms, SandboxStore } from './store';
import { postTwilioWebhook } from './twilio-webhooks';

export interface SandboxTwilioOptions {
  store: SandboxStore;
  accountSid: string;
  authToken: string;
  /** pause between status callbacks (queued → sent → delivered) */
  statusDelayMs?: number;
}

/** Numbers the sandbox cannot deliver SMS to (status `undelivered`, error 30003), e.g. +34699000000. */
export const UNDELIVERABLE_SMS = /^\+\d+99000000$/;

/** Posts the status callbacks Twilio would send for this message (none for the initial `queued`). */
async function deliverSms(sms: SandboxSms, accountSid: string, authToken: string, delayMs: number, onChange: () => void): Promise<void> {
  const steps: Array<[string, Record<string, string>]> = UNDELIVERABLE_SMS.test(sms.to)
    ? [
        ['sent', {}],
        ['undelivered', { ErrorCode: '30003', ErrorMessage: 'Unreachable destination handset' }],
      ]
    : [
        ['sent', {}],
        ['delivered', {}],
      ];
  for (const [status, extra] of steps) {
    await new Promise((r) => setTimeout(r, delayMs));
    sms.status = status;
    onChange();
    if (!sms.statusCallback) continue;
    const params = {
      AccountSid: accountSid,
      ApiVersion: '2010-04-01',
      From: sms.from,
      To: sms.to,
      MessageSid: sms.id,
      SmsSid: sms.id,
      MessageStatus: status,
      SmsStatus: status,
      ...extra,
    };
    await postTwilioWebhook(sms.statusCallback, authToken, params).catch(() => undefined);
  }
}

/** The customer texts the business: Twilio's inbound webhook, signed. */
export async function sendInboundSms(options: { url: string; accountSid: string; authToken: string; from: string; to: string; body: string }): Promise<string> {
  const sid = `SM${randomBytes(16).toString('hex')}`;
  const params = {
    AccountSid: options.accountSid,
    ApiVersion: '2010-04-01',
    From: options.from,
    To: options.to,
    Body: options.body,
    MessageSid: sid,
    SmsSid: sid,
    SmsMessageSid: sid,
    SmsStatus: 'received',
    NumMedia: '0',
    NumSegments: '1',
  };
  const status = await postTwilioWebhook(options.url, options.authToken, params);
  if (status >= 300) throw new Error(`the app answered ${status} to the inbound SMS webhook`);
  return sid;
}

function twilioError(reply: FastifyReply, status: number, code: number, message: string) {
  return reply.code(status).send({ code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status });
}

export async function sandboxTwilio(app: FastifyInstance, { store, accountSid, authToken, statusDelayMs = 5 }: SandboxTwilioOptions) {
  app.post<{ Params: { sid: string }; Body: Record<string, string> }>('/2010-04-01/Accounts/:sid/Messages.json', async (request, reply) => {
    const expected = `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`;
    if (request.headers.authorization !== expected || request.params.sid !== accountSid) {
      return twilioError(reply, 401, 20003, 'Authenticate');
    }
    const body = request.body ?? {};
    if (!body.To) return twilioError(reply, 400, 21604, "A 'To' phone number is required.");
    if (!isValidE164(body.To)) return twilioError(reply, 400, 21211, `The 'To' number ${body.To} is not a valid phone number.`);
    if (!body.From && !body.MessagingServiceSid) return twilioError(reply, 400, 21603, "A 'From' phone number is required.");
    if (!body.Body) return twilioError(reply, 400, 21602, 'Message body is required.');
    const sid = `SM${randomBytes(16).toString('hex')}`;
    const now = new Date();
    const sms: SandboxSms = {
      id: sid,
      accountSid,
      from: body.From,
      to: body.To,
      body: body.Body,
      status: 'queued',
      statusCallback: body.StatusCallback,
      at: now.toISOString(),
    };
    store.addSms(sms);
    void deliverSms(sms, accountSid, authToken, statusDelayMs, () => store.notify(sms.to));
    return reply.code(201).send({
      sid,
      account_sid: accountSid,
      api_version: '2010-04-01',
      body: body.Body,
      date_created: now.toUTCString(),
      date_updated: now.toUTCString(),
      date_sent: null,
      direction: 'outbound-api',
      error_code: null,
      error_message: null,
      from: body.From ?? null,
      messaging_service_sid: body.MessagingServiceSid ?? null,
      num_media: '0',
      num_segments: String(Math.max(1, Math.ceil(body.Body.length / 153))),
      price: null,
      price_unit: 'USD',
      status: 'queued',
      to: body.To,
      uri: `/2010-04-01/Accounts/${accountSid}/Messages/${sid}.json`,
    });
  });
}
