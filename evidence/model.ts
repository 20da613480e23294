// The evidence of a signing process: one typed, versioned JSON document that the JWS signs, the certificate
// prints and anyone can verify offline. Every field is plain JSON (strings, numbers, booleans, arrays,
// objects — no undefined, no Date) because its RFC 8785 canonical bytes are what is hashed and signed.
//
// Changing the meaning or shape of any field is a new EVIDENCE_VERSION: evidence already issued must keep
// verifying with the code of the version it names. Adding an event type is a new version too (a verifier of
// version 1 must be able to say what every event of a version-1 document means).
//
// Never here: an OTP code or its hash, an API key, a click-to-chat token, the text the customer typed for a
// validation. `verifyEvidence`'s `no_secrets` check looks for them.
import type { MessagingChannel } from '../shared/messaging';
import type { OptInMode, ProcessReason, ProcessStatus } from '../shared/process';

export const EVIDENCE_VERSION = 1;

/** `prevHash` of the first event: the SHA-256 of this string (its hex is GENESIS_HASH in chain.ts). */
export const GENESIS = 'testigo.evidence.v1';

export interface Evidence {
  version: typeof EVIDENCE_VERSION;
  process: {
    id: string;
    reference: string;
    status: ProcessStatus;
    /** why the process ended other than completed; null when completed or still running */
    reason: ProcessReason | null;
    createdAt: string;
    /** when it reached `completed`; null otherwise */
    completedAt: string | null;
  };
  parties: {
    business: { tenantId: string; name: string };
    customer: {
      name: string;
      /** full E.164 as given: for the business this is legal evidence of whom it contracted with, not a log line */
      phone: string;
      /** how the business identified the customer before the process (its own record), or null */
      identification: { level: string; reference?: string } | null;
      channel: 'online' | 'in_person';
    };
  };
  documents: EvidenceDocument[];
  /** in chain order: seq 1..n, `at` non-decreasing */
  events: EvidenceEvent[];
  /** the exported Temporal history this evidence was built from, kept in custody */
  history: HistoryFingerprint;
  /** the seal certificate whose key signs the JWS */
  issuer: { subject: string; certificateSha256: string };
  /**
   * An RFC 3161 time-stamp over the chain head, from the time-stamping authority at TSA_URL; null without one.
   * (Evidence issued before this member existed lacks it: verifiers read a missing member as null.)
   */
  timestamp: EvidenceTimestamp | null;
  issuedAt: string;
}

/**
 * An RFC 3161 time-stamp token over the chain head, inside the evidence so that the JWS signs it too and one file
 * (evidence.json) carries everything a verifier needs, offline.
 *
 * What is time-stamped: the token's messageImprint is SHA-256 with, as hashedMessage, the 32 bytes of the chain
 * head itself (the hex `hash` of the last event, decoded). The chain head is by definition the SHA-256 of the last
 * event's RFC 8785 bytes (without `hash`), and those bytes include `prevHash`: the authority certifies that the last
 * event — and through the links every event before it — existed at `genTime`. A judge checks it with OpenSSL alone:
 *
 *     jq -r .timestamp.timeStampToken evidence.json | base64 -d > timestamp.tst   # or the certificate's attachment
 *     openssl ts -verify -token_in -in timestamp.tst -digest <chain head hex> -CAfile <the TSA's CA>
 *
 * Every other member repeats what the token says, for people reading the JSON; the verifier checks they agree.
 */
export interface EvidenceTimestamp {
  /** the TimeStampToken (a CMS ContentInfo: SignedData over a TSTInfo), DER, standard base64, as the authority sent it */
  timeStampToken: string;
  /** the hashedMessage of its messageImprint (SHA-256), lowercase hex: the chain head */
  imprint: string;
  /** the token's TSTInfo genTime, ISO 8601 UTC */
  genTime: string;
  /** the token's TSTInfo serialNumber, lowercase hex */
  serialNumber: string;
  /** the authority's policy under which the token was issued (TSTInfo policy, an OID) */
  policy: string;
  /** subject of the authority's certificate that signed the token, one line */
  tsa: string;
}

export interface EvidenceDocument {
  id: string;
  name: string;
  /** lowercase hex SHA-256 of the document as uploaded and delivered */
  sha256: string;
  /** lowercase hex SHA-256 of the sealed copy; null when the process ended before sealing */
  signedSha256: string | null;
  size: number;
  pages: number;
}

export interface HistoryFingerprint {
  /** lowercase hex SHA-256 of the exported history JSON bytes as stored in custody */
  sha256: string;
  eventCount: number;
  workflowId: string;
  runId: string;
}

