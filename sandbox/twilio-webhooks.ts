// How Twilio calls back: form-encoded POSTs signed with X-Twilio-Signature =
// base64(HMAC-SHA1(auth token, URL + each parameter name and value, sorted by name)). Written here
// from Twilio's documentation, so the app's validation (the `twilio` library) is checked against an
// independent implementation.
import { createHmac } from 'node:crypto';

export function twilioSignature(authToken: string, url: string, params: Record<string, string>): string {
  const data =
    url +
    Object.keys(params)
      .sort()
      .map((k) => k + params[k])
      .join('');
  return createHmac('sha1', authToken).update(Buffer.from(data, 'utf8')).digest('base64');
}

export async function postTwilioWebhook(url: string, authToken: string, params: Record<string, string>): Promise<number> {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': twilioSignature(authToken, url, params),
      'i-twilio-idempotency-token': crypto.randomUUID(),
    },
    body: new URLSearchParams(params),
    signal: AbortSignal.timeout(10_000),
  });
  await response.arrayBuffer();
  return response.status;
}
