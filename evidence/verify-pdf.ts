// Verifies a PDF someone holds — an evidence certificate or a sealed contract — offline, with named checks, for
// POST /v1/evidence/verify, the public verification page and `testigo verify`:
//
//   certificate      the PAdES seal (pdf-seal.ts); the attached evidence.json and evidence.jws (certificate_attachments);
//                    every check of verifyEvidence on them; the seal made by the certificate the evidence names as its
//                    issuer (certificate_sealed_by_issuer); and, when the caller expects a process, that it is this
//                    process's (process_matches).
//   sealed document  the PAdES seal; and when evidence is at hand (the API finds it by the document's hash, the CLI
//                    reads it from a certificate given beside), that evidence lists this exact file as a sealed
//                    document (document_in_evidence) and verifies.
//
// Without a JWKS the key is the one the JWS's own x5c certifies; that is only as good as the certificate chain check,
// which is why a verifier given no trusted CA says so in its detail (certificate_chain: "not anchored").
import { createHash, X509Certificate } from 'node:crypto';
import { PDF } from '@libpdf/core';
import { jwks as jwksOf, type Jwks } from './jws';
import type { Evidence } from './model';
import { verifyPdfSeal, type SealCheckName } from './pdf-seal';
import { verifyEvidence, type CheckName } from './verify';

export const EVIDENCE_ATTACHMENT = 'evidence.json';
export const JWS_ATTACHMENT = 'evidence.jws';

export type PdfCheckName =
  | CheckName
  | SealCheckName
  | 'pdf_readable'
  | 'certificate_attachments'
  | 'certificate_sealed_by_issuer'
  | 'process_matches'
  | 'document_in_evidence'
  /** not made here: the API adds it from custody (services/evidence-verification.ts) */
  | 'certificate_in_custody';

export interface PdfCheck {
  name: PdfCheckName;
  ok: boolean;
  detail: string;
}

export interface PdfVerification {
  valid: boolean;
  /** what the file turned out to be */
  kind: 'certificate' | 'sealed_document' | 'unreadable';
  /** SHA-256 of the file as given */
  sha256: string;
  /** the process the file belongs to, when evidence says so */
  processId: string | null;
  checks: PdfCheck[];
}

export interface EvidenceRecord {
  evidence: Evidence;
  jws: string;
}

export interface VerifyPdfOptions {
  /** the deployment's JWKS; without it, the key the JWS's x5c certifies */
  jwks?: Jwks;
  /** the CA seals and evidence must chain to (PEM); without it chains are checked for consistency only */
  trustedCaPem?: string;
  /** the time-stamping authorities' CAs (PEM) a timestamp must chain to; without them it is checked but not anchored */
  trustedTsaCaPems?: readonly string[];
  /** the process the file must belong to (the verification page of one process) */
  expectedProcessId?: string;
  /**
   * For a sealed document: the evidence that should list it, found by its hash (API) or read from a certificate
   * (CLI). Called only for files without attached evidence; undefined when there is none.
   */
  evidenceFor?: (sha256: string) => Promise<EvidenceRecord | undefined>;
}

export async function verifyPdf(bytes: Uint8Array, options: VerifyPdfOptions = {}): Promise<PdfVerification> {
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  let pdf: PDF;
  try {
    pdf = await PDF.load(bytes);
  } catch (error) {
    return result('unreadable', sha256, null, [{ name: 'pdf_readable', ok: false, detail: `not a readable PDF: ${(error as Error).message}` }]);
  }
  const seal = await verifyPdfSeal(bytes, { trustedCaPem: options.trustedCaPem, trustedTsaCaPems: options.trustedTsaCaPems, pdf });
  const attachments = readAttachments(pdf);

  if (attachments.kind === 'none') {
    const checks: PdfCheck[] = [...seal.checks];
    const record = options.evidenceFor ? await options.evidenceFor(sha256) : undefined;
    if (options.evidenceFor && !record) checks.push({ name: 'document_in_evidence', ok: false, detail: 'no evidence lists this file as a sealed document' });
    if (record) {
      const listed = record.evidence.documents?.find((d) => d.signedSha256 === sha256);
      checks.push(
        listed
          ? { name: 'document_in_evidence', ok: true, detail: `sealed document ${listed.id} of process ${record.evidence.process.id}` }
          : { name: 'document_in_evidence', ok: false, detail: `process ${record.evidence.process?.id}'s evidence does not list this file` },
      );
      checks.push(...(await verifyEvidence(record, evidenceOptions(record, options))).checks);
    }
    const processId = record?.evidence.process?.id ?? null;
    if (options.expectedProcessId !== undefined) checks.push(processMatches(processId, options.expectedProcessId));
    return result('sealed_document', sha256, processId, checks);
  }

  const checks: PdfCheck[] = [...seal.checks, attachments.check];
  if (attachments.kind === 'broken') return result('certificate', sha256, null, checks);
  const record = attachments.record;
  checks.push(...(await verifyEvidence(record, evidenceOptions(record, options))).checks);
  const issuer = record.evidence.issuer?.certificateSha256;
  checks.push(
    !seal.seal
      ? { name: 'certificate_sealed_by_issuer', ok: false, detail: 'no seal to compare with the issuer' }
      : seal.seal.certificateSha256 === issuer
        ? { name: 'certificate_sealed_by_issuer', ok: true, detail: `sealed by ${seal.seal.subject}, the evidence's issuer` }
        : { name: 'certificate_sealed_by_issuer', ok: false, detail: `sealed by ${seal.seal.subject}, not by the evidence's issuer` },
  );
  const processId = typeof record.evidence.process?.id === 'string' ? record.evidence.process.id : null;
  if (options.expectedProcessId !== undefined) checks.push(processMatches(processId, options.expectedProcessId));
  return result('certificate', sha256, processId, checks);
}

