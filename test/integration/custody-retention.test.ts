// The end of custody (custody/retention.ts, `npm run custody:purge`): past EVIDENCE_RETENTION a completed process
// is deleted whole — bundle, row, documents and the custody files nobody else names — while a running process, and
// a file it shares by content with the purged one, stay. A dry run deletes nothing. The certificate a customer kept
// still verifies offline; this deployment just no longer holds it.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { FileBlobStore } from '../../custody/file-blob-store';
import { purgeExpiredCustody } from '../../custody/retention';
import { completeProcess, type CompletedProcess } from '../support/completed-process';
import { processBody, samplePdf } from '../support/customer';
import { databases, startTestStack, type TestStack } from '../support/stack';

const DAY_MS = 86_400_000;

for (const kind of databases()) {
  describe(`Custody retention (${kind})`, function () {
    let t: TestStack;
    let done: CompletedProcess;
    let runningId: string;
    let blobs: FileBlobStore;
    let bundle: { historySha256: string; evidenceSha256: string; jwsSha256: string; certificateSha256: string };
    let documents: Array<{ sha256: string; signedSha256: string | null }>;

    before(async function () {
      this.timeout(150_000);
      t = await startTestStack(kind);
      blobs = new FileBlobStore(path.join(t.stack.config.dataDir, 'blobs'));
      // Both processes carry the same contract: one custody file, named by two records.
      const contract = [{ name: 'contract.pdf', contentBase64: (await samplePdf('Contrato compartido')).toString('base64') }];
      done = await completeProcess(t, { documents: contract });
      const running = await t.request('POST', '/v1/processes', { body: await processBody({ documents: contract }) });
      assert.equal(running.status, 201);
      runningId = running.body.id;
      const prisma = t.stack.db.prisma;
      bundle = await prisma.evidenceBundle.findUniqueOrThrow({ where: { processId: done.processId } });
      documents = await prisma.processDocument.findMany({ where: { processId: done.processId }, select: { sha256: true, signedSha256: true } });
    });
    after(async function () {
      this.timeout(60_000);
      await t?.stop();
    });

    const bundleFiles = () => [bundle.historySha256, bundle.evidenceSha256, bundle.jwsSha256, bundle.certificateSha256, documents[0].signedSha256!];

    it('within retention, and on a dry run, nothing is deleted', async function () {
      const prisma = t.stack.db.prisma;
      const kept = await purgeExpiredCustody({ prisma, blobs, retentionMs: DAY_MS });
      assert.deepEqual(kept.processes, []);
      const dry = await purgeExpiredCustody({ prisma, blobs, retentionMs: 0, now: new Date(Date.now() + 1000), dryRun: true });
      assert.deepEqual(dry.processes, [done.processId], 'the completed process is due; the running one never is');
      assert.equal(dry.blobsDeleted, 0);
      for (const sha256 of bundleFiles()) assert.ok(await blobs.has(sha256), `custody still holds ${sha256}`);
      assert.equal((await t.request('GET', `/v1/processes/${done.processId}`)).status, 200);
    });

    it('past retention the process goes whole; the running process and the file it shares stay', async function () {
      const prisma = t.stack.db.prisma;
      const purged = await purgeExpiredCustody({ prisma, blobs, retentionMs: 0, now: new Date(Date.now() + 1000) });
      assert.deepEqual(purged.processes, [done.processId]);
      assert.equal(purged.blobsDeleted, bundleFiles().length, 'history, evidence, JWS, certificate and the sealed copy');
      for (const sha256 of bundleFiles()) {
        assert.equal(await blobs.has(sha256), false, `${sha256} deleted`);
        assert.equal(existsSync(blobs.pathOf(sha256)), false);
      }
      assert.ok(await blobs.has(documents[0].sha256), 'the original is still named by the running process');
      assert.equal(await prisma.evidenceBundle.count({ where: { processId: done.processId } }), 0);
      assert.equal(await prisma.processDocument.count({ where: { processId: done.processId } }), 0);
      assert.equal((await t.request('GET', `/v1/processes/${done.processId}`)).status, 404);
      assert.equal((await t.request('GET', `/v1/processes/${done.processId}/certificate`)).status, 404);
      assert.equal((await t.request('GET', `/v1/processes/${runningId}`)).body.status, 'awaiting_opt_in');

      // The holder's copy still proves itself offline; only the custody check says this deployment no longer has it.
      const response = await fetch(`${t.url}/verify`, {
        method: 'POST',
        headers: { 'content-type': 'application/pdf' },
        body: new Uint8Array(done.certificate),
      });
      const answer = await response.json();
      const failed = answer.checks.filter((c: { ok: boolean }) => !c.ok).map((c: { name: string }) => c.name);
      assert.deepEqual(failed, ['certificate_in_custody']);
    });
  });
}