/** Who did what the event records. Receipts of delivery and our own sends are Testigo's; a read is the customer's. */
export type EvidenceActor = 'customer' | 'business' | 'testigo';
export type EvidenceChannel = MessagingChannel | 'api';

/** The fields every event has; `detail` is typed per event type. */
interface Base<T extends string, D extends Detail> {
  /** 1-based position in the chain */
  seq: number;
  /** ISO 8601 UTC, the server's clock (for receipts: see `ReceiptDetail`) */
  at: string;
  type: T;
  channel?: EvidenceChannel;
  actor: EvidenceActor;
  /** the provider's ids of the messages the event is about (wamid…, SM…) */
  providerMessageIds?: string[];
  detail: D;
  /** `hash` of the previous event; the first event's is GENESIS_HASH */
  prevHash: string;
  /** lowercase hex SHA-256 of the RFC 8785 bytes of this event without `hash` */
  hash: string;
}

type Detail = Record<string, string | number | boolean | null | string[] | Array<Record<string, string>>>;
type Empty = Record<string, never>;

/**
 * A template message as the customer saw it: the approved template's text in the customer's language with the
 * process's values in its placeholders. All null (and no buttons) when the message was no template (click-to-chat:
 * the customer writes first) or its text is not known to the builder.
 */
export interface ShownTemplate extends Detail {
  /** the template's language, e.g. "es" */
  language: string | null;
  /** the body, placeholders filled */
  text: string | null;
  footer: string | null;
  /** the quick-reply buttons' texts, in order */
  buttons: string[];
}

/** A receipt's `at` is the provider's time, but never before the send it reports on (provider clocks round to seconds). */
export interface ReceiptDetail extends Detail {
  /** the time exactly as the provider reported it */
  providerAt: string;
}

export type EvidenceEvent =
  // the process
  | Base<'process.created', { reference: string; optInMode: OptInMode; documents: number }>
  | Base<'process.completed', { documents: number }>
  | Base<'process.rejected' | 'process.expired' | 'process.canceled' | 'process.failed', { reason: string }>
  // opt-in
  | Base<'opt_in.requested', { mode: OptInMode; template: string | null } & ShownTemplate>
  | Base<'opt_in.recorded', { collectedAt: string; source: string; text: string }>
  // `button`: the text of the quick reply the customer tapped (WhatsApp mode); null in the other modes
  | Base<'opt_in.accepted', { mode: OptInMode | null; button: string | null }>
  | Base<'opt_in.declined' | 'opt_in.token_refused', Empty>
  // documents and conditions
  | Base<'documents.sent', { round: number; documents: Array<{ id: string; sha256: string }> }>
  | Base<'documents.not_received', { resends: number }>
  | Base<'documents.reviewed', { documents: number }>
  | Base<'conditions.presented' | 'conditions.accepted' | 'conditions.rejected', Empty>
  // consent by one-time code: which code (1st, 2nd… after expiries) and which attempt — never the code
  | Base<'otp.sent', { codeGeneration: number; channels: string }>
  | Base<'otp.verified' | 'otp.attempt_failed', { attempt: number; of: number; codeGeneration: number }>
  | Base<'otp.expired', { codeGeneration: number }>
  | Base<'otp.failed', { reason: string; codeGeneration: number | null }>
  // extra validations: which one and which attempt — never what was typed
  | Base<'validation.requested' | 'validation.failed', { validation: string; index: number }>
  | Base<'validation.passed', { validation: string; index: number; attempt: number }>
  | Base<'validation.attempt_failed', { validation: string; index: number; attempt: number; of: number }>
  | Base<'reminder.sent', { step: string; template: boolean; windowClosed: boolean }>
  // sealing and delivery of the signed copies
  | Base<'document.sealed', { documentId: string; sha256: string; signedSha256: string; level: string }>
  | Base<'signed_documents.delivered', { documents: number }>
  // every message of the conversation, and each of the provider's receipts as an event of its own: dispatched is the
  // provider's `sent` (it passed the message on towards the handset: WhatsApp's single tick, an SMS handed to the
  // carrier), delivered is on the handset, read is opened by the customer (WhatsApp, unless they turned read
  // receipts off), failed is undeliverable
  | Base<'message.sent', { purpose: string }>
  | Base<'message.received', { purpose: string }>
  | Base<'message.dispatched' | 'message.delivered' | 'message.read', ReceiptDetail>
  | Base<'message.failed', ReceiptDetail & { error: string | number | null }>;

export type EvidenceEventType = EvidenceEvent['type'];

/** Omit over each member of a union (the built-in Omit would merge the members). */
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** An event before the chain gives it its place: what `buildEvidenceEvents` returns and `chainEvents` takes. */
export type UnchainedEvidenceEvent = DistributiveOmit<EvidenceEvent, 'seq' | 'prevHash' | 'hash'>;
