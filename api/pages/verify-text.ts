// Every text of the public verification page (verify.html, verify.js), in Spanish and English. The server renders
// the page in the language Accept-Language prefers and hands the whole table to the page, which switches language in
// place. `{name}` marks a value the page fills in. Every check the verifier can name has a label: the Record over
// PdfCheckName makes a new check without one a type error, so the page never shows a bare identifier.
import type { PdfCheckName, PdfVerification } from '../../evidence/verify-pdf';
import type { Locale } from '../../shared/otp';

export const LOCALES: readonly Locale[] = ['es', 'en'];

type Texts<K extends string> = Record<K, Record<Locale, string>>;

const TEXT = {
  docTitle: { es: 'Verificar un documento · Testigo', en: 'Verify a document · Testigo' },
  tagline: { es: 'Evidencias que cualquiera puede comprobar', en: 'Evidence anyone can check' },
  language: { es: 'Idioma', en: 'Language' },
  heading: { es: 'Verificar un certificado o un documento sellado', en: 'Verify a certificate or a sealed document' },
  intro: {
    es: 'Arrastre aquí un certificado de evidencias o un documento sellado por Testigo para comprobar que es auténtico y que nadie lo ha modificado desde que se selló. El archivo solo se lee para comprobarlo: no se guarda. No hace falta cuenta ni clave.',
    en: 'Drop an evidence certificate or a document sealed by Testigo here to check that it is authentic and that nobody has changed it since it was sealed. The file is only read to check it: it is not stored. No account or key is needed.',
  },
  expects: { es: 'Esta página comprueba archivos del proceso', en: 'This page checks files of process' },
  expectsNote: {
    es: 'Un archivo de cualquier otro proceso se indicará como no válido.',
    en: 'A file of any other process is reported as not valid.',
  },
  fileLabel: { es: 'Archivo PDF (certificado o documento sellado)', en: 'PDF file (certificate or sealed document)' },
  dropText: { es: 'Arrastre el PDF a este recuadro, o elíjalo:', en: 'Drop the PDF on this box, or choose it:' },
  fileHint: { es: 'PDF de hasta 25 MB.', en: 'PDF, up to 25 MB.' },
  submit: { es: 'Verificar', en: 'Verify' },
  checking: { es: 'Comprobando {file}…', en: 'Checking {file}…' },
  valid: { es: 'Válido', en: 'Valid' },
  invalid: { es: 'No válido', en: 'Not valid' },
  validSummary: {
    es: 'Todas las comprobaciones son correctas: el archivo es auténtico y no se ha alterado.',
    en: 'Every check passed: the file is authentic and unaltered.',
  },
  invalidSummary: { es: 'Comprobaciones fallidas: {failed}.', en: 'Failed checks: {failed}.' },
  fileName: { es: 'Archivo', en: 'File' },
  kind: { es: 'Tipo', en: 'Kind' },
  process: { es: 'Proceso', en: 'Process' },
  sha256: { es: 'SHA-256 del archivo', en: 'SHA-256 of the file' },
  noProcess: { es: 'ninguno', en: 'none' },
  checksHeading: { es: 'Comprobaciones', en: 'Checks' },
  passed: { es: 'correcta', en: 'passed' },
  failed: { es: 'fallida', en: 'failed' },
  errorTitle: { es: 'No se ha podido comprobar', en: 'Not checked' },
  errorTooLarge: { es: 'El archivo supera los 25 MB, el máximo que se puede comprobar.', en: 'The file is larger than 25 MB, the most that can be checked.' },
  errorUnsupported: { es: 'Solo se pueden comprobar archivos PDF.', en: 'Only PDF files can be checked.' },
  errorEmpty: { es: 'El archivo está vacío.', en: 'The file is empty.' },
  errorNetwork: {
    es: 'No se ha podido contactar con el servidor de verificación. Revise la conexión y vuelva a intentarlo.',
    en: 'The verification server could not be reached. Check your connection and try again.',
  },
  errorRequest: { es: 'El servidor no ha podido comprobar el archivo ({status}): {detail}', en: 'The server could not check the file ({status}): {detail}' },
  whatHeading: { es: 'Qué se comprueba', en: 'What is checked' },
  whatSeal: {
    es: 'El sello electrónico (PAdES): los bytes del archivo son exactamente los que se sellaron, no se añadió nada después y el certificado del sello lo emitió la autoridad de certificación (CA) de Testigo.',
    en: "The electronic seal (PAdES): the file's bytes are exactly the ones sealed, nothing was added afterwards, and the seal certificate was issued by Testigo's certification authority (CA).",
  },
  whatCertificate: {
    es: 'En un certificado: la evidencia adjunta (evidence.json) y su firma (evidence.jws), la cadena de hashes que enlaza cada evento del proceso, su orden, los documentos sellados y que no contiene ningún secreto (como un código de un solo uso).',
    en: 'In a certificate: the attached evidence (evidence.json) and its signature (evidence.jws), the hash chain linking every event of the process, their order, the sealed documents, and that no secret (such as a one-time code) appears in it.',
  },
  whatDocument: {
    es: 'En un documento sellado: que la evidencia de un proceso incluye exactamente este archivo.',
    en: 'In a sealed document: that the evidence of a process lists this exact file.',
  },
  whatCustody: {
    es: 'Que este servicio emitió el certificado y lo conserva en custodia; y, en la página de un proceso, que el archivo es de ese proceso.',
    en: 'That this service issued the certificate and keeps it in custody; and, on the page of one process, that the file belongs to that process.',
  },
  offlineHeading: { es: 'Verificar sin esta página', en: 'Verify without this page' },
  offlineKeys: {
    es: 'Las claves son públicas: el certificado de la CA que emitió el sello y la clave que firma las evidencias.',
    en: 'The keys are public: the certificate of the CA that issued the seal, and the key that signs the evidence.',
  },
  caLink: { es: 'Certificado de la CA (testigo-ca.pem)', en: 'CA certificate (testigo-ca.pem)' },
  jwksLink: { es: 'Clave de las evidencias (jwks.json)', en: 'Evidence key (jwks.json)' },
  offlineCli: {
    es: 'La línea de comandos de Testigo hace las mismas comprobaciones sin conexión a la red, con el certificado de la CA descargado de aquí:',
    en: 'The Testigo command line runs the same checks with no network connection, given the CA certificate downloaded from here:',
  },
  offlineValidators: {
    es: 'Cualquier validador PAdES (Adobe Acrobat, pdfsig, pyHanko) que confíe en el certificado de la CA comprueba también el sello.',
    en: 'Any PAdES validator (Adobe Acrobat, pdfsig, pyHanko) that trusts the CA certificate checks the seal as well.',
  },
  noscript: {
    es: 'Esta página necesita JavaScript para mostrar el resultado. Sin él, el formulario envía igualmente el archivo y el servidor responde con las comprobaciones en JSON.',
    en: 'This page needs JavaScript to show the result. Without it, the form still sends the file and the server answers with the checks as JSON.',
  },
} satisfies Texts<string>;

