// The gather step: the evidence document (evidence/model.ts) put into the certificate's words (view.ts). Every word
// comes from texts.ts; what the evidence does not record is left empty the way the view allows, never made up.
//
// Timeline: one row per evidence event, in chain order, except the provider's receipts (message.dispatched,
// message.delivered, message.read, message.failed): those are folded into the row of the message.sent event with the same provider
// message id, as the receipts of that message (a receipt whose send is not in the evidence keeps a row of its own).
import { GENESIS_HASH } from '../chain';
import type { Evidence, EvidenceChannel, EvidenceEvent } from '../model';
import type { ProcessEventType } from '../../shared/process';
import {
  contractingChannelWords,
  eventPhrase,
  identificationWords,
  label,
  messagePhrase,
  optInHowWords,
  optInModeWords,
  otpFailureWords,
  reasonWords,
  statusWords,
  validationWords,
  type EventFacts,
} from './texts';
import type { CertificateDocument, CertificateView, OptInEvidence, OtpRecord, ReceiptKind, TimelineRow } from './view';

export interface GatherOptions {
  locale: 'es' | 'en';
  /** IANA zone the dates are printed in, e.g. 'Europe/Madrid' */
  timeZone: string;
  /** the public verification page for this certificate (printed beside the QR code) */
  verificationUrl: string;
  /** the business's display name (the evidence has tenantId + name already; use it unless this overrides) */
  businessName?: string;
  /** PAdES level of each sealed document, by document id ('B-B' | 'B-T'); default from the document.sealed events */
  sealLevels?: Record<string, 'B-B' | 'B-T'>;
}

// Proper names of channels and standards: the same in every language, so not in texts.ts.
const CHANNEL_NAMES: Record<EvidenceChannel, string> = { whatsapp: 'WhatsApp', sms: 'SMS', api: 'API' };
const PADES = 'PAdES';

const RECEIPT_KINDS: Partial<Record<EvidenceEvent['type'], ReceiptKind>> = {
  'message.dispatched': 'sent',
  'message.delivered': 'delivered',
  'message.read': 'read',
  'message.failed': 'failed',
};

/** The events that end a process other than completed. */
const ENDINGS = new Set<EvidenceEvent['type']>(['process.rejected', 'process.expired', 'process.canceled', 'process.failed']);

// (an intersection, not Extract: some members carry two types, e.g. otp.verified | otp.attempt_failed)
type Of<T extends EvidenceEvent['type']> = EvidenceEvent & { type: T };
const is = <T extends EvidenceEvent['type']>(event: EvidenceEvent, type: T): event is Of<T> => event.type === type;
const last = <T>(items: readonly T[]): T | undefined => items[items.length - 1];

export function certificateViewOf(evidence: Evidence, options: GatherOptions): CertificateView {
  const { locale } = options;
  const { process, parties, events } = evidence;
  const customer = parties.customer;
  return {
    locale,
    timeZone: options.timeZone,
    summary: {
      processId: process.id,
      reference: process.reference,
      status: statusWords(locale, process.status),
      reason: process.reason ? reasonWords(locale, process.reason) : null,
      createdAt: process.createdAt,
      completedAt: process.completedAt ?? events.find((e) => ENDINGS.has(e.type))?.at ?? null,
      issuedAt: evidence.issuedAt,
    },
    parties: {
      business: { name: options.businessName ?? parties.business.name },
      customer: {
        name: customer.name,
        phone: customer.phone,
        // PRODUCT.md's levels in words; a level of the business's own is printed as recorded
        identificationLevel: customer.identification ? identificationWords(locale, customer.identification.level) : label(locale, 'notStated'),
        identificationReference: customer.identification?.reference ?? null,
        channel: contractingChannelWords(locale, customer.channel),
      },
    },
    documents: documentsOf(evidence, options),
    timeline: timelineOf(evidence, locale),
    otp: otpOf(events),
    optIn: optInOf(events, locale),
    history: { ...evidence.history },
    issuer: { subject: evidence.issuer.subject, fingerprint: evidence.issuer.certificateSha256 },
    chainHead: last(events)?.hash ?? GENESIS_HASH,
    timestamp: evidence.timestamp ? { genTime: evidence.timestamp.genTime, tsa: evidence.timestamp.tsa, serialNumber: evidence.timestamp.serialNumber } : null,
    verificationUrl: options.verificationUrl,
  };
}

