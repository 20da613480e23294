// What a customer can do on the emulated handset (type, tap a button, attach a file) and how each
// action reads in the webhook Meta would send: text, `button` for template quick replies,
// `interactive` button_reply/list_reply for interactive messages, document and image with media id.
import type { FieldError } from '../api/problem';
import type { HandsetButton, HandsetMessage } from './whatsapp-model';
import { isObject } from './whatsapp-params';

export type CustomerInput =
  | { kind: 'text'; text: string; contextId?: string }
  | { kind: 'button'; buttonId: string; contextId?: string }
  | { kind: 'document'; filename: string; mimeType: string; bytes: Buffer; caption?: string }
  | { kind: 'image'; mimeType: string; bytes: Buffer; caption?: string };

/** A customer action the handset cannot perform; the control API answers with this status. */
export class HandsetError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** The control API body: exactly one of `text`, `buttonId` (each + `contextId`: the message it replies to), `document`, `image`. */
export function parseCustomerInput(body: unknown): CustomerInput | FieldError[] {
  if (!isObject(body)) return [{ path: '/', in: 'body', message: 'must be an object' }];
  const kinds = ['text', 'buttonId', 'document', 'image'].filter((k) => body[k] !== undefined);
  if (kinds.length !== 1) return [{ path: '/', in: 'body', message: 'must have exactly one of text, buttonId, document, image' }];
  const errors: FieldError[] = [];
  const bad = (path: string, message: string) => errors.push({ path, in: 'body', message });
  const { text, buttonId, contextId } = body;
  if (contextId !== undefined && (typeof contextId !== 'string' || !contextId)) bad('/contextId', 'must be a message id');
  if (kinds[0] === 'text') {
    if (typeof text !== 'string' || !text.trim() || text.length > 4096) bad('/text', 'must be 1 to 4096 characters');
    // a text can quote (reply to) a message, as WhatsApp's swipe-to-reply does
    return errors.length ? errors : { kind: 'text', text: text as string, ...(contextId ? { contextId: contextId as string } : {}) };
  }
  if (kinds[0] === 'buttonId') {
    if (typeof buttonId !== 'string' || !buttonId) bad('/buttonId', 'must be a non-empty string');
    return errors.length ? errors : { kind: 'button', buttonId: buttonId as string, ...(contextId ? { contextId: contextId as string } : {}) };
  }
  const kind = kinds[0] as 'document' | 'image';
  if (contextId !== undefined) return [{ path: '/contextId', in: 'body', message: 'only a text or a button reply quotes a message here' }];
  const file = body[kind];
  if (!isObject(file)) return [{ path: `/${kind}`, in: 'body', message: 'must be an object' }];
  if (kind === 'document' && (typeof file.filename !== 'string' || !file.filename)) bad('/document/filename', 'is required');
  if (typeof file.mimeType !== 'string' || !/^[\w.+-]+\/[\w.+-]+$/.test(file.mimeType)) bad(`/${kind}/mimeType`, 'must be a MIME type');
  if (typeof file.contentBase64 !== 'string' || !file.contentBase64 || !BASE64.test(file.contentBase64)) bad(`/${kind}/contentBase64`, 'must be base64');
  if (file.caption !== undefined && typeof file.caption !== 'string') bad(`/${kind}/caption`, 'must be a string');
  if (errors.length) return errors;
  const common = {
    mimeType: file.mimeType as string,
    bytes: Buffer.from(file.contentBase64 as string, 'base64'),
    ...(file.caption ? { caption: file.caption as string } : {}),
  };
  return kind === 'document' ? { kind, filename: file.filename as string, ...common } : { kind, ...common };
}

/** The message a text reply quotes: any message this handset shows, once it has reached it. */
export function quotedMessage(chat: HandsetMessage[], contextId: string): HandsetMessage {
  const message = chat.find((m) => m.id === contextId);
  if (!message) throw new HandsetError(404, `No message ${contextId} on this handset.`);
  if (message.status === 'failed' || message.status === 'accepted')
    throw new HandsetError(400, `Message ${message.id} has not reached the handset (${message.status}).`);
  return message;
}

/** The business message whose button the customer taps: the one named by contextId, else the latest that has it. */
export function tappedButton(chat: HandsetMessage[], buttonId: string, contextId?: string): { message: HandsetMessage; button: HandsetButton } {
  const fromBusiness = chat.filter((m) => m.from === 'business');
  const message = contextId ? fromBusiness.find((m) => m.id === contextId) : fromBusiness.findLast((m) => m.buttons?.some((b) => b.id === buttonId));
  if (!message)
    throw new HandsetError(
      404,
      contextId ? `No business message ${contextId} on this handset.` : `No message on this handset has a button with id "${buttonId}".`,
    );
  const button = message.buttons?.find((b) => b.id === buttonId);
  if (!button) throw new HandsetError(400, `Message ${message.id} has no button with id "${buttonId}".`);
  if (message.status === 'failed' || message.status === 'accepted')
    throw new HandsetError(400, `Message ${message.id} has not reached the handset (${message.status}).`);
  if (button.kind === 'copy_code') throw new HandsetError(400, 'A copy-code button copies the code to the clipboard; it sends nothing.');
  return { message, button };
}

/** The type-specific part of the inbound webhook message, and how the handset shows it. */
export function buttonReply(button: HandsetButton): { webhook: Record<string, unknown>; type: HandsetMessage['type'] } {
  if (button.kind === 'quick_reply') return { type: 'button', webhook: { type: 'button', button: { payload: button.id, text: button.title } } };
  const reply = { id: button.id, title: button.title, ...(button.description ? { description: button.description } : {}) };
  return {
    type: 'interactive',
    webhook: {
      type: 'interactive',
      interactive: button.kind === 'list_row' ? { type: 'list_reply', list_reply: reply } : { type: 'button_reply', button_reply: reply },
    },
  };
}
