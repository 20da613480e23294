// OTP activities: derive the code (never returned, never logged), send it, return only its keyed hash.
import { deriveCode, hashCode, newNonce } from '../domain/otp-code';
import { otpSmsText } from '../domain/otp-messages';
import { openConversationWait } from '../messaging/conversation-wait';
import { sendOnce } from '../messaging/outbox';
import { tenantSettings } from '../domain/tenants';
import type { SendOtpInput, SendOtpResult } from '../shared/otp';
import type { ActivityDeps } from './deps';
import { toActivityFailure } from './provider-failure';
import { currentSendKey, recordDeadline } from './send-key';

export function createOtpActivities({ prisma, keys, sms, whatsapp, templates, publicBaseUrl }: ActivityDeps) {
  return {
    async sendOtp(input: SendOtpInput): Promise<SendOtpResult> {
      const nonce = newNonce();
      const codeHash = hashCode(keys.otpHash, input.subjectId, deriveCode(keys.otpCode, nonce, input.codeLength));
      // First send of a generation creates its nonce; re-sends find the same one, hence the same code. One
      // statement (the no-op update returns the kept row): on the send's hot path, where Prisma's upsert cost 5x more.
      const sendKey = currentSendKey();
      const [[row]] = await Promise.all([
        prisma.$queryRaw<Array<{ nonce: string; codeHash: string }>>`
          INSERT INTO otp_code (subject_id, generation, nonce, code_hash, expires_at, created_at)
          VALUES (${input.subjectId}, ${input.generation}, ${nonce}, ${codeHash}, ${new Date(input.expiresAt)}, ${new Date()})
          ON CONFLICT (subject_id, generation) DO UPDATE SET nonce = otp_code.nonce
          RETURNING nonce, code_hash AS "codeHash"`,
        // the typed reply's route, before the code can reach the customer
        input.routeReply
          ? openConversationWait(prisma, {
              workflowId: sendKey.workflowId,
              subjectId: input.subjectId,
              phone: input.to,
              expects: 'otp',
            })
          : undefined,
      ]);
      const code = deriveCode(keys.otpCode, row.nonce, input.codeLength);
      try {
        if (input.channel === 'whatsapp') {
          // Authentication template with a copy-code button; Meta renders the text and the expiry.
          const sent = await sendOnce(
            prisma,
            { ...sendKey, channel: 'whatsapp', provider: whatsapp.provider, to: input.to, signalledStatuses: input.signalledStatuses },
            async () => ({
              messageId: await whatsapp.sendAuthenticationCode(
                input.to,
                { name: (await tenantSettings(prisma, input.tenantId)).otpTemplate ?? templates.otpTemplate, language: input.locale, code },
                { correlationId: input.subjectId },
              ),
              status: 'accepted',
            }),
            { recordUntil: recordDeadline() },
          );
          return {
            codeHash: row.codeHash,
            send: {
              channel: 'whatsapp',
              at: new Date().toISOString(),
              status: sent.status,
              messageId: sent.messageId,
              ...(sent.error !== undefined ? { error: sent.error } : {}),
            },
          };
        }
        const expiresInMinutes = Math.ceil((Date.parse(input.expiresAt) - Date.now()) / 60_000);
        const body = otpSmsText({ locale: input.locale, brand: input.brand, code, expiresInMinutes });
        const sent = await sendOnce(
          prisma,
          { ...sendKey, channel: 'sms', provider: sms.provider, to: input.to, signalledStatuses: input.signalledStatuses },
          () => sms.send({ to: input.to, body, statusCallback: `${publicBaseUrl}/webhooks/sms/twilio` }),
          { recordUntil: recordDeadline() },
        );
        return {
          codeHash: row.codeHash,
          send: {
            channel: 'sms',
            at: new Date().toISOString(),
            status: sent.status,
            messageId: sent.messageId,
            ...(sent.error !== undefined ? { error: sent.error } : {}),
          },
        };
      } catch (error) {
        throw toActivityFailure(error);
      }
    },
  };
}