function documentsOf(evidence: Evidence, options: GatherOptions): CertificateDocument[] {
  const sealed = new Map(evidence.events.filter((e) => is(e, 'document.sealed')).map((e) => [e.detail.documentId, e.detail.level]));
  return evidence.documents.map((d) => {
    const level = d.signedSha256 === null ? null : (options.sealLevels?.[d.id] ?? sealed.get(d.id) ?? null);
    return {
      name: d.name,
      pages: d.pages,
      size: d.size,
      sha256: d.sha256,
      signedSha256: d.signedSha256,
      sealLevel: level === null ? null : `${PADES} ${level}`,
    };
  });
}

function channelWords(channel: string | undefined): string | null {
  if (!channel) return null;
  return channel
    .split(',')
    .map((c) => CHANNEL_NAMES[c.trim() as EvidenceChannel] ?? c.trim())
    .join(' + ');
}

function timelineOf(evidence: Evidence, locale: 'es' | 'en'): TimelineRow[] {
  const names = new Map(evidence.documents.map((d) => [d.id, d.name]));
  const rows: TimelineRow[] = [];
  /** the message.sent row of each provider message id */
  const sentRows = new Map<string, TimelineRow>();
  for (const event of evidence.events) {
    const kind = RECEIPT_KINDS[event.type];
    const messageId = event.providerMessageIds?.[0];
    const sentRow = messageId === undefined ? undefined : sentRows.get(messageId);
    if (kind && sentRow) {
      const error = kind === 'failed' ? (event.detail as { error?: unknown }).error : undefined;
      sentRow.receipts.push({ kind, at: event.at, ...(error !== undefined && error !== null ? { error: String(error) } : {}) });
      continue;
    }
    const row: TimelineRow = {
      seq: event.seq,
      at: event.at,
      event: phraseOf(event, locale, names, evidence.documents.length),
      channel: channelWords(event.channel),
      providerMessageId: event.providerMessageIds?.length ? event.providerMessageIds.join(', ') : null,
      receipts: [],
      hash: event.hash,
    };
    if (is(event, 'message.sent') && messageId !== undefined) sentRows.set(messageId, row);
    rows.push(row);
  }
  return rows;
}

/** The event in words; an unmatched receipt has none (its row carries the channel, the message id and the hash). */
function phraseOf(event: EvidenceEvent, locale: 'es' | 'en', names: Map<string, string>, documentCount: number): string {
  if (event.type === 'message.sent' || event.type === 'message.received') {
    const purpose = (event.detail as { purpose?: unknown }).purpose;
    return messagePhrase(locale, event.type === 'message.sent' ? 'sent' : 'received', typeof purpose === 'string' ? purpose : undefined);
  }
  if (event.type.startsWith('message.')) return '';
  return eventPhrase(locale, event.type as ProcessEventType, factsOf(event, locale, names, documentCount));
}

