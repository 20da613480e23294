// The few structural facts about a PDF that pdf-lib does not check, read from the raw bytes.
// pdf-lib parses a file by scanning every object from the start and recovers the catalog by search, so it happily
// loads a file whose cross-reference section, trailer and %%EOF were cut off. Readers that follow the spec (and our
// own sealing, which appends an incremental update whose /Prev must point at the existing cross-reference section)
// need those: a file without them is broken even if its objects can be found by scanning.

/** What the end of the file says: where the last cross-reference section starts and what its trailer holds. */
export interface PdfTrailer {
  /** the version in the `%PDF-x.y` header */
  version: string;
  /** byte offset of the last cross-reference section (table or stream), as `startxref` gives it */
  startxref: number;
  /** the trailer dictionary's source text (or the cross-reference stream's dictionary) */
  dictionary: string;
  encrypted: boolean;
}

export type PdfStructureProblem = { kind: 'not_pdf' | 'broken'; detail: string };

const HEADER = /^%PDF-(\d\.\d)/;
// the spec puts %%EOF on the last line; common readers look for it in the last 1024 bytes (trailing junk is tolerated)
const TAIL_BYTES = 1024;
const STARTXREF = /startxref\s+(\d+)\s+%%EOF/g;
const XREF_STREAM_OBJECT = /^\s*\d+\s+\d+\s+obj\b/;

/** Reads the header and the trailer, or says why the file is not a complete PDF. */
export function readPdfTrailer(bytes: Uint8Array): PdfTrailer | PdfStructureProblem {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = HEADER.exec(buffer.subarray(0, 16).toString('latin1'))?.[1];
  if (!version) return { kind: 'not_pdf', detail: 'the file does not start with a PDF header (%PDF-)' };

  const tailStart = Math.max(0, buffer.length - TAIL_BYTES);
  const matches = [...buffer.subarray(tailStart).toString('latin1').matchAll(STARTXREF)];
  const last = matches.at(-1);
  if (!last) return { kind: 'broken', detail: 'the file has no end-of-file marker (startxref … %%EOF): it is truncated or damaged' };
  const startxref = Number(last[1]);
  if (!Number.isSafeInteger(startxref) || startxref >= tailStart + last.index) {
    return { kind: 'broken', detail: 'the end of the file points outside the file: it is truncated or damaged' };
  }

  const endOfTrailer = tailStart + last.index;
  const section = buffer.subarray(startxref, Math.min(startxref + 32, endOfTrailer)).toString('latin1');
  let dictionary: string;
  if (/^\s*xref\b/.test(section)) {
    const trailer = buffer.indexOf('trailer', startxref, 'latin1');
    if (trailer < 0 || trailer > endOfTrailer) return { kind: 'broken', detail: 'the cross-reference table has no trailer' };
    dictionary = buffer.subarray(trailer, endOfTrailer).toString('latin1');
  } else if (XREF_STREAM_OBJECT.test(section)) {
    const stream = buffer.indexOf('stream', startxref, 'latin1');
    if (stream < 0 || stream > endOfTrailer) return { kind: 'broken', detail: 'the cross-reference stream has no data' };
    dictionary = buffer.subarray(startxref, stream).toString('latin1');
    if (!/\/Type\s*\/XRef\b/.test(dictionary)) return { kind: 'broken', detail: 'startxref does not point at a cross-reference section' };
  } else {
    return { kind: 'broken', detail: 'startxref does not point at a cross-reference section' };
  }
  return { version, startxref, dictionary, encrypted: /\/Encrypt\b/.test(dictionary) };
}
