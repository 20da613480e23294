// The end of custody: a process whose retention has run out is deleted whole — its evidence bundle, its row and
// documents, and every custody file no remaining record names. Evidence is never edited or redacted (one changed
// byte and it no longer verifies); it is kept intact for the retention period, then removed. README "Retention and
// erasure" says why this is what GDPR erasure means for evidence.
//
// Which processes: completed ones whose bundle was issued before the cutoff, and ended ones without a bundle
// (rejected, expired, canceled, failed) last changed before it. A process still running is never touched.
import type { PrismaClient } from '../prisma/generated/client';
import { TERMINAL_PROCESS_STATUSES } from '../shared/process';
import type { BlobStore } from './blob-store';

export interface PurgeOptions {
  prisma: PrismaClient;
  blobs: BlobStore;
  retentionMs: number;
  now?: Date;
  /** list what would go, delete nothing */
  dryRun?: boolean;
}

export interface PurgeResult {
  cutoff: string;
  /** process ids deleted (or that would be, on a dry run) */
  processes: string[];
  /** custody files deleted (0 on a dry run) */
  blobsDeleted: number;
}

const BATCH = 100;

export async function purgeExpiredCustody({ prisma, blobs, retentionMs, now = new Date(), dryRun = false }: PurgeOptions): Promise<PurgeResult> {
  const cutoff = new Date(now.getTime() - retentionMs);
  const result: PurgeResult = { cutoff: cutoff.toISOString(), processes: [], blobsDeleted: 0 };
  for (;;) {
    const expired = await prisma.process.findMany({
      where: {
        id: dryRun && result.processes.length > 0 ? { notIn: result.processes } : undefined,
        OR: [
          { evidence: { issuedAt: { lt: cutoff } } },
          { evidence: null, status: { in: TERMINAL_PROCESS_STATUSES.filter((s) => s !== 'completed') }, updatedAt: { lt: cutoff } },
        ],
      },
      select: { id: true, documents: { select: { sha256: true, signedSha256: true } }, evidence: true },
      orderBy: { createdAt: 'asc' },
      take: BATCH,
    });
    if (expired.length === 0) return result;
    for (const process of expired) {
      result.processes.push(process.id);
      if (dryRun) continue;
      const files = new Set<string>();
      for (const d of process.documents) {
        files.add(d.sha256);
        if (d.signedSha256) files.add(d.signedSha256);
      }
      const bundle = process.evidence;
      if (bundle) for (const h of [bundle.historySha256, bundle.evidenceSha256, bundle.jwsSha256, bundle.certificateSha256]) files.add(h);
      // The bundle first (it restricts the process's deletion), then the process with its documents and tokens.
      await prisma.$transaction([prisma.evidenceBundle.deleteMany({ where: { processId: process.id } }), prisma.process.delete({ where: { id: process.id } })]);
      for (const sha256 of files) {
        if (await stillNamed(prisma, sha256)) continue; // content-addressed: another process may hold the same bytes
        await blobs.delete(sha256);
        result.blobsDeleted++;
      }
    }
    if (expired.length < BATCH) return result;
  }
}

async function stillNamed(prisma: PrismaClient, sha256: string): Promise<boolean> {
  const [documents, bundles] = await Promise.all([
    prisma.processDocument.count({ where: { OR: [{ sha256 }, { signedSha256: sha256 }] } }),
    prisma.evidenceBundle.count({
      where: { OR: [{ historySha256: sha256 }, { evidenceSha256: sha256 }, { jwsSha256: sha256 }, { certificateSha256: sha256 }] },
    }),
  ]);
  return documents + bundles > 0;
}
