// Documents are checked by content: complete, unencrypted PDFs with a readable page tree pass; everything else is
// refused with a machine reason. Inputs are generated with pdf-lib, or committed fixtures made once with qpdf and
// pdftocairo (test/fixtures/pdf/README.md), then damaged byte by byte the way uploads get damaged.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PDFDocument, PDFName, PDFNumber, StandardFonts } from 'pdf-lib';
import QRCode from 'qrcode';
import { inspectPdf, PdfRejected, type PdfRejectionReason } from '../../documents/inspect-pdf';
import { MAX_DOCUMENT_BYTES } from '../../documents/limits';
import { makeSampleConditions, makeSampleContract } from '../../scripts/make-sample-contract';

const FIXTURES = path.join(import.meta.dirname, '..', 'fixtures', 'pdf');
const SAMPLES = path.join(import.meta.dirname, '..', '..', 'samples');
const fixture = (name: string) => readFileSync(path.join(FIXTURES, name));
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

async function makePdf(pages: number): Promise<PDFDocument> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (let i = 1; i <= pages; i++) doc.addPage().drawText(`Contrato, página ${i}: cláusulas y condiciones`, { x: 50, y: 700, font, size: 12 });
  return doc;
}

async function pdfBytes(pages: number, objectStreams = false): Promise<Buffer> {
  return Buffer.from(await (await makePdf(pages)).save({ useObjectStreams: objectStreams }));
}

async function rejection(bytes: Uint8Array): Promise<PdfRejected> {
  try {
    await inspectPdf(bytes);
  } catch (error) {
    assert.ok(error instanceof PdfRejected, `expected PdfRejected, got ${String(error)}`);
    assert.ok(error.message.length > 10 && !error.message.includes('\n'), `a human, one-line message: ${error.message}`);
    return error;
  }
  assert.fail('the document was accepted');
}

async function assertRejected(bytes: Uint8Array, reason: PdfRejectionReason, messagePattern?: RegExp): Promise<void> {
  const error = await rejection(bytes);
  assert.equal(error.reason, reason, error.message);
  if (messagePattern) assert.match(error.message, messagePattern);
}

