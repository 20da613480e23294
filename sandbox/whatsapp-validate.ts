// Validation of `POST /{PNID}/messages` bodies with Meta's codes: 100 for Graph-level parameter
// errors (missing or malformed fields), 131008/131009 for WhatsApp-level ones (a required part of
// a message missing, a value out of range), 131021 for sending to yourself. Templates are checked
// against the catalogue in whatsapp-template-send.ts.
import { isValidE164 } from '../domain/phone';
import { GraphError } from './whatsapp-errors';
import type { HandsetButton, OutboundMessage } from './whatsapp-model';
import { charCount, isObject, isText, maxLength, optionalText, parseMedia, required } from './whatsapp-params';
import type { TemplateCatalogue } from './whatsapp-template-catalogue';
import { validateTemplate } from './whatsapp-template-send';

type SendRequest = { kind: 'message'; message: OutboundMessage } | { kind: 'read'; messageId: string; typing: boolean };

type Json = Record<string, unknown>;

export function parseSendRequest(body: unknown, businessWaId: string, templates: TemplateCatalogue): SendRequest {
  if (!isObject(body)) throw new GraphError(100, 'The request body must be a JSON object.');
  if (body.messaging_product === undefined) throw new GraphError(100, 'The parameter messaging_product is required.');
  if (body.messaging_product !== 'whatsapp')
    throw new GraphError(100, `Param messaging_product must be one of {WHATSAPP} - got "${String(body.messaging_product)}".`);
  if (body.status !== undefined) return parseReadReceipt(body);

  if (body.recipient_type !== undefined && body.recipient_type !== 'individual') throw new GraphError(100, 'Param recipient_type must be one of {INDIVIDUAL}.');
  if (body.to === undefined || body.to === '') throw new GraphError(100, 'The parameter to is required.');
  const waId = typeof body.to === 'string' ? body.to.replace(/^\+/, '') : '';
  if (waId === businessWaId) throw new GraphError(131021);
  if (!/^\d+$/.test(waId) || !isValidE164(`+${waId}`)) throw new GraphError(131009, `Recipient phone number ${String(body.to)} is not a valid phone number.`);

  const bizOpaqueCallbackData = optionalText(body, 'biz_opaque_callback_data', 'biz_opaque_callback_data');
  maxLength(bizOpaqueCallbackData, 512, 'biz_opaque_callback_data');
  let contextId: string | undefined;
  if (body.context !== undefined) {
    if (!isObject(body.context) || !isText(body.context.message_id)) throw new GraphError(100, "The parameter context['message_id'] is required.");
    contextId = body.context.message_id;
  }

  // Meta defaults an absent type to text.
  const type = String(body.type ?? 'text');
  const common = { to: String(body.to), waId, contextId, bizOpaqueCallbackData };
  switch (type) {
    case 'text':
      return { kind: 'message', message: { ...common, type: 'text', category: 'service', text: parseText(body) } };
    case 'template':
      return { kind: 'message', message: { ...common, type: 'template', ...validateTemplate(required(body, 'template', 'template'), templates) } };
    case 'interactive':
      return {
        kind: 'message',
        message: { ...common, type: 'interactive', category: 'service', ...parseInteractive(required(body, 'interactive', 'interactive')) },
      };
    case 'document':
    case 'image':
      return { kind: 'message', message: { ...common, type, category: 'service', media: parseMedia(type, required(body, type, type)) } };
    default:
      throw new GraphError(100, `Param type must be one of {TEXT, TEMPLATE, INTERACTIVE, DOCUMENT, IMAGE} - got "${String(type)}".`);
  }
}

function parseReadReceipt(body: Json): SendRequest {
  if (body.status !== 'read') throw new GraphError(100, `Param status must be one of {READ} - got "${String(body.status)}".`);
  if (!isText(body.message_id)) throw new GraphError(100, 'The parameter message_id is required.');
  const indicator = body.typing_indicator;
  if (indicator !== undefined && !(isObject(indicator) && indicator.type === 'text'))
    throw new GraphError(100, "Param typing_indicator['type'] must be one of {TEXT}.");
  return { kind: 'read', messageId: body.message_id, typing: indicator !== undefined };
}

function parseText(body: Json): string {
  const text = required(body, 'text', 'text');
  if (!isText(text.body)) throw new GraphError(100, "The parameter text['body'] is required.");
  maxLength(text.body, 4096, "text['body']");
  return text.body;
}

