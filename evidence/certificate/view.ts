// What the evidence certificate prints, and nothing else: the renderer's whole input. The gatherer (evidence model →
// view) decides what the words are; the renderer decides only where they go. Keeping the two apart means the
// certificate can be re-laid-out without touching the evidence, and the evidence can grow without touching layout.
//
// Conventions:
// - Instants are ISO 8601 strings (UTC); the renderer prints them in `timeZone` with the zone's abbreviation, so one
//   certificate never mixes zones and a reader on paper knows which one it is.
// - Anything that needs domain knowledge to be put into words (an event, a status, an identification level) arrives
//   already in words, in `locale` (texts.ts has the phrases the gatherer should use).
// - Hashes are full lowercase hex; the renderer decides how to wrap or shorten them (the timeline shortens its row
//   hashes: the attached evidence JSON has them in full).
// - Never a code, a token or a key: the view is printed as is.

export type CertificateLocale = 'es' | 'en';
export const CERTIFICATE_LOCALES: readonly CertificateLocale[] = ['es', 'en'];

export interface CertificateView {
  locale: CertificateLocale;
  /** IANA zone every instant is printed in, e.g. "Europe/Madrid" */
  timeZone: string;
  summary: CertificateSummary;
  parties: CertificateParties;
  documents: CertificateDocument[];
  /** every event of the process, in chain order */
  timeline: TimelineRow[];
  /** absent when the process ended before a code was sent */
  otp: OtpRecord | null;
  optIn: OptInEvidence;
  history: HistoryFingerprint;
  issuer: { subject: string; fingerprint: string };
  /** hash of the last event: the value the JWS and any timestamp vouch for */
  chainHead: string;
  /** the RFC 3161 time-stamp over the chain head; null or absent when the deployment has no TSA */
  timestamp?: ChainTimestamp | null;
  /** the public verification page the QR code leads to */
  verificationUrl: string;
}

export interface CertificateSummary {
  processId: string;
  reference: string;
  /** in words, e.g. "Completado" */
  status: string;
  /** why it ended other than completed, in words (the end of a sentence, e.g. "el cliente rechazó las condiciones"); null when completed or running */
  reason?: string | null;
  createdAt: string;
  /** when it ended: completed, or rejected, expired, canceled or failed (its last process event); null while running */
  completedAt: string | null;
  issuedAt: string;
}

export interface CertificateParties {
  business: { name: string };
  customer: {
    name: string;
    /** as the certificate should show it (E.164, or masked if the business chose so) */
    phone: string;
    /** in words, e.g. "Identificado por la empresa, que autenticó al cliente en sus propios sistemas" */
    identificationLevel: string;
    identificationReference: string | null;
    /** in words: online or in person */
    channel: string;
  };
}

export interface CertificateDocument {
  name: string;
  pages: number;
  /** bytes of the original */
  size: number;
  sha256: string;
  /** null when the process ended before sealing */
  signedSha256: string | null;
  /** "PAdES B-B" or "PAdES B-T"; null when not sealed */
  sealLevel: string | null;
}

export type ReceiptKind = 'sent' | 'delivered' | 'read' | 'failed';

export interface TimelineRow {
  seq: number;
  at: string;
  /** what happened, in words a judge can read, e.g. "El cliente aceptó las condiciones" */
  event: string;
  /** in words, e.g. "WhatsApp", "SMS", "API" */
  channel: string | null;
  providerMessageId: string | null;
  /** the provider's reports on the message, in the order they arrived */
  receipts: Array<{ kind: ReceiptKind; at: string; /** a failure's provider error code */ error?: string }>;
  /** the event's chain hash, full */
  hash: string;
}

export interface OtpRecord {
  /** in words, e.g. "SMS" */
  channel: string;
  sentAt: string;
  verifiedAt: string | null;
  /** the attempt that succeeded (or the last one) and the limit: "attempt 2 of 5" */
  attempt: number;
  maxAttempts: number;
}

export interface OptInEvidence {
  /** in words, e.g. "Consentimiento por WhatsApp" */
  mode: string;
  /** when the customer's consent was recorded (tap, click-to-chat or the business's record) */
  acceptedAt: string | null;
  /** in words: how the customer consented (the button tapped, the message written first, the business's record) */
  how?: string | null;
  /** the opt-in template's body exactly as shown to the customer (WhatsApp mode: the request; recorded mode: the first notice) */
  templateText: string | null;
  /** in words: what the quoted template is, e.g. "Solicitud de consentimiento tal como la vio el cliente en WhatsApp" */
  templateHeading?: string | null;
  /** the template's name and language, e.g. "testigo_opt_in, es" */
  templateName?: string | null;
  templateFooter?: string | null;
  /** its quick-reply buttons, in order */
  templateButtons?: string[];
  /** the business's own record of consent (recorded mode) */
  recorded: { text: string; source: string; collectedAt: string } | null;
}

export interface ChainTimestamp {
  /** the authority's time (TSTInfo genTime) */
  genTime: string;
  /** the authority's certificate subject */
  tsa: string;
  /** the token's serial number, hex */
  serialNumber: string;
}

export interface HistoryFingerprint {
  sha256: string;
  eventCount: number;
  workflowId: string;
  runId: string;
}