describe('inspectPdf', () => {
  describe('accepts', () => {
    it('generated PDFs of 1 and 3 pages, with a classic xref table or a cross-reference stream', async () => {
      for (const [pages, objectStreams] of [
        [1, false],
        [3, false],
        [1, true],
        [3, true],
      ] as const) {
        const bytes = await pdfBytes(pages, objectStreams);
        assert.deepEqual(await inspectPdf(bytes), { pages, size: bytes.length, sha256: sha256(bytes), pdfVersion: '1.7' });
      }
    });

    it('a PDF from another producer (cairo) and a PDF with bytes after %%EOF', async () => {
      const cairo = fixture('cairo.pdf');
      assert.deepEqual(await inspectPdf(cairo), { pages: 2, size: cairo.length, sha256: sha256(cairo), pdfVersion: '1.5' });
      const trailing = Buffer.concat([await pdfBytes(2), Buffer.from('\r\n\0\0 trailing junk some mailers add\n')]);
      assert.equal((await inspectPdf(trailing)).pages, 2);
    });

    it('the committed samples (README walkthrough): small, the pages they claim, and what the script makes today', async () => {
      for (const [name, pages, make] of [
        ['contract.pdf', 2, makeSampleContract],
        ['conditions.pdf', 1, makeSampleConditions],
      ] as const) {
        const committed = readFileSync(path.join(SAMPLES, name));
        assert.ok(committed.length < 20 * 1024, `${name}: ${committed.length} bytes`);
        assert.equal((await inspectPdf(committed)).pages, pages, name);
        assert.ok(Buffer.from(await make()).equals(committed), `${name} differs from scripts/make-sample-contract.ts output: run it and commit`);
      }
    });

    it('hashes exactly the bytes it was given, also for a view into a larger buffer', async () => {
      const pdf = await pdfBytes(1);
      const larger = Buffer.concat([randomBytes(100), pdf, randomBytes(100)]);
      const view = new Uint8Array(larger.buffer, larger.byteOffset + 100, pdf.length);
      assert.deepEqual(await inspectPdf(view), { pages: 1, size: pdf.length, sha256: sha256(pdf), pdfVersion: '1.7' });
    });

    it('a document just under the 20 MB limit', async function () {
      this.timeout(20_000);
      const doc = await makePdf(1);
      await doc.attach(randomBytes(MAX_DOCUMENT_BYTES - 64 * 1024), 'annex.bin', { mimeType: 'application/octet-stream' });
      const bytes = await doc.save();
      assert.ok(bytes.length <= MAX_DOCUMENT_BYTES && bytes.length > MAX_DOCUMENT_BYTES - 128 * 1024, `size ${bytes.length}`);
      assert.equal((await inspectPdf(bytes)).pages, 1);
    });
  });

  describe('refuses', () => {
    it('an empty buffer as empty', async () => {
      await assertRejected(new Uint8Array(0), 'empty', /empty/);
    });

    it('a PDF without pages as empty', async () => {
      const bytes = await (await PDFDocument.create()).save({ addDefaultPage: false });
      await assertRejected(bytes, 'empty', /no pages/);
    });

    it('a PNG renamed .pdf, and text, as not_pdf', async () => {
      const png = await QRCode.toBuffer('https://wa.me/34600111222');
      assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
      await assertRejected(png, 'not_pdf', /not a PDF/);
      await assertRejected(Buffer.from('Contrato de prestación de servicios\n'), 'not_pdf');
      // a PDF header further in is not a PDF we can seal (offsets would be off): refused too
      await assertRejected(Buffer.concat([Buffer.from('junk\n'), await pdfBytes(1)]), 'not_pdf');
    });

    it('a 21 MB upload as too_large, before parsing (garbage that big is too_large, not broken)', async () => {
      const big = Buffer.alloc(21 * 1024 * 1024, 0x20);
      big.write('%PDF-1.7\n');
      await assertRejected(big, 'too_large', /at most 20 MB; this file has 22020096 bytes/);
      await assertRejected(Buffer.alloc(MAX_DOCUMENT_BYTES + 1), 'too_large');
    });

    it('encrypted PDFs (AES-256 with an empty user password, RC4 with a password) as encrypted', async () => {
      for (const name of ['encrypted-aes256.pdf', 'encrypted-rc4-40-password.pdf', 'encrypted-aes256-object-streams.pdf']) {
        await assertRejected(fixture(name), 'encrypted', /encrypted/);
      }
    });

    it('an encrypted PDF with a cross-reference stream, which pdf-lib itself does not report as encrypted', async () => {
      // why inspectPdf reads the trailer itself: pdf-lib 1.17.1 fails on this file with a parse error instead
      const bytes = fixture('encrypted-aes256-object-streams.pdf');
      await assert.rejects(PDFDocument.load(bytes, { throwOnInvalidObject: true }), /Trying to parse invalid object/);
      await assert.rejects(PDFDocument.load(fixture('encrypted-aes256.pdf')), /is encrypted/);
      await assertRejected(bytes, 'encrypted');
    });

    it('a PDF truncated in the middle, near the end, or by its last bytes as broken', async () => {
      for (const objectStreams of [false, true]) {
        const bytes = await pdfBytes(2, objectStreams);
        for (const keep of [0.5, 0.9, 0.98]) await assertRejected(bytes.subarray(0, Math.floor(bytes.length * keep)), 'broken', /truncated/);
        await assertRejected(bytes.subarray(0, bytes.length - 7), 'broken');
      }
    });

    it('a truncated PDF that pdf-lib alone would accept', async () => {
      // pdf-lib scans objects and recovers the catalog: without the xref section it still "loads" both pages
      const bytes = await pdfBytes(2);
      const cut = bytes.subarray(0, bytes.lastIndexOf('xref'));
      assert.equal((await PDFDocument.load(cut)).getPageCount(), 2);
      await assertRejected(cut, 'broken', /end-of-file marker/);
    });

    it('a PDF with its middle cut out (end of file kept) as broken', async () => {
      const bytes = await pdfBytes(2);
      await assertRejected(Buffer.concat([bytes.subarray(0, 600), bytes.subarray(bytes.length - 300)]), 'broken', /points outside the file/);
    });

    it('garbage after a PDF header, with or without a plausible end of file, as broken', async () => {
      await assertRejected(Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(5000)]), 'broken');
      await assertRejected(Buffer.from('%PDF-1.7\n%%EOF\n'), 'broken');
      await assertRejected(
        Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(5000), Buffer.from('\nstartxref\n9\n%%EOF\n')]),
        'broken',
        /does not point at a cross-reference/,
      );
      // a startxref that points at the header instead of an xref section
      await assertRejected(
        Buffer.from('%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\nstartxref\n0\n%%EOF\n'),
        'broken',
        /does not point at a cross-reference/,
      );
    });

    it('garbage written over objects in the middle (same length, so offsets still agree) as broken', async () => {
      const bytes = await pdfBytes(2);
      const damaged = Buffer.from(bytes);
      const catalog = damaged.indexOf('/Type /Catalog');
      randomBytes(200).copy(damaged, catalog - 50);
      await assertRejected(damaged, 'broken', /cannot be read/);
    });

    it('a page whose compressed content is damaged as broken', async () => {
      const bytes = await pdfBytes(1);
      const damaged = Buffer.from(bytes);
      const start = damaged.indexOf('stream\n', damaged.indexOf('/FlateDecode')) + 'stream\n'.length;
      damaged.fill(0xff, start + 2, start + 12);
      await assertRejected(damaged, 'broken', /pages cannot be read \(.*flate/);
    });

    it('a page tree that points at a missing page, or declares more pages than it holds, as broken', async () => {
      const missing = await makePdf(2);
      missing.context.delete(missing.getPage(1).ref);
      const missingBytes = await missing.save({ useObjectStreams: false });
      // pdf-lib skips the missing kid silently and counts one page
      assert.equal((await PDFDocument.load(missingBytes)).getPageCount(), 1);
      await assertRejected(missingBytes, 'broken', /missing object/);

      const miscounted = await makePdf(2);
      miscounted.catalog.Pages().set(PDFName.of('Count'), PDFNumber.of(3));
      await assertRejected(await miscounted.save(), 'broken', /declares 3 pages but holds 2/);
    });

    it('a page tree that contains itself as broken, not a stack overflow', async () => {
      const doc = await makePdf(1);
      const pages = doc.catalog.Pages();
      pages.Kids().push(doc.catalog.get(PDFName.of('Pages'))!);
      await assertRejected(await doc.save({ useObjectStreams: false }), 'broken', /loops/);
    });

    it('a page without a usable MediaBox as broken', async () => {
      const doc = await makePdf(1);
      doc.getPage(0).node.set(PDFName.of('MediaBox'), doc.context.obj([0, 0, 0, 0]));
      await assertRejected(await doc.save(), 'broken', /MediaBox/);
    });
  });
});