function factsOf(event: EvidenceEvent, locale: 'es' | 'en', names: Map<string, string>, documentCount: number): EventFacts {
  const onlyDocument = documentCount === 1 ? [...names.values()][0] : undefined;
  switch (event.type) {
    case 'documents.sent': {
      // the phrase names one document: with several sent at once it names none (the documents section lists them)
      const [only, ...more] = event.detail.documents;
      return only && more.length === 0 ? { document: names.get(only.id) } : {};
    }
    case 'document.sealed':
      return { document: names.get(event.detail.documentId) };
    case 'signed_documents.delivered':
      return event.detail.documents === 1 && onlyDocument ? { document: onlyDocument } : {};
    case 'otp.sent':
      return { channel: channelWords(event.detail.channels) ?? undefined };
    case 'opt_in.accepted':
      return typeof event.detail.button === 'string' ? { button: event.detail.button } : {};
    case 'otp.verified':
    case 'otp.attempt_failed':
    case 'validation.attempt_failed':
      return { attempt: event.detail.attempt, maxAttempts: event.detail.of };
    case 'validation.passed':
      return { attempt: event.detail.attempt };
    case 'validation.requested':
      return { validation: validationWords(locale, event.detail.validation) };
    case 'otp.failed':
      return { reason: otpFailureWords(locale, event.detail.reason) };
    case 'process.rejected':
    case 'process.expired':
    case 'process.failed':
      return { reason: reasonWords(locale, event.detail.reason) };
    default:
      // (opt_in.requested among them: its phrase already says WhatsApp, a channel fact would say it twice)
      return {};
  }
}

/**
 * The code that counted: the verified one, else the last one sent. Its channel and send time come from the otp.sent
 * of its generation; the attempt n of m from otp.verified, else the last otp.attempt_failed. With no attempt at all
 * the evidence does not say the limit, and the record says 0 of 0.
 */
function otpOf(events: readonly EvidenceEvent[]): OtpRecord | null {
  const sends = events.filter((e) => is(e, 'otp.sent'));
  if (sends.length === 0) return null;
  const verified = events.find((e) => is(e, 'otp.verified'));
  const send = (verified && sends.find((s) => s.detail.codeGeneration === verified.detail.codeGeneration)) ?? last(sends)!;
  const attempt = verified ?? last(events.filter((e) => is(e, 'otp.attempt_failed')));
  return {
    channel: channelWords(send.detail.channels) ?? '',
    sentAt: send.at,
    verifiedAt: verified?.at ?? null,
    attempt: attempt?.detail.attempt ?? 0,
    maxAttempts: attempt?.detail.of ?? 0,
  };
}

/**
 * The consent: its mode and how it was given, in words; the business's record (recorded mode); and the template as the
 * customer saw it — the request (WhatsApp mode) or the first notice (recorded mode), the first one sent (a reminder
 * re-sends the same text). Evidence without the text (issued before it was recorded) quotes nothing.
 */
function optInOf(events: readonly EvidenceEvent[], locale: 'es' | 'en'): OptInEvidence {
  const created = events.find((e) => is(e, 'process.created'));
  const requested = events.find((e) => is(e, 'opt_in.requested'));
  const accepted = events.find((e) => is(e, 'opt_in.accepted'));
  const recorded = events.find((e) => is(e, 'opt_in.recorded'));
  const mode = created?.detail.optInMode ?? requested?.detail.mode ?? accepted?.detail.mode ?? (recorded ? 'recorded' : null);
  const shown = typeof requested?.detail.text === 'string' ? requested.detail : null;
  const button = typeof accepted?.detail.button === 'string' ? accepted.detail.button : undefined;
  return {
    mode: mode ? optInModeWords(locale, mode) : '',
    how: mode && (accepted || recorded) ? optInHowWords(locale, mode, { button }) : null,
    acceptedAt: accepted?.at ?? recorded?.at ?? null,
    templateText: shown?.text ?? null,
    templateHeading: shown ? label(locale, mode === 'recorded' ? 'optInNoticeShown' : 'optInRequestShown') : null,
    templateName: shown && shown.template ? [shown.template, shown.language].filter(Boolean).join(', ') : null,
    templateFooter: shown?.footer ?? null,
    templateButtons: shown ? [...(shown.buttons ?? [])] : [],
    recorded: recorded ? { text: recorded.detail.text, source: recorded.detail.source, collectedAt: recorded.detail.collectedAt } : null,
  };
}
