// Limits on the documents of a process (PRODUCT.md §3.1) and the one place a client-supplied file name is made safe.
// The name travels far: WhatsApp document captions, Content-Disposition headers, the evidence certificate.

export const MAX_DOCUMENT_BYTES = 20 * 1024 * 1024;
export const MAX_DOCUMENTS = 10;
/** the longest name we keep, `.pdf` included */
export const MAX_DOCUMENT_NAME_LENGTH = 120;

const FALLBACK_STEM = 'document';
// Windows device names stay special whatever the extension ("CON.pdf" cannot be saved there).
const DEVICE_NAME = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])$/i;

/**
 * A readable name for a document: the last path segment only, without control or invisible formatting characters
 * (a right-to-left override can make "x\u202Efdp.exe" display as "xexe.pdf"), without characters that file systems or
 * headers reserve, whitespace collapsed, ending in `.pdf` and at most 120 characters. Accents and other letters stay.
 */
export function safeDocumentName(name: string): string {
  const lastSegment = name.split(/[/\\]/).pop() ?? '';
  let stem = lastSegment
    .normalize('NFC')
    .replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, '')
    .replace(/[<>:"|?*]/g, '')
    .replace(/\s+/gu, ' ')
    .trim()
    .replace(/\.pdf$/i, '')
    .replace(/^[.\s]+|[.\s]+$/g, '');
  if (DEVICE_NAME.test(stem)) stem = `${stem}_`;
  const maxStem = MAX_DOCUMENT_NAME_LENGTH - '.pdf'.length;
  // cut by code points, so a character outside the BMP is never split in half
  const codePoints = Array.from(stem);
  if (codePoints.length > maxStem)
    stem = codePoints
      .slice(0, maxStem)
      .join('')
      .replace(/[.\s]+$/g, '');
  return `${stem || FALLBACK_STEM}.pdf`;
}
