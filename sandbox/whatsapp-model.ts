// The emulator's vocabulary: a validated outbound request, and a message as the handset holds it.

export type WhatsAppStatus = 'accepted' | 'sent' | 'delivered' | 'read' | 'failed';

/** free-form messages are `service`; templates are billed by their category */
export type PricingCategory = 'authentication' | 'utility' | 'marketing' | 'service';

export interface HandsetButton {
  /** what a tap sends back: quick-reply payload, reply id or list row id */
  id: string;
  title: string;
  kind: 'quick_reply' | 'reply' | 'list_row' | 'copy_code';
  description?: string;
  /** copy-code buttons copy this to the clipboard instead of sending anything */
  copyCode?: string;
}

export interface MediaRef {
  kind: 'document' | 'image';
  /** uploaded media id, or a link Meta fetches when it sends */
  id?: string;
  link?: string;
  filename?: string;
  caption?: string;
}

/** A send request that passed validation. */
export interface OutboundMessage {
  to: string;
  waId: string;
  type: 'text' | 'template' | 'interactive' | 'document' | 'image';
  category: PricingCategory;
  text?: string;
  buttons?: HandsetButton[];
  /** label of the button that opens an interactive list */
  listLabel?: string;
  media?: MediaRef;
  contextId?: string;
  bizOpaqueCallbackData?: string;
}

export interface HandsetMedia {
  mediaId: string;
  mimeType: string;
  /** hex */
  sha256: string;
  filename?: string;
  caption?: string;
}

/** One bubble of a handset's chat with the business. */
export interface HandsetMessage {
  /** wamid */
  id: string;
  /** the handset, E.164 */
  phone: string;
  phoneNumberId: string;
  from: 'business' | 'customer';
  type: 'text' | 'template' | 'interactive' | 'document' | 'image' | 'button';
  text?: string;
  buttons?: HandsetButton[];
  listLabel?: string;
  document?: HandsetMedia;
  image?: HandsetMedia;
  /** the message this one replies to */
  contextId?: string;
  at: string;
  status: WhatsAppStatus;
  error?: { code: number; title: string };
}

/** Bytes kept for a media id (uploads, fetched links, customer attachments). */
export interface MediaMeta {
  id: string;
  phoneNumberId: string;
  mimeType: string;
  sha256: string;
  fileSize: number;
  filename?: string;
  createdAt: string;
}

export function waIdOf(phone: string): string {
  return phone.replace(/^\+/, '');
}

export function phoneOf(waId: string): string {
  return `+${waId.replace(/^\+/, '')}`;
}
