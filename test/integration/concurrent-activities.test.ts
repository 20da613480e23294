// Two workers may run the same activity at once: Temporal retries an attempt whose worker looks dead (a start-to-close
// timeout, a lost heartbeat) while that worker may still be finishing it. Sealing a document and issuing the evidence
// must then still happen once: whichever execution writes first wins, and both return the winner's result, so the
// workflow records the same hashes whichever attempt it hears from. Here two activity sets — on PostgreSQL each with
// its own connection pool, as two worker processes have — run both activities concurrently on a real completed process.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createActivities } from '../../activities';
import { buildActivityDeps } from '../../app/activity-deps';
import type { BlobStore } from '../../custody/blob-store';
import { AesGcmCodec } from '../../platform/codec';
import { openDatabase, type Database } from '../../platform/db';
import { completeProcess, type CompletedProcess } from '../support/completed-process';
import { databases, startTestStack, type TestStack } from '../support/stack';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

for (const kind of databases()) {
  describe(`activities run twice at once (${kind})`, function () {
    this.timeout(120_000);
    let t: TestStack;
    let second: Database | undefined;
    let done: CompletedProcess;
    let workers: Array<ReturnType<typeof createActivities>>;
    let blobs: BlobStore;

    before(async () => {
      t = await startTestStack(kind);
      done = await completeProcess(t);
      // PGlite lives in one process: there the "second worker" shares the connection, and the race is between two
      // executions in one worker; on PostgreSQL it is a second pool, as a second worker process would have.
      second = t.databaseUrl ? await openDatabase({ url: t.databaseUrl, migrate: false }) : undefined;
      const { config, keys, client, db } = t.stack;
      const codec = new AesGcmCodec([{ id: keys.payloadKeyId, key: keys.payload }]);
      const deps = [db.prisma, second?.prisma ?? db.prisma].map((prisma) => buildActivityDeps(config, prisma, keys, client, codec));
      workers = deps.map(createActivities);
      blobs = deps[0].blobs;
    });
    after(async () => {
      await second?.close();
      await t?.stop();
    });

    it('issues the evidence once: one bundle, both executions return it, and its certificate verifies from custody', async () => {
      const prisma = t.stack.db.prisma;
      await prisma.evidenceBundle.delete({ where: { processId: done.processId } });

      const [a, b] = await Promise.all(workers.map((w) => w.issueEvidence({ processId: done.processId })));

      assert.deepEqual(a, b);
      const bundles = await prisma.evidenceBundle.findMany({ where: { processId: done.processId } });
      assert.equal(bundles.length, 1);
      assert.equal(bundles[0].certificateSha256, a.certificateSha256);

      const response = await fetch(`${t.url}/v1/evidence/verify?processId=${done.processId}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${t.apiKey}`, 'content-type': 'application/pdf' },
        body: new Uint8Array(await blobs.get(a.certificateSha256)),
      });
      const answer = await response.json();
      assert.equal(response.status, 200);
      assert.equal(answer.valid, true, JSON.stringify(answer.checks.filter((c: { ok: boolean }) => !c.ok)));
      assert.ok(answer.checks.some((c: { name: string; ok: boolean }) => c.name === 'certificate_in_custody' && c.ok));
    });

    // Last: re-sealing leaves a file the process's history does not name, so its evidence would no longer verify.
    it('seals a document once: both executions return the sealed file that was kept', async () => {
      const prisma = t.stack.db.prisma;
      const [document] = await prisma.processDocument.findMany({ where: { processId: done.processId } });
      // as if the seal had never been made: both executions find the document unsealed
      await prisma.processDocument.update({ where: { id: document.id }, data: { signedSha256: null, signedSize: null, sealedAt: null } });

      const input = { processId: done.processId, documentId: document.id };
      const [a, b] = await Promise.all(workers.map((w) => w.sealProcessDocument(input)));

      assert.equal(a.signedSha256, b.signedSha256);
      const kept = await prisma.processDocument.findUniqueOrThrow({ where: { id: document.id } });
      assert.equal(kept.signedSha256, a.signedSha256);
      const bytes = await blobs.get(a.signedSha256);
      assert.equal(sha256(bytes), a.signedSha256);
      assert.equal(kept.signedSize, bytes.length);
    });
  });
}
