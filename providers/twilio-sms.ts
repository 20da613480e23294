// Twilio Programmable Messaging client (POST /2010-04-01/Accounts/{sid}/Messages.json, form-encoded,
// HTTP Basic). A plain fetch client: it needs one endpoint, and a base URL that points at the sandbox.
import { ProviderError, type SentMessage, type SmsMessage, type SmsSender } from './sms';

export interface TwilioSmsOptions {
  baseUrl: string;
  accountSid: string;
  authToken: string;
  from: string;
  timeoutMs?: number;
}

/** Twilio error codes that mean "this number cannot receive": retrying will not help. */
const INVALID_RECIPIENT = new Set([21211, 21214, 21612, 21614, 21610]);

export class TwilioSmsClient implements SmsSender {
  readonly provider = 'twilio';

  constructor(private readonly options: TwilioSmsOptions) {}

  async send(message: SmsMessage): Promise<SentMessage> {
    const { baseUrl, accountSid, authToken, from } = this.options;
    const form = new URLSearchParams({ To: message.to, From: from, Body: message.body });
    if (message.statusCallback) form.set('StatusCallback', message.statusCallback);
    let response: Response;
    try {
      response = await fetch(`${baseUrl}/2010-04-01/Accounts/${encodeURIComponent(accountSid)}/Messages.json`, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
        body: form,
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
      });
    } catch (error) {
      throw new ProviderError(`Twilio unreachable: ${(error as Error).message}`, 'retryable');
    }
    const payload = (await response.json().catch(() => ({}))) as Record<string, unknown>;
    if (response.ok && typeof payload.sid === 'string') {
      return { messageId: payload.sid, status: String(payload.status ?? 'queued') };
    }
    const code = typeof payload.code === 'number' ? payload.code : undefined;
    const detail = `Twilio ${response.status}${code ? ` (${code})` : ''}: ${String(payload.message ?? response.statusText)}`;
    const retryAfter = Number(response.headers.get('retry-after'));
    const details = { httpStatus: response.status, code, retryAfterMs: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : undefined };
    if (response.status === 429 || response.status >= 500) throw new ProviderError(detail, 'retryable', details);
    if (response.status === 401 || response.status === 403) throw new ProviderError(detail, 'auth', details);
    if (code !== undefined && INVALID_RECIPIENT.has(code)) throw new ProviderError(detail, 'invalid_recipient', details);
    throw new ProviderError(detail, 'rejected', details);
  }
}
