// Definitions shared by the OTP step (workflow code), its activities and the API. No Node imports.
import type { DeliveryStatus } from './delivery-status';

export type OtpChannel = 'sms' | 'whatsapp';
export const OTP_CHANNELS: readonly OtpChannel[] = ['sms', 'whatsapp'];

export type OtpStatus = 'pending' | 'approved' | 'expired' | 'max_attempts_reached' | 'canceled' | 'failed';

export type OtpFallback = 'sms' | 'none';

/** A resend is refused this long after the previous send (429 with Retry-After). */
export const RESEND_COOLDOWN_SECONDS = 30;

export type Locale = 'es' | 'en';
export const LOCALES: readonly Locale[] = ['es', 'en'];

/** One delivery of the code on one channel, as shown in the API's `sends`. */
export interface OtpSend {
  channel: OtpChannel;
  at: string;
  status: string;
  /** provider message id (Twilio SM…, WhatsApp wamid…) */
  messageId?: string;
  /** provider error code when the send failed after acceptance (e.g. 131026) */
  error?: number | string;
}

export interface SendOtpInput {
  /** verification or process id; binds the code hash to it */
  subjectId: string;
  tenantId: string;
  to: string;
  channel: OtpChannel;
  locale: Locale;
  brand?: string;
  codeLength: number;
  /** a code generation: the same generation re-sends the same code */
  generation: number;
  expiresAt: string;
  /**
   * A signing process: the customer types the code in the chat. Before the code goes out, free text from `to` is
   * routed to the calling workflow as its keyed hash (conversation_wait), so no reply can arrive before its route.
   */
  routeReply?: boolean;
  /**
   * The delivery statuses of this send the calling workflow acts on, so only those are signalled to it; the others
   * only move the outbound message's row on (which the read model shows). Absent: every status (a signing process
   * keeps each receipt for its evidence).
   */
  signalledStatuses?: DeliveryStatus[];
}

export interface SendOtpResult {
  /** keyed hash of the code (never the code) */
  codeHash: string;
  send: OtpSend;
}

/** The outcome of one check, as the API returns it. */
export interface OtpCheckResult {
  valid: boolean;
  status: OtpStatus;
  attemptsRemaining: number;
}
