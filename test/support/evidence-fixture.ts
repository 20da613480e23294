// A realistic signing process as the workflow records it (workflows/steps/*): the events and messages with their
// receipts of a completed process, and of one that ended early, plus what the evidence builder needs beside them.
// Shared by the evidence core's tests (test/unit/evidence.test.ts) and the certificate's (certificate-*.test.ts).
import { createHash } from 'node:crypto';
import { historyFingerprint, type EvidenceSource } from '../../evidence';
import type { ProcessDocumentRef, ProcessEvent, ProcessMessage } from '../../shared/process';

export const sha = (s: string) => createHash('sha256').update(s).digest('hex');

export const PROCESS_ID = 'prc_01JD8K3M2A';
export const REFERENCE = 'C-2026-0042';

export const DOCS: ProcessDocumentRef[] = [
  { id: 'doc_01JD8K3N5Q', name: 'Contrato de préstamo.pdf', sha256: sha('contract bytes'), size: 48213, pages: 3 },
  { id: 'doc_01JD8K3N5R', name: 'Condiciones generales.pdf', sha256: sha('conditions bytes'), size: 20117, pages: 2 },
];
export const SIGNED = [sha('sealed contract'), sha('sealed conditions')];

/** An instant of the fixture's day: t('01:31.000') is 2026-11-30T10:01:31.000Z. */
export const t = (hms: string) => `2026-11-30T10:${hms}Z`;

export const out = (
  messageId: string,
  purpose: string,
  at: string,
  status = 'accepted',
  statusAt?: string,
  channel: 'whatsapp' | 'sms' = 'whatsapp',
): ProcessMessage => ({
  messageId,
  direction: 'outbound',
  channel,
  purpose,
  at,
  status,
  ...(statusAt ? { statusAt } : {}),
});

export const inb = (messageId: string, purpose: string, at: string): ProcessMessage => ({
  messageId,
  direction: 'inbound',
  channel: 'whatsapp',
  purpose,
  at,
  status: 'received',
});

export type RecordedState = EvidenceSource['state'];

/**
 * WhatsApp opt-in, two documents, review, acceptance, an SMS code typed wrong once then right, a typed phrase, both
 * documents sealed (B-B, then B-T) and delivered, the process completed; every outbound message with its receipts.
 */
export function completedState(): RecordedState {
  const events: ProcessEvent[] = [
    { at: t('00:00.000'), type: 'process.created', channel: 'api', detail: { reference: REFERENCE, optIn: 'whatsapp', documents: 2 } },
    {
      at: t('00:00.210'),
      type: 'opt_in.requested',
      channel: 'whatsapp',
      messageIds: ['wamid.OPTIN'],
      detail: { mode: 'whatsapp', template: 'testigo_opt_in' },
    },
    { at: t('00:12.340'), type: 'opt_in.accepted', channel: 'whatsapp', messageIds: ['wamid.IN1'] },
    {
      at: t('00:13.500'),
      type: 'documents.sent',
      channel: 'whatsapp',
      messageIds: ['wamid.DOC1', 'wamid.DOC2'],
      detail: { round: 0, documents: DOCS.map((d) => `${d.id}:${d.sha256}`).join(',') },
    },
    { at: t('01:00.200'), type: 'documents.reviewed', channel: 'whatsapp', messageIds: ['wamid.IN2'], detail: { documents: 2 } },
    { at: t('01:00.600'), type: 'conditions.presented', channel: 'whatsapp', messageIds: ['wamid.ACCEPT'] },
    { at: t('01:30.150'), type: 'conditions.accepted', channel: 'whatsapp', messageIds: ['wamid.IN3'] },
    { at: t('01:31.000'), type: 'otp.sent', channel: 'sms', messageIds: ['SM6f1c0a'], detail: { code: 1, channels: 'sms' } },
    { at: t('01:50.300'), type: 'otp.attempt_failed', messageIds: ['wamid.IN4'], detail: { attempt: 1, of: 5, code: 1 } },
    { at: t('02:05.300'), type: 'otp.verified', channel: 'sms', messageIds: ['wamid.IN5'], detail: { attempt: 2, of: 5, code: 1 } },
    { at: t('02:06.000'), type: 'validation.requested', channel: 'whatsapp', detail: { type: 'typed_phrase', index: 0 } },
    { at: t('02:20.400'), type: 'validation.passed', channel: 'whatsapp', messageIds: ['wamid.IN6'], detail: { type: 'typed_phrase', index: 0, attempt: 1 } },
    { at: t('02:21.100'), type: 'document.sealed', detail: { documentId: DOCS[0].id, sha256: DOCS[0].sha256, signedSha256: SIGNED[0], level: 'B-B' } },
    { at: t('02:21.300'), type: 'document.sealed', detail: { documentId: DOCS[1].id, sha256: DOCS[1].sha256, signedSha256: SIGNED[1], level: 'B-T' } },
    { at: t('02:22.400'), type: 'signed_documents.delivered', channel: 'whatsapp', messageIds: ['wamid.SIGNED1', 'wamid.SIGNED2'], detail: { documents: 2 } },
    { at: t('02:22.800'), type: 'process.completed', detail: { documents: 2 } },
  ];
  const messages: ProcessMessage[] = [
    out('wamid.OPTIN', 'opt_in', t('00:00.210'), 'read', t('00:05')),
    inb('wamid.IN1', 'reply', t('00:12')),
    // the provider's delivered (whole seconds) is earlier than our record of the send: clamped
    out('wamid.DOC1', 'document', t('00:13.100'), 'delivered', t('00:13')),
    out('wamid.DOC2', 'document', t('00:13.500'), 'delivered', t('00:14')),
    out('wamid.REVIEW', 'review_prompt', t('00:13.800'), 'read', t('00:20')),
    inb('wamid.IN2', 'reply', t('01:00')),
    out('wamid.ACCEPT', 'acceptance_prompt', t('01:00.600'), 'read', t('01:10')),
    inb('wamid.IN3', 'reply', t('01:30')),
    out('SM6f1c0a', 'otp', t('01:31.000'), 'delivered', t('01:33'), 'sms'),
    out('wamid.OTPPROMPT', 'otp_prompt', t('01:31.400'), 'delivered', t('01:32')),
    inb('wamid.IN4', 'text', t('01:50')),
    { ...out('wamid.WRONG', 'otp_wrong', t('01:50.700'), 'failed', t('01:51')), error: 131049 },
    inb('wamid.IN5', 'text', t('02:05')),
    out('wamid.VALPROMPT', 'validation_prompt', t('02:06.000')),
    inb('wamid.IN6', 'text', t('02:20')),
    out('wamid.INTRO', 'signed_intro', t('02:21.500'), 'delivered', t('02:22')),
    out('wamid.SIGNED1', 'signed_document', t('02:22.000'), 'delivered', t('02:23')),
    out('wamid.SIGNED2', 'signed_document', t('02:22.400'), 'read', t('02:30')),
    out('wamid.DONE', 'completed', t('02:22.800'), 'delivered', t('02:24')),
  ];
  return { status: 'completed', reason: null, events, messages, documents: DOCS.map((d, i) => ({ id: d.id, signedSha256: SIGNED[i] })) };
}

