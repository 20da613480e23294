// The PDF side of a seal: an incremental update (the original bytes stay a byte-for-byte prefix) that adds an
// invisible signature field whose signature dictionary holds fixed-size /ByteRange and /Contents placeholders.
// @libpdf/core parses the document (classic xref tables and xref/object streams alike) and writes the update;
// we only find our two placeholders in the appended bytes and fill them in.
import { PDF, PdfArray, PdfDict, PdfName, PdfNumber, PdfRef, PdfString } from '@libpdf/core';

/** Ten digits: wide enough for any file offset below 10 GB, so the real ByteRange always fits in its place. */
const BYTE_RANGE_PLACEHOLDER = 9_999_999_999;

export interface SignatureInfo {
  reason: string;
  location: string;
  name?: string;
  contactInfo?: string;
  /** goes into /M: PAdES puts the claimed signing time in the dictionary, never in the CMS */
  signingTime: Date;
}

export interface PreparedPdf {
  /** the whole file with the placeholders; /ByteRange already filled in */
  bytes: Uint8Array;
  /** the two signed ranges: [0, contentsStart) and [contentsEnd, length) */
  byteRange: [number, number, number, number];
  /** how many bytes of DER fit in /Contents */
  capacity: number;
}

export class PdfSealError extends Error {}

export async function preparePdf(original: Uint8Array, info: SignatureInfo, capacity: number): Promise<PreparedPdf> {
  let doc: PDF;
  try {
    doc = await PDF.load(original);
  } catch (err) {
    throw new PdfSealError(`cannot parse the PDF: ${(err as Error).message}`);
  }
  const page = doc.getPage(0);
  if (!page) throw new PdfSealError('the PDF has no pages');

  const sig = PdfDict.of({
    Type: PdfName.of('Sig'),
    Filter: PdfName.of('Adobe.PPKLite'),
    SubFilter: PdfName.of('ETSI.CAdES.detached'),
    ByteRange: new PdfArray([0, BYTE_RANGE_PLACEHOLDER, BYTE_RANGE_PLACEHOLDER, BYTE_RANGE_PLACEHOLDER].map((n) => PdfNumber.of(n))),
    Contents: new PdfString(new Uint8Array(capacity), 'hex'),
    M: PdfString.fromString(pdfDate(info.signingTime)),
    Reason: PdfString.fromString(info.reason),
    Location: PdfString.fromString(info.location),
  });
  if (info.name) sig.set('Name', PdfString.fromString(info.name));
  if (info.contactInfo) sig.set('ContactInfo', PdfString.fromString(info.contactInfo));
  const sigRef = doc.register(sig);

  // One merged field/widget, zero-sized (an invisible signature), on the first page.
  const acroForm = acroFormOf(doc);
  const fields = arrayIn(doc, acroForm, 'Fields');
  const widget = PdfDict.of({
    FT: PdfName.of('Sig'),
    T: PdfString.fromString(uniqueFieldName(doc, fields)),
    V: sigRef,
    Type: PdfName.of('Annot'),
    Subtype: PdfName.of('Widget'),
    F: PdfNumber.of(132), // Print + Locked
    P: page.ref,
    Rect: new PdfArray([0, 0, 0, 0].map((v) => PdfNumber.of(v))),
  });
  const widgetRef = doc.register(widget);
  fields.push(widgetRef);
  arrayIn(doc, page.dict, 'Annots').push(widgetRef);
  // SignaturesExist | AppendOnly: tells editors to save incrementally from now on.
  acroForm.set('SigFlags', PdfNumber.of(3));

  let bytes: Uint8Array;
  try {
    bytes = await doc.save({ incremental: true });
  } catch (err) {
    throw new PdfSealError(`cannot write an incremental update to this PDF: ${(err as Error).message}`);
  }
  if (!prefixIntact(original, bytes)) throw new PdfSealError('the PDF library rewrote the original bytes instead of appending');

  const appended = Buffer.from(bytes.buffer, bytes.byteOffset + original.length, bytes.length - original.length);
  const contentsMarker = Buffer.from(`/Contents <${'0'.repeat(capacity * 2)}>`, 'latin1');
  const rangeMarker = Buffer.from(`/ByteRange [0 ${BYTE_RANGE_PLACEHOLDER} ${BYTE_RANGE_PLACEHOLDER} ${BYTE_RANGE_PLACEHOLDER}]`, 'latin1');
  const contentsAt = appended.indexOf(contentsMarker);
  const rangeAt = appended.indexOf(rangeMarker);
  if (contentsAt < 0 || rangeAt < 0) throw new PdfSealError('signature placeholders not found in the incremental update');

  const start = original.length + contentsAt + '/Contents '.length; // at "<": the hex string's delimiters are excluded too
  const end = start + capacity * 2 + 2;
  const byteRange: PreparedPdf['byteRange'] = [0, start, end, bytes.length - end];
  const filled = `/ByteRange [${byteRange.join(' ')}]`.padEnd(rangeMarker.length, ' ');
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).write(filled, original.length + rangeAt, 'latin1');
  return { bytes, byteRange, capacity };
}

/** Writes the DER signature into /Contents (hex, zero-padded to the placeholder's size). */
export function fillContents(prepared: PreparedPdf, der: Uint8Array): Uint8Array {
  if (der.length > prepared.capacity) throw new PdfSealError(`signature (${der.length} bytes) larger than its placeholder (${prepared.capacity})`);
  const out = Buffer.from(prepared.bytes);
  out.write(Buffer.from(der).toString('hex').toUpperCase(), prepared.byteRange[1] + 1, 'latin1');
  return new Uint8Array(out.buffer, out.byteOffset, out.length);
}

/** The bytes the signature covers: everything but the /Contents hex string. */
export function signedRanges(prepared: PreparedPdf): Uint8Array[] {
  const [a, b, c, d] = prepared.byteRange;
  return [prepared.bytes.subarray(a, a + b), prepared.bytes.subarray(c, c + d)];
}

function acroFormOf(doc: PDF): PdfDict {
  const catalog = doc.getCatalog();
  const existing = resolve(doc, catalog.get('AcroForm'));
  if (existing instanceof PdfDict) return existing;
  const created = PdfDict.of({ Fields: new PdfArray([]) });
  catalog.set('AcroForm', doc.register(created));
  return created;
}

/** The array at `key` (direct or indirect), created direct when absent: edits to it are saved with its owner. */
function arrayIn(doc: PDF, dict: PdfDict, key: string): PdfArray {
  const existing = resolve(doc, dict.get(key));
  if (existing instanceof PdfArray) return existing;
  const created = new PdfArray([]);
  dict.set(key, created);
  return created;
}

function resolve(doc: PDF, value: unknown): unknown {
  return value instanceof PdfRef ? doc.getObject(value) : value;
}

function uniqueFieldName(doc: PDF, fields: PdfArray): string {
  const names = new Set<string>();
  for (const item of fields) {
    const field = resolve(doc, item);
    const title = field instanceof PdfDict ? field.getString('T') : undefined;
    if (title) names.add(title.asString());
  }
  let n = 1;
  while (names.has(`Seal${n}`)) n++;
  return `Seal${n}`;
}

function prefixIntact(original: Uint8Array, updated: Uint8Array): boolean {
  return updated.length > original.length && Buffer.from(original).equals(Buffer.from(updated.buffer, updated.byteOffset, original.length));
}

/** PDF date string in UTC, e.g. D:20260115093000Z. */
export function pdfDate(date: Date): string {
  return `D:${date.toISOString().replace(/[-:T]/g, '').slice(0, 14)}Z`;
}
