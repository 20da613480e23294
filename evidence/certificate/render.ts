// The certificate as PDF bytes: the layout (layout.ts) run through pdfmake with fonts from the package and no
// resource access beyond them, plus the attachments as PDF embedded files. Nothing here seals: the caller seals the
// result with sealing/sealPdf (an incremental update), so this stays a plain, single-revision PDF.
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
const ROBOTO_DIR = path.join(path.dirname(require.resolve('pdfmake/package.json')), 'fonts', 'Roboto');
const FONTS = {
  Roboto: {
    normal: path.join(ROBOTO_DIR, 'Roboto-Regular.ttf'),
    bold: path.join(ROBOTO_DIR, 'Roboto-Medium.ttf'),
    italics: path.join(ROBOTO_DIR, 'Roboto-Italic.ttf'),
    bolditalics: path.join(ROBOTO_DIR, 'Roboto-MediumItalic.ttf'),
  },
  // A standard-14 font: built into every PDF reader, nothing to read from disk.
  [MONO]: { normal: 'Courier', bold: 'Courier-Bold', italics: 'Courier-Oblique', bolditalics: 'Courier-BoldOblique' },
};
const ALLOWED_LOCAL = new Set<string>(Object.values(FONTS).flatMap((f) => Object.values(f)));

// pdfmake is a process-wide singleton. The policies are the same for every caller in this application (no URL
// fetches, no files but the fonts), so setting them once here is safe; the fonts are set again before every
// createPdf (synchronous with it) in case another module registers its own.
pdfmake.setUrlAccessPolicy(() => false);
pdfmake.setLocalAccessPolicy((file) => ALLOWED_LOCAL.has(file));

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
