// Meta-style WhatsApp webhooks for the benchmarks, built as test/integration/webhooks.test.ts builds
// them: Meta's own serialisation (non-ASCII as \uXXXX, "/" as "\/"), signed with the app secret over
// those exact bytes (X-Hub-Signature-256). Kept here rather than imported from the sandbox so the
// benchmark does not depend on the emulator's internals.
import { createHmac, randomBytes } from 'node:crypto';

/** Meta's serialisation: non-ASCII as \uXXXX (UTF-16 units, so emoji become surrogate pairs) and "/" as "\/". */
export function metaJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/\//g, '\\/')
    .replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export const metaSignature = (secret: string, body: string | Buffer) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

const unixSeconds = () => String(Math.floor(Date.now() / 1000));

/** A wamid shaped like Meta's (base64, so it may carry "/" and "+", which Meta escapes). */
export const newWamid = () => `wamid.HBgL${randomBytes(24).toString('base64')}`;

/** One WhatsApp Business Account entry with one `messages` change. */
function envelope(phoneNumberId: string, value: object) {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '200000000000002',
        changes: [
          {
            field: 'messages',
            value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '15550001111', phone_number_id: phoneNumberId }, ...value },
          },
        ],
      },
    ],
  };
}

/** A customer's message (any type: text, button, interactive), as Meta posts it, with its sender's contact. */
export function inboundWebhook(phoneNumberId: string, from: string, message: { id: string } & Record<string, unknown>): string {
  const waId = from.replace(/^\+/, '');
  return metaJson(
    envelope(phoneNumberId, {
      contacts: [{ profile: { name: 'Bench customer' }, wa_id: waId }],
      messages: [{ from: waId, timestamp: unixSeconds(), ...message }],
    }),
  );
}

/** A customer's text message, as Meta posts it. */
export const inboundTextWebhook = (phoneNumberId: string, from: string, wamid: string, text: string): string =>
  inboundWebhook(phoneNumberId, from, { id: wamid, type: 'text', text: { body: text } });

/** `failed` with 131026 (the recipient cannot receive WhatsApp messages) for one of our messages. */
export function failedStatusWebhook(phoneNumberId: string, wamid: string, recipient: string, correlationId?: string): string {
  return metaJson(
    envelope(phoneNumberId, {
      statuses: [
        {
          id: wamid,
          status: 'failed',
          timestamp: unixSeconds(),
          recipient_id: recipient.replace(/^\+/, ''),
          ...(correlationId ? { biz_opaque_callback_data: correlationId } : {}),
          errors: [
            {
              code: 131026,
              title: 'Message undeliverable',
              message: 'Message undeliverable',
              error_data: { details: 'Message could not be delivered. The recipient may not be a WhatsApp user.' },
              href: 'https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/',
            },
          ],
        },
      ],
    }),
  );
}
