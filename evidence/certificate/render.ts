// The certificate as PDF bytes: the layout (layout.ts) run through pdfmake with fonts from the package and no
// resource access beyond them, plus the attachments as PDF embedded files. Nothing here seals: the caller seals the
// result with sealing/sealPdf (an incremental update), so this stays a plain, single-revision PDF.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import pdfmake from 'pdfmake';
import type { TDocumentDefinitions } from 'pdfmake/interfaces';
import QRCode from 'qrcode';
import { certificateLayout, MONO } from './layout';
import type { CertificateView } from './view';

export interface CertificateAttachment {
  /** file name shown by PDF readers, e.g. "evidence.json" */
  name: string;
  description: string;
  mimeType: string;
  bytes: Uint8Array;
}

const require = createRequire(import.meta.url);
const PDFMAKE_DIR = path.dirname(require.resolve('pdfmake/package.json'));
const ROBOTO_DIR = path.join(PDFMAKE_DIR, 'fonts', 'Roboto');
const ROBOTO_FILES = {
  normal: 'Roboto-Regular.ttf',
  bold: 'Roboto-Medium.ttf',
  italics: 'Roboto-Italic.ttf',
  bolditalics: 'Roboto-MediumItalic.ttf',
} as const;
// A standard-14 font: built into every PDF reader, nothing to read from disk.
const COURIER = { normal: 'Courier', bold: 'Courier-Bold', italics: 'Courier-Oblique', bolditalics: 'Courier-BoldOblique' };

// ---- fonts parsed once per process ------------------------------------------------------------------------------
// pdfmake reads a font given by path on every createPdf, and pdfkit hands the bytes to fontkit, which parses them
// again for each document: the cmap, metrics and OpenType layout tables (GSUB/GPOS) of four 160 KB fonts, then
// shapes every word from cold. Profiled on a 100-event certificate, that re-parsing is about a quarter of a render.
// pdfmake and pdfkit take font bytes only, never a parsed font; fontkit, which both go through, has a public
// `registerFormat` for font formats of its own. So: each Roboto file is parsed once, here, and pdfkit is given a
// small handle instead of the file; the format registered below recognises the handle and answers with the parsed
// font. Sharing one parsed font between documents is safe: fontkit only adds caches to it (glyphs, tables), every
// fontkit call pdfkit makes is synchronous (so two interleaved renders never see each other's stream position),
// and what is per document — the subset of glyphs used, the widths written — lives in pdfkit's per-document font.
// If this fontkit is not the one pdfkit loads, or it changed shape, the handles are not used: pdfmake gets the
// file bytes (read once) and parses them per document, as before — slower, never different.

/** the fontkit module instance pdfkit itself requires (resolved from pdfkit's own location, CommonJS) */
interface Fontkit {
  create(buffer: Uint8Array, postscriptName?: string): unknown;
  registerFormat(format: unknown): void;
}
const fontkit = createRequire(createRequire(require.resolve('pdfmake')).resolve('pdfkit'))('fontkit') as Fontkit;

/** fontkit's shaping result for one word: pdfkit reads glyphs and positions and scales the positions in place */
interface GlyphRun {
  glyphs: unknown[];
  positions: object[];
}
interface FontkitFont {
  layout(text: string, features?: unknown, ...rest: unknown[]): GlyphRun;
}

/**
 * Shaping a word (GSUB/GPOS lookups) is most of what is left of fontkit's cost once the font is parsed, and pdfkit's
 * own cache of shaped words is per document. The parsed font keeps one across documents: the same words ("Mensaje",
 * "entregado", dates, labels) recur in every certificate. Each call returns a copy whose positions pdfkit may scale;
 * the cache is emptied when it grows past a bound (identifiers and names differ per certificate).
 */
function withSharedLayoutCache(font: FontkitFont, limit = 20_000): FontkitFont {
  const layout = font.layout.bind(font);
  const runs = new Map<string, GlyphRun>();
  const copy = <T extends object>(o: T): T => Object.assign(Object.create(Object.getPrototypeOf(o) as object) as T, o);
  font.layout = (text: string, features?: unknown, ...rest: unknown[]): GlyphRun => {
    if (features !== undefined || rest.length > 0) return layout(text, features, ...rest);
    let run = runs.get(text);
    if (!run) {
      if (runs.size >= limit) runs.clear();
      run = layout(text);
      runs.set(text, run);
    }
    return Object.assign(copy(run), { glyphs: [...run.glyphs], positions: run.positions.map(copy) });
  };
  return font;
}

/** A handle starts with bytes no font format starts with, so fontkit's own formats never claim it. */
const HANDLE_MAGIC = 'testigo-parsed-font:';
const parsedFonts = new WeakMap<Uint8Array, unknown>();

