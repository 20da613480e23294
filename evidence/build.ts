// Assembles the evidence document from the process as recorded (its state at completion, as exported from
// its history) and the facts only the caller has (parties, documents, the history's fingerprint, the issuer).
// Status, reason, completion time and signed hashes come from the recorded state, never from the caller,
// so the evidence cannot say something the process did not record.
import type { ProcessDocumentRef, ProcessState } from '../shared/process';
import { chainEvents } from './chain';
import { buildEvidenceEvents, EvidenceBuildError, type TemplateTexts } from './from-process';
import { EVIDENCE_VERSION, type Evidence, type HistoryFingerprint } from './model';

export interface EvidenceSource {
  process: { id: string; reference: string; createdAt: string };
  parties: Evidence['parties'];
  /** the documents as the process was started with them */
  documents: ProcessDocumentRef[];
  state: Pick<ProcessState, 'status' | 'reason' | 'events' | 'messages' | 'documents'>;
  history: HistoryFingerprint;
  issuer: Evidence['issuer'];
  issuedAt: string;
  /** the texts of the templates the process sent, as the customer saw them (see TemplateTexts) */
  templates?: TemplateTexts;
}

/** @throws EvidenceBuildError when the state cannot be read as evidence (see buildEvidenceEvents) */
export function buildEvidence(source: EvidenceSource): Evidence {
  const { state } = source;
  const signed = new Map(state.documents.map((d) => [d.id, d.signedSha256]));
  const completed = state.events.find((e) => e.type === 'process.completed');
  if ((state.status === 'completed') !== (completed !== undefined)) {
    throw new EvidenceBuildError(`status ${state.status} disagrees with the recorded events`);
  }
  return {
    version: EVIDENCE_VERSION,
    process: {
      id: source.process.id,
      reference: source.process.reference,
      status: state.status,
      reason: state.reason,
      createdAt: new Date(source.process.createdAt).toISOString(),
      completedAt: completed ? new Date(completed.at).toISOString() : null,
    },
    parties: source.parties,
    documents: source.documents.map((d) => ({
      id: d.id,
      name: d.name,
      sha256: d.sha256,
      signedSha256: signed.get(d.id) ?? null,
      size: d.size,
      pages: d.pages,
    })),
    events: chainEvents(buildEvidenceEvents(state, { templates: source.templates })),
    history: source.history,
    issuer: source.issuer,
    // requested over the chain head once the evidence is built (timestamp.ts: withTimestamp)
    timestamp: null,
    issuedAt: new Date(source.issuedAt).toISOString(),
  };
}