type Attachments = { kind: 'none' } | { kind: 'broken'; check: PdfCheck } | { kind: 'found'; check: PdfCheck; record: EvidenceRecord };

/** A certificate carries both files; one without the other, or unreadable, is a broken certificate, not a document. */
function readAttachments(pdf: PDF): Attachments {
  const name = 'certificate_attachments';
  let json: Uint8Array | null;
  let jws: Uint8Array | null;
  try {
    json = pdf.getAttachment(EVIDENCE_ATTACHMENT);
    jws = pdf.getAttachment(JWS_ATTACHMENT);
  } catch (error) {
    return { kind: 'broken', check: { name, ok: false, detail: `the attachments are unreadable: ${(error as Error).message}` } };
  }
  if (!json && !jws) return { kind: 'none' };
  if (!json || !jws) return { kind: 'broken', check: { name, ok: false, detail: `${json ? JWS_ATTACHMENT : EVIDENCE_ATTACHMENT} is missing` } };
  let evidence: unknown;
  try {
    evidence = JSON.parse(Buffer.from(json).toString('utf8'));
  } catch {
    return { kind: 'broken', check: { name, ok: false, detail: `${EVIDENCE_ATTACHMENT} is not JSON` } };
  }
  if (typeof evidence !== 'object' || evidence === null || Array.isArray(evidence)) {
    return { kind: 'broken', check: { name, ok: false, detail: `${EVIDENCE_ATTACHMENT} is not a JSON object` } };
  }
  const record = { evidence: evidence as Evidence, jws: Buffer.from(jws).toString('ascii').trim() };
  return { kind: 'found', record, check: { name, ok: true, detail: `${EVIDENCE_ATTACHMENT} (${json.length} bytes) and ${JWS_ATTACHMENT} attached` } };
}

/** The JWKS a JWS vouches for itself: the key of its x5c's first certificate (anchored only by the chain check). */
export function jwksFromJws(jws: string): Jwks {
  try {
    const header = JSON.parse(Buffer.from(jws.split('.')[0], 'base64url').toString('utf8')) as { x5c?: unknown };
    if (!Array.isArray(header.x5c) || typeof header.x5c[0] !== 'string') return { keys: [] };
    const ders = header.x5c.map((c: string) => new Uint8Array(Buffer.from(c, 'base64')));
    return jwksOf(new X509Certificate(ders[0]).publicKey, ders);
  } catch {
    return { keys: [] };
  }
}

const evidenceOptions = (record: EvidenceRecord, options: VerifyPdfOptions) => ({
  jwks: options.jwks ?? jwksFromJws(record.jws),
  trustedCaPem: options.trustedCaPem,
  trustedTsaCaPems: options.trustedTsaCaPems,
});

/** The `process_matches` check: the file (or record) belongs to the process the caller expects. */
export function processMatches(actual: string | null, expected: string): PdfCheck {
  return actual === expected
    ? { name: 'process_matches', ok: true, detail: `belongs to process ${expected}` }
    : {
        name: 'process_matches',
        ok: false,
        detail: actual ? `belongs to process ${actual}, not ${expected}` : `nothing ties this file to process ${expected}`,
      };
}

function result(kind: PdfVerification['kind'], sha256: string, processId: string | null, checks: PdfCheck[]): PdfVerification {
  return { valid: checks.length > 0 && checks.every((c) => c.ok), kind, sha256, processId, checks };
}
