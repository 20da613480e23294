// The certificate rendered on the worker thread (evidence/certificate/render-in-thread.ts) is the certificate rendered
// in process: a 100-event view in Spanish and English rendered both ways, read back with poppler's pdftotext and
// pdfdetach, and compared; errors come back as the caller's rejections; a closed thread is replaced on the next call.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { syntheticEvidenceSource } from '../../bench/certificate';
import { buildEvidence, canonicalBytes } from '../../evidence';
import { certificateViewOf } from '../../evidence/certificate/gather';
import { renderCertificate, type CertificateAttachment } from '../../evidence/certificate/render';
import { closeRenderThread, renderCertificateInThread } from '../../evidence/certificate/render-in-thread';
import type { CertificateLocale } from '../../evidence/certificate/view';

const run = promisify(execFile);

describe('evidence certificate rendered on a worker thread', () => {
  let dir: string;
  const evidence = buildEvidence(
    syntheticEvidenceSource({ subject: 'CN=Testigo Development Seal, O=Testigo, C=ES', certificateSha256: 'c0ffee'.padEnd(64, '0') }),
  );
  const attachments: CertificateAttachment[] = [
    { name: 'evidence.json', description: 'Evidence (RFC 8785 canonical JSON)', mimeType: 'application/json', bytes: canonicalBytes(evidence) },
    {
      name: 'evidence.jws',
      description: 'Evidence signature (compact JWS, ES256)',
      mimeType: 'application/jose',
      bytes: Buffer.from('eyJhbGciOiJFUzI1NiJ9.e30.c2ln'),
    },
  ];
  const viewIn = (locale: CertificateLocale) =>
    certificateViewOf(evidence, { locale, timeZone: 'Europe/Madrid', verificationUrl: 'https://testigo.example.com/verify/prc_01JQ7Z6S8W4Q2M3N5P7R9T1V3X' });

  /** what a reader sees: the text of every page, and the embedded files */
  async function readBack(pdf: Uint8Array, name: string): Promise<{ text: string; files: string }> {
    const file = path.join(dir, name);
    writeFileSync(file, pdf);
    const text = (await run('pdftotext', ['-enc', 'UTF-8', file, '-'], { maxBuffer: 32 << 20 })).stdout;
    const files = (await run('pdfdetach', ['-list', file])).stdout;
    return { text, files };
  }

  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'testigo-cert-thread-'));
  });

  after(async () => {
    await closeRenderThread();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const locale of ['es', 'en'] as const) {
    it(`renders the same certificate as in process, in ${locale}`, async function () {
      this.timeout(120_000); // the thread's first render loads pdfmake and parses the fonts
      const view = viewIn(locale);
      const [here, there] = await Promise.all([renderCertificate(view, attachments), renderCertificateInThread(view, attachments)]);
      assert.ok(there instanceof Uint8Array && there.length > 10_000, 'the thread answered with a PDF');
      assert.equal(Buffer.from(there.subarray(0, 5)).toString('latin1'), '%PDF-');
      const a = await readBack(here, `here-${locale}.pdf`);
      const b = await readBack(there, `there-${locale}.pdf`);
      assert.equal(b.text, a.text);
      assert.equal(b.files, a.files);
      assert.match(b.files, /^2 embedded files/m);
      // Same fonts, same layout: the same size to the byte (only the creation date and the /ID differ in content).
      assert.equal(there.length, here.length);
      if (locale === 'es')
        for (const words of ['Certificado de evidencias', 'Núñez Peña', 'Cronología de eventos', 'préstamo', 'KYC 2026/118-ÑA'])
          assert.ok(b.text.includes(words), words);
    });
  }

  it('rejects as the in-process render does', async () => {
    const view = viewIn('en');
    await assert.rejects(renderCertificateInThread(view, [attachments[0], attachments[0]]), /two attachments named evidence\.json/);
  });

  it('starts a new thread after the last one was closed, and renders concurrently', async function () {
    this.timeout(120_000);
    await closeRenderThread();
    const view = viewIn('en');
    const pdfs = await Promise.all([1, 2, 3].map(() => renderCertificateInThread(view, attachments)));
    assert.equal(new Set(pdfs.map((p) => p.length)).size, 1);
  });
});
