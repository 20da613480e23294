// Verification as this deployment answers it (POST /v1/evidence/verify and the public page): the pure, offline
// checks of evidence/ against this deployment's JWKS and CA, plus what only custody knows — which evidence lists a
// sealed document (found by the file's hash), and whether a certificate is the very file issued here. Read only.
import type { BlobStore } from '../custody/blob-store';
import { verifyEvidence, type Evidence, type Jwks } from '../evidence';
import { processMatches, verifyPdf, type EvidenceRecord, type PdfCheck, type PdfVerification } from '../evidence/verify-pdf';
import type { PrismaClient } from '../prisma/generated/client';

export interface EvidenceVerificationDeps {
  prisma: PrismaClient;
  blobs: BlobStore;
  jwks?: Jwks;
  caPem: string;
}

export type VerificationAnswer = Omit<PdfVerification, 'kind'> & { kind: PdfVerification['kind'] | 'evidence' };

export class EvidenceVerification {
  constructor(private readonly deps: EvidenceVerificationDeps) {}

  private get keys() {
    return { jwks: this.deps.jwks ?? { keys: [] }, trustedCaPem: this.deps.caPem };
  }

  /** `{evidence, jws}` as GET /v1/processes/{id}/evidence returns them. */
  async record(record: EvidenceRecord, expectedProcessId?: string): Promise<VerificationAnswer> {
    const { checks } = await verifyEvidence(record, this.keys);
    const processId = typeof record.evidence?.process?.id === 'string' ? record.evidence.process.id : null;
    const all: PdfCheck[] = [...checks];
    if (expectedProcessId !== undefined) all.push(processMatches(processId, expectedProcessId));
    return { valid: all.every((c) => c.ok), kind: 'evidence', sha256: '', processId, checks: all };
  }

  /**
   * A certificate or a sealed document, as a PDF file. With `tenantId` (the authenticated API) custody answers only
   * for that tenant's processes: another tenant's process is, to this caller, one this deployment holds nothing for.
   */
  async pdf(bytes: Uint8Array, expectedProcessId?: string, tenantId?: string): Promise<VerificationAnswer> {
    const result = await verifyPdf(bytes, { ...this.keys, expectedProcessId, evidenceFor: (sha256) => this.evidenceListing(sha256, tenantId) });
    if (result.kind !== 'certificate' || !result.processId) return result;
    const issued = await this.deps.prisma.evidenceBundle.findFirst({
      where: { processId: result.processId, ...(tenantId !== undefined ? { process: { tenantId } } : {}) },
      select: { certificateSha256: true },
    });
    const custody: PdfCheck = !issued
      ? { name: 'certificate_in_custody', ok: false, detail: `this deployment holds no certificate for process ${result.processId}` }
      : issued.certificateSha256 === result.sha256
        ? { name: 'certificate_in_custody', ok: true, detail: `the very file issued for process ${result.processId}, kept in custody` }
        : {
            name: 'certificate_in_custody',
            ok: false,
            detail: `not the file issued for process ${result.processId} (custody holds ${issued.certificateSha256})`,
          };
    const checks = [...result.checks, custody];
    return { ...result, checks, valid: checks.every((c) => c.ok) };
  }

  /** The evidence in custody that lists `sha256` as a sealed document, if any. */
  private async evidenceListing(sha256: string, tenantId?: string): Promise<EvidenceRecord | undefined> {
    const document = await this.deps.prisma.processDocument.findFirst({
      where: { signedSha256: sha256, ...(tenantId !== undefined ? { process: { tenantId } } : {}) },
      select: { process: { select: { evidence: { select: { evidenceSha256: true, jwsSha256: true } } } } },
    });
    const bundle = document?.process.evidence;
    if (!bundle) return undefined;
    const [evidence, jws] = await Promise.all([this.deps.blobs.get(bundle.evidenceSha256), this.deps.blobs.get(bundle.jwsSha256)]);
    return { evidence: JSON.parse(Buffer.from(evidence).toString('utf8')) as Evidence, jws: Buffer.from(jws).toString('utf8') };
  }
}