/** A fontkit "format" whose files are handles: `new SharedFont(stream)` is the font parsed for the handle. */
function SharedFont(stream: { buffer: Uint8Array }): unknown {
  return parsedFonts.get(stream.buffer);
}
SharedFont.probe = (buffer: Uint8Array): boolean => parsedFonts.has(buffer);

type FontStyle = keyof typeof ROBOTO_FILES;

/** What pdfmake reads each font from: one handle per file when the parsed fonts are shared, else the file's bytes. */
function fontSources(): Record<FontStyle, Uint8Array> {
  const files = Object.fromEntries(
    Object.entries(ROBOTO_FILES).map(([style, file]) => [style, new Uint8Array(readFileSync(path.join(ROBOTO_DIR, file)))]),
  ) as Record<FontStyle, Uint8Array>;
  try {
    fontkit.registerFormat(SharedFont);
    const handles = Object.fromEntries(
      Object.entries(files).map(([style, bytes]) => {
        const handle = new Uint8Array(Buffer.from(`${HANDLE_MAGIC}${style}`));
        parsedFonts.set(handle, withSharedLayoutCache(fontkit.create(bytes) as FontkitFont));
        return [style, handle];
      }),
    ) as Record<FontStyle, Uint8Array>;
    // the proof that pdfkit's path (fontkit.create on the bytes it is given) now ends at the parsed font
    if (Object.values(handles).every((h) => fontkit.create(h) === parsedFonts.get(h))) return handles;
  } catch {
    // an unexpected fontkit: the plain bytes below
  }
  return files;
}

// pdfmake (0.3, on Node) takes fonts as names that it looks up in its virtual file system before the disk: the
// sources are written there once, under names of our own.
const virtualfs = (pdfmake as unknown as { virtualfs: { writeFileSync(name: string, content: Uint8Array): void } }).virtualfs;
const ROBOTO: Record<FontStyle, string> = { normal: '', bold: '', italics: '', bolditalics: '' };
for (const [style, source] of Object.entries(fontSources()) as Array<[FontStyle, Uint8Array]>) {
  ROBOTO[style] = `testigo-certificate/${ROBOTO_FILES[style]}`;
  virtualfs.writeFileSync(ROBOTO[style], source);
}
const FONTS = { Roboto: ROBOTO, [MONO]: COURIER };
const STANDARD_FONTS = new Set<string>(Object.values(COURIER));

// pdfmake is a process-wide singleton. The policies are the same for every caller in this application (no URL
// fetches, no files: the fonts are in the virtual file system, and the standard-14 names pdfmake checks are built
// in), so setting them once here is safe; the fonts are set again before every createPdf (synchronous with it) in
// case another module registers its own.
pdfmake.setUrlAccessPolicy(() => false);
pdfmake.setLocalAccessPolicy((file) => STANDARD_FONTS.has(file));

export async function renderCertificate(view: CertificateView, attachments: CertificateAttachment[]): Promise<Uint8Array> {
  // SVG keeps the QR code vector: sharp at any print resolution, a few hundred bytes. Level M survives a crease;
  // the 4-module white margin is the quiet zone scanners need, which the grey band behind it would not give.
  const qrSvg = await QRCode.toString(view.verificationUrl, { type: 'svg', errorCorrectionLevel: 'M', margin: 4, color: { light: '#ffffffff' } });
  const definition = certificateLayout({ view, qrSvg });
  definition.files = embeddedFiles(attachments, new Date(view.summary.issuedAt));
  pdfmake.setFonts(FONTS);
  const buffer = await pdfmake.createPdf(definition).getBuffer();
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

/**
 * pdfmake (through pdfkit) writes each file as an /EmbeddedFile stream in the /EmbeddedFiles name tree and lists it
 * in the catalog's /AF (associated files, the PDF/A-3 way). A data URL is the one source form that needs neither
 * the file system nor the network. The dates are the certificate's issue time, so the same view renders the same
 * attachments.
 */
function embeddedFiles(attachments: CertificateAttachment[], issuedAt: Date): NonNullable<TDocumentDefinitions['files']> {
  const names = new Set<string>();
  const files: NonNullable<TDocumentDefinitions['files']> = {};
  for (const [i, a] of attachments.entries()) {
    // pdfkit keys its registry by name: a second file of the same name would silently replace the first.
    if (names.has(a.name)) throw new Error(`two attachments named ${a.name}`);
    names.add(a.name);
    files[`attachment${i}`] = {
      src: `data:${a.mimeType};base64,${Buffer.from(a.bytes).toString('base64')}`,
      name: a.name,
      description: a.description,
      // pdfkit options the typings do not list:
      ...{ relationship: 'Data', creationDate: issuedAt, modifiedDate: issuedAt },
    };
  }
  return files;
}
