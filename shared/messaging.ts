// Normalised provider events, as the webhook handlers hand them to the ingestion service and as
// workflows receive them in signals. No Node imports (bundled into workflow code). The rules of how
// delivery statuses advance are in delivery-status.ts.
import { defineSignal } from '@temporalio/workflow';
import type { DeliveryStatus } from './delivery-status';

export type MessagingChannel = 'whatsapp' | 'sms';

export interface ProviderErrorInfo {
  code: number | string;
  title?: string;
  details?: string;
}

/** A status change of a message we sent. */
export interface StatusEvent {
  kind: 'status';
  channel: MessagingChannel;
  provider: string;
  /** unique per provider event: redeliveries carry the same key */
  eventKey: string;
  /** the provider's id of our outbound message (wamid…, SM…) */
  messageId: string;
  status: DeliveryStatus;
  at: string;
  recipient?: string;
  errors?: ProviderErrorInfo[];
  /** biz_opaque_callback_data echoed by Meta */
  correlationId?: string;
}

export type InboundType = 'text' | 'button' | 'interactive' | 'document' | 'image' | 'unsupported';

/** A message the customer sent us. */
export interface InboundEvent {
  kind: 'message';
  channel: MessagingChannel;
  provider: string;
  eventKey: string;
  messageId: string;
  /** E.164 with + */
  from: string;
  /** our business number / phone number id that received it */
  to: string;
  type: InboundType;
  at: string;
  text?: string;
  /** quick-reply payload or reply-button / list id */
  buttonPayload?: string;
  buttonTitle?: string;
  /** the message this one replies to (context.id) */
  contextId?: string;
  document?: { mediaId: string; filename?: string; mimeType?: string; sha256?: string };
  image?: { mediaId: string; mimeType?: string; sha256?: string };
}

export type ProviderEvent = StatusEvent | InboundEvent;

/** The form in which an inbound message reaches a workflow: free text only as a keyed hash, unless the workflow asked for text. */
export interface InboundSignal {
  messageId: string;
  from: string;
  type: InboundType;
  at: string;
  buttonPayload?: string;
  contextId?: string;
  /** keyed hash of the text bound to the workflow's subject (how an OTP typed in chat arrives) */
  textHash?: string;
  text?: string;
  document?: InboundEvent['document'];
  /** the text carried the one-time click-to-chat token of the process it was routed to (the token itself stays out) */
  optInToken?: boolean;
}

export interface StatusSignal {
  messageId: string;
  status: DeliveryStatus;
  at: string;
  channel: MessagingChannel;
  errors?: ProviderErrorInfo[];
}

export const messageStatusSignal = defineSignal<[StatusSignal]>('messageStatus');
export const inboundMessageSignal = defineSignal<[InboundSignal]>('inboundMessage');

/** Button payloads name their subject so a tap is routed to the right process: `<subjectId>:<action>`. */
export function buttonPayload(subjectId: string, action: string): string {
  return `${subjectId}:${action}`;
}

export function parseButtonPayload(payload: string): { subjectId: string; action: string } | undefined {
  const i = payload.lastIndexOf(':');
  if (i <= 0 || i === payload.length - 1) return undefined;
  return { subjectId: payload.slice(0, i), action: payload.slice(i + 1) };
}

/** The workflow that owns a subject: verifications and signing processes are one workflow each. */
export function workflowIdForSubject(subjectId: string): string | undefined {
  if (subjectId.startsWith('ver_')) return `verification-${subjectId}`;
  if (subjectId.startsWith('prc_')) return `process-${subjectId}`;
  return undefined;
}