export type TextKey = keyof typeof TEXT;

const CHECKS: Texts<PdfCheckName> = {
  pdf_readable: { es: 'El archivo es un PDF legible', en: 'The file is a readable PDF' },
  pdf_seal: { es: 'El sello electrónico está intacto', en: 'The electronic seal is intact' },
  pdf_seal_covers_file: { es: 'El sello cubre todo el archivo', en: 'The seal covers the whole file' },
  pdf_seal_certificate: {
    es: 'El certificado del sello es válido y lo emitió la CA de Testigo',
    en: 'The seal certificate is valid and issued by the Testigo CA',
  },
  pdf_seal_timestamp: { es: 'Sello de tiempo del sello electrónico', en: 'Time-stamp of the seal' },
  certificate_attachments: { es: 'La evidencia y su firma van adjuntas', en: 'The evidence and its signature are attached' },
  evidence_version: { es: 'Formato de evidencia conocido', en: 'Known evidence format' },
  jws_signature: { es: 'La firma de la evidencia es válida con la clave de Testigo', en: 'The evidence signature verifies with the Testigo key' },
  jws_payload_matches_evidence: { es: 'La firma cubre exactamente esta evidencia', en: 'The signature covers exactly this evidence' },
  hash_chain: { es: 'Los eventos forman una cadena de hashes íntegra', en: 'The events form an unbroken hash chain' },
  event_order: { es: 'Los eventos están en orden', en: 'The events are in order' },
  documents_sealed: { es: 'Cada documento se selló y sus hashes coinciden con los eventos', en: 'Every document was sealed and its hashes match the events' },
  certificate_chain: {
    es: 'El certificado que firma la evidencia lo emitió la CA de Testigo',
    en: 'The certificate signing the evidence was issued by the Testigo CA',
  },
  chain_timestamp: { es: 'Sello de tiempo de la evidencia', en: 'Time-stamp of the evidence' },
  no_secrets: { es: 'La evidencia no contiene secretos (códigos, claves)', en: 'No secrets (codes, keys) in the evidence' },
  certificate_sealed_by_issuer: { es: 'Lo selló el emisor que indica la evidencia', en: 'Sealed by the issuer the evidence names' },
  process_matches: { es: 'Pertenece al proceso esperado', en: 'Belongs to the expected process' },
  document_in_evidence: { es: 'Figura en la evidencia de un proceso', en: 'Listed in the evidence of a process' },
  certificate_in_custody: {
    es: 'Es el certificado emitido y custodiado por este servicio',
    en: 'The very certificate this service issued and keeps in custody',
  },
};

const KINDS: Texts<PdfVerification['kind'] | 'evidence'> = {
  certificate: { es: 'Certificado de evidencias', en: 'Evidence certificate' },
  sealed_document: { es: 'Documento sellado', en: 'Sealed document' },
  unreadable: { es: 'Archivo ilegible', en: 'Unreadable file' },
  evidence: { es: 'Registro de evidencias', en: 'Evidence record' },
};

export interface PageTexts {
  text: Record<TextKey, string>;
  checks: Record<PdfCheckName, string>;
  kinds: Record<keyof typeof KINDS, string>;
}

const pick = <K extends string>(table: Texts<K>, locale: Locale) =>
  Object.fromEntries(Object.entries<Record<Locale, string>>(table).map(([key, value]) => [key, value[locale]])) as Record<K, string>;

/** Every text of the page in one language. */
export function pageTexts(locale: Locale): PageTexts {
  return { text: pick(TEXT, locale), checks: pick(CHECKS, locale), kinds: pick(KINDS, locale) };
}

/** The language a browser prefers among ours (RFC 9110 §12.5.4 q-values; order breaks ties); Spanish when none. */
export function preferredLocale(acceptLanguage: string | undefined): Locale {
  const ranked = (acceptLanguage ?? '')
    .split(',')
    .map((part, index) => {
      const [range, ...params] = part.trim().toLowerCase().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      return { primary: range.trim().split('-')[0], q: q ? Number(q.slice(2)) : 1, index };
    })
    .filter((r) => r.primary && Number.isFinite(r.q) && r.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  return (ranked.find((r) => (LOCALES as readonly string[]).includes(r.primary))?.primary as Locale | undefined) ?? 'es';
}