/** Interactive messages: reply buttons or a list; the body is their text, header and footer frame it. */
function parseInteractive(interactive: Json): Pick<OutboundMessage, 'text' | 'buttons' | 'listLabel'> {
  const body = interactive.body;
  if (!isObject(body) || !isText(body.text)) throw new GraphError(131008, "The parameter interactive['body']['text'] is required.");
  maxLength(body.text, 1024, "interactive['body']['text']", 131009);
  const footer = isObject(interactive.footer) ? optionalText(interactive.footer, 'text', "interactive['footer']['text']") : undefined;
  maxLength(footer, 60, "interactive['footer']['text']", 131009);
  const header =
    isObject(interactive.header) && interactive.header.type === 'text' ? optionalText(interactive.header, 'text', "interactive['header']['text']") : undefined;
  maxLength(header, 60, "interactive['header']['text']", 131009);
  const text = [header && `*${header}*`, body.text, footer].filter(Boolean).join('\n');

  const action = interactive.action;
  if (!isObject(action)) throw new GraphError(131008, "The parameter interactive['action'] is required.");
  if (interactive.type === 'button') return { text, buttons: parseReplyButtons(action) };
  if (interactive.type === 'list') return { text, ...parseList(action) };
  throw new GraphError(100, `Param interactive['type'] must be one of {BUTTON, LIST} - got "${String(interactive.type)}".`);
}

function parseReplyButtons(action: Json): HandsetButton[] {
  const buttons = action.buttons;
  if (!Array.isArray(buttons)) throw new GraphError(131008, "The parameter interactive['action']['buttons'] is required.");
  if (buttons.length < 1 || buttons.length > 3) throw new GraphError(131009, 'Invalid buttons count. Min allowed buttons: 1, Max allowed buttons: 3.');
  const parsed = buttons.map((button: unknown): HandsetButton => {
    if (!isObject(button) || button.type !== 'reply' || !isObject(button.reply))
      throw new GraphError(131009, "Each button must be {type: 'reply', reply: {id, title}}.");
    const { id, title } = button.reply;
    if (!isText(id) || charCount(id) > 256) throw new GraphError(131009, 'Button id length invalid. Min length: 1, Max length: 256.');
    if (!isText(title) || charCount(title) > 20) throw new GraphError(131009, 'Button title length invalid. Min length: 1, Max length: 20.');
    return { id, title, kind: 'reply' };
  });
  unique(
    parsed.map((b) => b.title),
    'Button title',
  );
  unique(
    parsed.map((b) => b.id),
    'Button id',
  );
  return parsed;
}

function parseList(action: Json): Pick<OutboundMessage, 'buttons' | 'listLabel'> {
  const label = action.button;
  if (!isText(label) || charCount(label) > 20) throw new GraphError(131009, "Param interactive['action']['button'] must be 1 to 20 characters long.");
  const sections = action.sections;
  if (!Array.isArray(sections) || sections.length < 1 || sections.length > 10)
    throw new GraphError(131009, 'Invalid sections count. Min allowed sections: 1, Max allowed sections: 10.');
  const rows = sections.flatMap((section: unknown) => {
    if (!isObject(section) || !Array.isArray(section.rows) || section.rows.length === 0) throw new GraphError(131009, 'Each section needs at least one row.');
    if (sections.length > 1 && !isText(section.title)) throw new GraphError(131008, 'A section title is required when there is more than one section.');
    return section.rows as unknown[];
  });
  if (rows.length > 10) throw new GraphError(131009, 'Invalid rows count. Max allowed rows: 10.');
  const buttons = rows.map((row): HandsetButton => {
    if (!isObject(row) || !isText(row.id) || charCount(row.id) > 200) throw new GraphError(131009, 'Row id length invalid. Min length: 1, Max length: 200.');
    if (!isText(row.title) || charCount(row.title) > 24) throw new GraphError(131009, 'Row title length invalid. Min length: 1, Max length: 24.');
    const description = optionalText(row, 'description', 'row description');
    maxLength(description, 72, 'row description', 131009);
    return { id: row.id, title: row.title, kind: 'list_row', ...(description ? { description } : {}) };
  });
  unique(
    buttons.map((b) => b.id),
    'Row id',
  );
  return { buttons, listLabel: label };
}

function unique(values: string[], what: string): void {
  if (new Set(values).size !== values.length) throw new GraphError(131009, `${what} is not unique.`);
}
