// The signing process's interface: input, statuses, events, messages and state. Imported by the
// workflow, the activities, the services and the API (no Node imports: it is bundled into workflow code).
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { MessagingChannel } from './messaging';
import type { Locale, OtpChannel, OtpSend, OtpStatus } from './otp';

export const PROCESS_WORKFLOW = 'processWorkflow';

export type ProcessStatus =
  | 'awaiting_opt_in'
  | 'awaiting_review'
  | 'awaiting_acceptance'
  | 'awaiting_otp'
  | 'awaiting_validation'
  | 'signing'
  | 'completed'
  | 'rejected'
  | 'expired'
  | 'canceled'
  | 'failed';

export const TERMINAL_PROCESS_STATUSES: readonly ProcessStatus[] = ['completed', 'rejected', 'expired', 'canceled', 'failed'];
export const isTerminalProcessStatus = (status: string) => (TERMINAL_PROCESS_STATUSES as readonly string[]).includes(status);

/** Why a process ended other than completed (PRODUCT.md §3.1 plus the failures and expiries it leaves to us). */
export type ProcessReason =
  // rejected
  | 'opt_in_declined'
  | 'conditions_rejected'
  | 'otp_failed'
  | 'validation_failed'
  // expired
  | 'step_timeout'
  | 'process_timeout'
  // canceled
  | 'canceled_by_business'
  // failed
  | 'not_on_whatsapp'
  | 'documents_not_received'
  | 'otp_undeliverable'
  | 'message_rejected'
  | 'sealing_failed';

export type OptInMode = 'whatsapp' | 'recorded' | 'click_to_chat';
export const OPT_IN_MODES: readonly OptInMode[] = ['whatsapp', 'recorded', 'click_to_chat'];

/** The business's own record of consent, kept as evidence (optIn.mode = "recorded"). */
export interface RecordedConsent {
  collectedAt: string;
  source: string;
  text: string;
}

export type ExtraValidation = { type: 'typed_phrase'; phrase: string } | { type: 'id_last_digits'; digits: string };
export const EXTRA_VALIDATION_TYPES = ['typed_phrase', 'id_last_digits'] as const;

/** A document as the workflow knows it: a reference and its hash, never its bytes. */
export interface ProcessDocumentRef {
  id: string;
  name: string;
  sha256: string;
  size: number;
  pages: number;
}

export interface ProcessInput {
  processId: string;
  tenantId: string;
  reference: string;
  /** the business's name as the customer reads it in messages */
  businessName: string;
  customer: { phone: string; name: string; locale: Locale };
  channel: 'online' | 'in_person';
  optIn: { mode: OptInMode; recorded?: RecordedConsent };
  documents: ProcessDocumentRef[];
  otp: { channel: OtpChannel; codeLength: number; maxAttempts: number; ttlSeconds: number; maxNewCodes: number; fallbackAfterSeconds: number };
  extraValidations: ExtraValidation[];
  timeouts: { stepMs: number; processMs: number; reminderMs: number };
  callbackUrl?: string;
}

/** What happened, in order: the process's own account of its history (the evidence is built from the history itself). */
export type ProcessEventType =
  | 'process.created'
  | 'opt_in.requested'
  | 'opt_in.recorded'
  | 'opt_in.accepted'
  | 'opt_in.declined'
  | 'opt_in.token_refused'
  | 'documents.sent'
  | 'documents.not_received'
  | 'documents.reviewed'
  | 'conditions.presented'
  | 'conditions.accepted'
  | 'conditions.rejected'
  | 'otp.sent'
  | 'otp.attempt_failed'
  | 'otp.expired'
  | 'otp.verified'
  | 'otp.failed'
  | 'validation.requested'
  | 'validation.passed'
  | 'validation.attempt_failed'
  | 'validation.failed'
  | 'reminder.sent'
  | 'document.sealed'
  | 'signed_documents.delivered'
  | 'process.completed'
  | 'process.rejected'
  | 'process.expired'
  | 'process.canceled'
  | 'process.failed';

export interface ProcessEvent {
  at: string;
  type: ProcessEventType;
  channel?: MessagingChannel | 'api';
  /** provider message ids the event is about (sent or received) */
  messageIds?: string[];
  /** small, non-secret facts (document id, attempt n of m, reason…); never a code */
  detail?: Record<string, string | number | boolean>;
}

/** Every message of the conversation with its receipts (the certificate lists them). */
export interface ProcessMessage {
  messageId: string;
  direction: 'outbound' | 'inbound';
  channel: MessagingChannel;
  /** what it was: opt_in, document, review_prompt, otp, signed_document, reply… */
  purpose: string;
  at: string;
  /** the furthest delivery status reported (statuses only move forward) and its time */
  status: string;
  statusAt?: string;
  /**
   * Every delivery status the provider reported, each with its time (the first report of each): a read can arrive
   * before its delivered, or alone. Processes recorded before this field keep only status/statusAt.
   */
  receipts?: MessageReceipts;
  error?: number | string;
}

/** The provider's delivery reports of one outbound message, by status: the time it said so (its clock, ISO 8601). */
export type MessageReceipts = Partial<Record<ReceiptStatus, string>>;
export type ReceiptStatus = 'sent' | 'delivered' | 'read' | 'failed';
export const RECEIPT_STATUSES: readonly ReceiptStatus[] = ['sent', 'delivered', 'read', 'failed'];

export interface ProcessDocumentState {
  id: string;
  signedSha256: string | null;
}

export interface ProcessState {
  status: ProcessStatus;
  reason: ProcessReason | null;
  /** the step waiting for the customer, for operators: opt_in, review, acceptance, otp, validation, signing */
  step: string;
  events: ProcessEvent[];
  messages: ProcessMessage[];
  documents: ProcessDocumentState[];
  otp: { status: OtpStatus | null; attemptsRemaining: number | null; sends: OtpSend[]; codes: number };
  /** the evidence in custody, once issued at completion */
  certificate: { certificateSha256: string; evidenceSha256: string; chainHead: string; issuedAt: string } | null;
  /** bumps on every change; projections ignore older versions */
  version: number;
}

export const processStateQuery = defineQuery<ProcessState>('processState');
/** Cancels a process at any step; rejected (no trace in history) once it is terminal. */
export const cancelProcessUpdate = defineUpdate<ProcessState, [{ reason?: string }]>('cancelProcess');

export type ProcessCallbackType = 'process.status_changed' | 'process.completed';

/** Button actions; a payload is `<processId>:<action>` (shared/messaging.ts buttonPayload). */
export const ACTIONS = {
  optInYes: 'optin_yes',
  optInNo: 'optin_no',
  continue: 'continue',
  reviewed: 'reviewed',
  notReceived: 'not_received',
  accept: 'accept',
  reject: 'reject',
  newCode: 'new_code',
} as const;
export type ProcessAction = (typeof ACTIONS)[keyof typeof ACTIONS];

export function processWorkflowId(processId: string): string {
  return `process-${processId}`;
}
