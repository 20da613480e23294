// The public representation of a signing process (API responses and callbacks): masked phone, no
// secrets, documents by hash.
import type { EvidenceBundle, Process, ProcessDocument } from '../prisma/generated/client';
import type { ProcessEvent, ProcessMessage, ProcessReason, ProcessStatus } from '../shared/process';
import { maskPhone } from './phone';

export interface ProcessView {
  id: string;
  reference: string;
  status: ProcessStatus;
  reason: ProcessReason | null;
  step: string;
  createdAt: string;
  updatedAt: string;
  completedAt: string | null;
  channel: string;
  customer: { phone: string; name: string; locale: string; identification: { level: string; reference?: string } | null };
  /** link and qr: click_to_chat, in the creation response only (the token is kept hashed) */
  optIn: { mode: string; link?: string; qr?: { png: string; svg: string } };
  documents: Array<{ id: string; name: string; sha256: string; size: number; pages: number; signedSha256: string | null }>;
  events: ProcessEvent[];
  /** every message with its delivery receipts (WhatsApp ids; SMS ids for codes) */
  messages: ProcessMessage[];
  otp: { channel: string; attemptsRemaining: number | null; codes: number };
  /** the evidence certificate, once issued (at completion) */
  certificate: { url: string; evidenceUrl: string; sha256: string; evidenceSha256: string; chainHead: string; issuedAt: string } | null;
}

export function presentProcess(row: Process & { documents: ProcessDocument[]; evidence?: EvidenceBundle | null }): ProcessView {
  const settings = row.settings as { otp?: { channel?: string } };
  const otp = (row.otp ?? {}) as { attemptsRemaining?: number | null; codes?: number };
  return {
    id: row.id,
    reference: row.reference,
    status: row.status as ProcessStatus,
    reason: (row.reason ?? null) as ProcessReason | null,
    step: row.step,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    completedAt: row.completedAt?.toISOString() ?? null,
    channel: row.channel,
    customer: {
      phone: maskPhone(row.customerPhone),
      name: row.customerName,
      locale: row.locale,
      identification: (row.identification ?? null) as ProcessView['customer']['identification'],
    },
    optIn: { mode: row.optInMode },
    documents: [...row.documents]
      .sort((a, b) => a.position - b.position)
      .map((d) => ({ id: d.id, name: d.name, sha256: d.sha256, size: d.size, pages: d.pages, signedSha256: d.signedSha256 })),
    events: row.events as unknown as ProcessEvent[],
    messages: row.messages as unknown as ProcessMessage[],
    otp: { channel: settings.otp?.channel ?? 'sms', attemptsRemaining: otp.attemptsRemaining ?? null, codes: otp.codes ?? 0 },
    certificate: row.evidence
      ? {
          url: `/v1/processes/${row.id}/certificate`,
          evidenceUrl: `/v1/processes/${row.id}/evidence`,
          sha256: row.evidence.certificateSha256,
          evidenceSha256: row.evidence.evidenceSha256,
          chainHead: row.evidence.chainHead,
          issuedAt: row.evidence.issuedAt.toISOString(),
        }
      : null,
  };
}
