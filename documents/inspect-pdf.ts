// Checks an uploaded document by content before anything is stored or started: it must be a complete, unencrypted PDF
// whose page tree can be read. The magic bytes alone prove nothing, and pdf-lib alone is too lenient (it scans for
// objects and recovers what it can), so the structure is checked here: the end of the file, the trailer, every node of
// the page tree, each page's box and content streams.
import { createHash } from 'node:crypto';
import { decodePDFRawStream, PDFArray, PDFDict, PDFDocument, PDFName, PDFNumber, PDFPageLeaf, PDFPageTree, PDFRawStream, PDFRef, PDFStream } from 'pdf-lib';
import { MAX_DOCUMENT_BYTES } from './limits';
import { readPdfTrailer } from './pdf-structure';

export interface InspectedPdf {
  pages: number;
  size: number;
  /** lowercase hex SHA-256 of the bytes as uploaded (the document's identity in custody and in the evidence) */
  sha256: string;
  /** from the `%PDF-x.y` header */
  pdfVersion?: string;
}

export type PdfRejectionReason = 'not_pdf' | 'broken' | 'encrypted' | 'too_large' | 'empty';

/** The document is refused: `reason` for machines, `message` for the person who uploaded it. */
export class PdfRejected extends Error {
  constructor(
    readonly reason: PdfRejectionReason,
    message: string,
  ) {
    super(message);
    this.name = 'PdfRejected';
  }
}

// a page tree deeper than this is a loop or an attack, not a document
const MAX_TREE_DEPTH = 64;

export async function inspectPdf(bytes: Uint8Array): Promise<InspectedPdf> {
  const size = bytes.byteLength;
  if (size === 0) throw new PdfRejected('empty', 'The file is empty.');
  // before parsing: a huge upload must not cost a parse
  if (size > MAX_DOCUMENT_BYTES)
    throw new PdfRejected('too_large', `A document may be at most ${MAX_DOCUMENT_BYTES / 1024 / 1024} MB; this file has ${size} bytes.`);

  const trailer = readPdfTrailer(bytes);
  if ('kind' in trailer)
    throw new PdfRejected(trailer.kind, trailer.kind === 'not_pdf' ? `This is not a PDF: ${trailer.detail}.` : `The PDF is damaged: ${trailer.detail}.`);
  if (trailer.encrypted) throw encrypted();

  let document: PDFDocument;
  try {
    // pdf-lib's EncryptedPDFError is compiled to ES5 and fails `instanceof`: ask the document instead of the error
    document = await PDFDocument.load(bytes, { ignoreEncryption: true, throwOnInvalidObject: true, updateMetadata: false });
  } catch (error) {
    throw new PdfRejected('broken', `The PDF is damaged and cannot be read (${describe(error)}).`);
  }
  if (document.isEncrypted) throw encrypted();

  let pages: number;
  try {
    pages = countReadablePages(document);
  } catch (error) {
    if (error instanceof PdfRejected) throw error;
    throw new PdfRejected('broken', `The PDF's pages cannot be read (${describe(error)}).`);
  }
  if (pages < 1) throw new PdfRejected('empty', 'The PDF has no pages.');
  return { pages, size, sha256: createHash('sha256').update(bytes).digest('hex'), pdfVersion: trailer.version };
}

/** Walks the page tree from the catalog, refusing anything a strict reader would: a missing or foreign node, a loop, a
 * /Count that disagrees with the leaves, a page without a usable MediaBox, content that is missing or does not decode. */
function countReadablePages(document: PDFDocument): number {
  const root = document.catalog.lookup(PDFName.of('Pages'));
  if (!(root instanceof PDFPageTree)) throw brokenPages('the catalog has no page tree');
  const seen = new Set<PDFDict>();
  const count = (node: PDFPageTree, depth: number): number => {
    if (depth > MAX_TREE_DEPTH || seen.has(node)) throw brokenPages('the page tree loops');
    seen.add(node);
    const kids = node.lookup(PDFName.of('Kids'));
    if (!(kids instanceof PDFArray)) throw brokenPages('a page tree node has no /Kids');
    let leaves = 0;
    for (let i = 0; i < kids.size(); i++) {
      const kid = kids.lookup(i);
      if (kid instanceof PDFPageTree) leaves += count(kid, depth + 1);
      else if (kid instanceof PDFPageLeaf) {
        if (seen.has(kid)) throw brokenPages('a page appears twice in the page tree');
        seen.add(kid);
        checkPage(kid, leaves + 1);
        leaves += 1;
      } else throw brokenPages(`a page tree node refers to ${kids.get(i) instanceof PDFRef ? 'a missing object' : 'something that is not a page'}`);
    }
    return leaves;
  };
  const pages = count(root, 0);
  const declared = root.lookup(PDFName.of('Count'));
  if (!(declared instanceof PDFNumber) || declared.asNumber() !== pages)
    throw brokenPages(`the page tree declares ${declared instanceof PDFNumber ? declared.asNumber() : 'no'} pages but holds ${pages}`);
  return pages;
}

function checkPage(page: PDFPageLeaf, number: number): void {
  const box = page.MediaBox();
  const values = box instanceof PDFArray && box.size() === 4 ? box.asArray().map((value) => (value instanceof PDFNumber ? value.asNumber() : NaN)) : [];
  if (values.length !== 4 || values.some((value) => !Number.isFinite(value)) || values[2]! === values[0]! || values[3]! === values[1]!) {
    throw brokenPages(`page ${number} has no usable MediaBox`);
  }
  const contents = page.get(PDFName.of('Contents'));
  if (contents === undefined) return; // a blank page is a page
  const resolved = page.lookup(PDFName.of('Contents'));
  const streams = resolved instanceof PDFArray ? resolved.asArray().map((item) => page.context.lookup(item)) : [resolved];
  for (const stream of streams) {
    if (!(stream instanceof PDFStream)) throw brokenPages(`the content of page ${number} is missing`);
    // decoding proves the compressed content is whole; a damaged deflate stream throws here
    if (stream instanceof PDFRawStream) decodePDFRawStream(stream).decode();
  }
}

function brokenPages(detail: string): PdfRejected {
  return new PdfRejected('broken', `The PDF is damaged: ${detail}.`);
}

function encrypted(): PdfRejected {
  return new PdfRejected('encrypted', 'The PDF is encrypted or password-protected; upload it without protection so it can be sealed.');
}

function describe(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]!.slice(0, 160);
}
