// Conversation messages on WhatsApp for the workflows that talk with a customer. Free-form messages go
// out only inside the 24-hour window (else a TemplateRequired failure tells the workflow to use a
// template); every send goes through the outbox, so a retried activity never sends twice.
import { ApplicationFailure } from '@temporalio/activity';
import { windowOpen } from '../messaging/conversation-window';
import { sendOnce } from '../messaging/outbox';
import type { SendOptions, TemplateComponent } from '../providers/whatsapp';
import type { ActivityDeps } from './deps';
import { toActivityFailure } from './provider-failure';
import { currentSendKey, recordDeadline } from './send-key';

export type WhatsAppMessage =
  | { kind: 'text'; body: string }
  | { kind: 'buttons'; body: string; footer?: string; buttons: Array<{ id: string; title: string }> }
  | { kind: 'document'; mediaId: string; filename: string; caption?: string }
  | { kind: 'template'; name: string; language: string; components?: TemplateComponent[] };

/** A document whose media is uploaded only when it is really sent (a replayed send uploads nothing). */
type LazyDocument = { kind: 'document'; media: () => Promise<string>; filename: string; caption?: string };

export interface SendWhatsAppInput {
  to: string;
  message: WhatsAppMessage;
  options?: SendOptions;
}

/**
 * One WhatsApp send from inside an activity: the 24-hour window checked for free-form messages, the
 * outbox keyed by the current activity, provider errors mapped to typed failures. Shared by every
 * activity that talks to the customer.
 */
export async function sendWhatsAppMessage(
  { prisma, whatsapp }: ActivityDeps,
  { to, message, options }: { to: string; message: WhatsAppMessage | LazyDocument; options?: SendOptions },
): Promise<{ messageId: string; replayed: boolean }> {
  if (message.kind !== 'template' && !(await windowOpen(prisma, whatsapp.businessNumberId, to))) {
    throw ApplicationFailure.nonRetryable('the 24-hour window is closed: send a template', 'TemplateRequired');
  }
  try {
    const sent = await sendOnce(
      prisma,
      { ...currentSendKey(), channel: 'whatsapp', provider: whatsapp.provider, to },
      async () => {
        const messageId =
          message.kind === 'text'
            ? await whatsapp.sendText(to, message.body, options)
            : message.kind === 'buttons'
              ? await whatsapp.sendButtons(to, message, options)
              : message.kind === 'document'
                ? await whatsapp.sendDocument(
                    to,
                    { mediaId: 'media' in message ? await message.media() : message.mediaId, filename: message.filename, caption: message.caption },
                    options,
                  )
                : await whatsapp.sendTemplate(to, message, options);
        return { messageId, status: 'accepted' };
      },
      { recordUntil: recordDeadline() },
    );
    return { messageId: sent.messageId, replayed: sent.replayed };
  } catch (error) {
    throw toActivityFailure(error);
  }
}

export function createMessagingActivities(deps: ActivityDeps) {
  return {
    async sendWhatsApp(input: SendWhatsAppInput): Promise<{ messageId: string; replayed: boolean }> {
      return sendWhatsAppMessage(deps, input);
    },
  };
}