/** Consent recorded by the business, one document sent, then the customer went silent: no code, nothing sealed. */
export function expiredRecordedState(): RecordedState {
  return {
    status: 'expired',
    reason: 'step_timeout',
    events: [
      { at: t('00:00.000'), type: 'process.created', channel: 'api', detail: { reference: 'C-2026-0043', optIn: 'recorded', documents: 1 } },
      {
        at: t('00:00.100'),
        type: 'opt_in.recorded',
        channel: 'api',
        detail: { collectedAt: '2026-11-02T09:00:00.000Z', source: 'Formulario web 2026/11', text: 'Acepto recibir mi contrato por WhatsApp.' },
      },
      {
        at: t('00:01.000'),
        type: 'documents.sent',
        channel: 'whatsapp',
        messageIds: ['wamid.D1'],
        detail: { round: 0, documents: `${DOCS[0].id}:${DOCS[0].sha256}` },
      },
      { at: t('59:00.000'), type: 'process.expired', detail: { reason: 'step_timeout' } },
    ],
    messages: [out('wamid.D1', 'document', t('00:01.000'), 'delivered', t('00:02'))],
    documents: [{ id: DOCS[0].id, signedSha256: null }],
  };
}

/** The state with every time moved so that its last one is `msBeforeNow` ago (a real TSA's genTime is now). */
export function recent(state: RecordedState, msBeforeNow = 60_000): RecordedState {
  const times = [...state.events.map((e) => e.at), ...state.messages.flatMap((m) => [m.at, m.statusAt ?? m.at])].map((at) => Date.parse(at));
  const shift = Date.now() - msBeforeNow - Math.max(...times);
  const move = (iso: string) => new Date(Date.parse(iso) + shift).toISOString();
  return {
    ...state,
    events: state.events.map((e) => ({ ...e, at: move(e.at) })),
    messages: state.messages.map((m) => ({
      ...m,
      at: move(m.at),
      ...(m.statusAt ? { statusAt: move(m.statusAt) } : {}),
      ...(m.receipts ? { receipts: Object.fromEntries(Object.entries(m.receipts).map(([kind, at]) => [kind, move(at)])) } : {}),
    })),
  };
}

/** A minimal exported history (three events, ids 1..3). */
export const HISTORY = new TextEncoder().encode(
  JSON.stringify({
    events: [
      { eventId: '1', eventType: 'EVENT_TYPE_WORKFLOW_EXECUTION_STARTED' },
      { eventId: '2', eventType: 'EVENT_TYPE_WORKFLOW_TASK_SCHEDULED' },
      { eventId: '3', eventType: 'EVENT_TYPE_WORKFLOW_TASK_STARTED' },
    ],
  }),
);
export const RUN_ID = '0193a7c2-5a1e-7d2b-9f00-4c1b2e3d4f5a';

export interface SourceOptions {
  state?: RecordedState;
  processId?: string;
  reference?: string;
  documents?: ProcessDocumentRef[];
  /** the seal certificate's issuer facts; a made-up one when the test does not sign */
  issuer?: EvidenceSource['issuer'];
  issuedAt?: string;
}

/** What buildEvidence takes for the fixture process (a completed one unless `state` says otherwise). */
export function evidenceSource(options: SourceOptions = {}): EvidenceSource {
  const processId = options.processId ?? PROCESS_ID;
  const state = options.state ?? completedState();
  return {
    process: { id: processId, reference: options.reference ?? REFERENCE, createdAt: state.events[0]?.at ?? t('00:00.000') },
    parties: {
      business: { tenantId: 'ten_default', name: 'Acme Seguros' },
      customer: { name: 'Ana García Núñez', phone: '+34600111222', identification: { level: 'identified', reference: 'crm-889' }, channel: 'online' },
    },
    documents: options.documents ?? DOCS,
    state,
    history: historyFingerprint(HISTORY, { workflowId: `process-${processId}`, runId: RUN_ID }),
    issuer: options.issuer ?? { subject: 'CN=Testigo Development Seal, O=Testigo, C=ES', certificateSha256: sha('seal certificate') },
    issuedAt: options.issuedAt ?? '2026-11-30T10:02:25.000Z',
  };
}
