// Checks the PAdES seal of a PDF — a sealed contract or an evidence certificate — offline, the way a PDF validator
// does, with separately named outcomes:
//   pdf_seal              the CMS signature verifies over exactly the bytes its /ByteRange names (message digest,
//                         then the signature over the signed attributes, with the certificate the signer names)
//   pdf_seal_covers_file  the seal's byte range reaches the end of the file: nothing was added after it
//   pdf_seal_certificate  ESS signing-certificate-v2 binds that certificate, and it chains to the trusted CA and was
//                         valid at the signing time (the timestamp's when there is one)
//   pdf_seal_timestamp    PAdES B-T: the RFC 3161 token is over this signature value and its own signature verifies
// The last signature in the file is the seal: Testigo seals last, as an incremental update of what it was given.
// Pure: bytes and a CA in, checks out; it never throws on bad input.
import { createHash, X509Certificate } from 'node:crypto';
import { PDF, PdfArray, PdfNumber, PdfString } from '@libpdf/core';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { pkiEngine } from './pki-engine';
import { readTimestampToken, verifyTokenOver } from './timestamp';
import { checkCertificatePath, issuerPath, oneLine } from './x509-chain';

export type SealCheckName = 'pdf_seal' | 'pdf_seal_covers_file' | 'pdf_seal_certificate' | 'pdf_seal_timestamp';

export interface SealCheck {
  name: SealCheckName;
  ok: boolean;
  detail: string;
}

export interface SealFacts {
  /** the sealing certificate (DER), as the CMS carries it */
  certificateDer: Uint8Array;
  certificateSha256: string;
  subject: string;
  /** the time the seal's certificate is judged at: the timestamp's genTime (B-T) or the claimed /M (B-B) */
  signedAt: string;
  level: 'B-B' | 'B-T';
}

export interface SealVerification {
  checks: SealCheck[];
  /** present when a seal was found and its CMS could be read */
  seal?: SealFacts;
}

const OID = {
  messageDigest: '1.2.840.113549.1.9.4',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
  signatureTimeStampToken: '1.2.840.113549.1.9.16.2.14',
  sha256: '2.16.840.1.101.3.4.2.1',
} as const;

const sha256 = (...parts: Uint8Array[]) => {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return new Uint8Array(hash.digest());
};
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
// A copy of exactly these bytes: a Buffer's .buffer may be a larger shared pool, and Buffer#slice does not copy.
const buffer = (bytes: Uint8Array): ArrayBuffer => Uint8Array.from(bytes).buffer;

/** Reads a PDF for its last seal and checks it; `pdf` is parsed already when the caller has it. */
export async function verifyPdfSeal(
  bytes: Uint8Array,
  options: { trustedCaPem?: string; trustedTsaCaPems?: readonly string[]; pdf?: PDF },
): Promise<SealVerification> {
  const fail = (name: SealCheckName, detail: string): SealVerification => ({ checks: [{ name, ok: false, detail }] });
  let pdf = options.pdf;
  try {
    pdf ??= await PDF.load(bytes);
  } catch (error) {
    return fail('pdf_seal', `not a readable PDF: ${(error as Error).message}`);
  }
  const fields = (pdf.getForm()?.getSignatureFields() ?? []).filter((f) => f.isSigned());
  const signed = fields.map((f) => ({ field: f.name, dict: f.getSignatureDict()! })).filter((s) => s.dict);
  const ranges = signed.map((s) => ({ ...s, range: byteRangeOf(s.dict.getArray('ByteRange')) }));
  // The seal is the signature whose range reaches furthest: the last revision's.
  const last = ranges
    .filter((r) => r.range)
    .sort((a, b) => end(a.range!) - end(b.range!))
    .at(-1);
  if (!last) return fail('pdf_seal', signed.length === 0 ? 'the PDF is not sealed (no signature)' : 'the signature has no valid /ByteRange');

  const [start, firstLength, secondStart, secondLength] = last.range!;
  const contents = last.dict.getString('Contents');
  // The gap between the two ranges must be exactly the /Contents hex string, so that no signed byte hides in it.
  const gap = Buffer.from(bytes.subarray(start + firstLength, secondStart)).toString('latin1');
  const gapOk =
    start === 0 &&
    secondStart + secondLength <= bytes.length &&
    contents instanceof PdfString &&
    /^<[0-9A-Fa-f]*>$/.test(gap) &&
    Buffer.from(gap.slice(1, -1), 'hex').equals(Buffer.from(contents.bytes));
  if (!gapOk) return fail('pdf_seal', `${last.field}: /ByteRange does not frame exactly the /Contents of the signature`);

  const covers: SealCheck =
    secondStart + secondLength === bytes.length
      ? { name: 'pdf_seal_covers_file', ok: true, detail: `the seal covers all ${bytes.length} bytes` }
      : {
          name: 'pdf_seal_covers_file',
          ok: false,
          detail: `${bytes.length - secondStart - secondLength} bytes were added after the seal (a later revision it does not cover)`,
        };

  let cms: pkijs.SignedData;
  try {
    const parsed = asn1js.fromBER(buffer(contents.bytes));
    if (parsed.offset === -1) throw new Error('not DER');
    cms = new pkijs.SignedData({ schema: new pkijs.ContentInfo({ schema: parsed.result }).content });
  } catch (error) {
    return { checks: [{ name: 'pdf_seal', ok: false, detail: `${last.field}: the signature is not a CMS SignedData (${(error as Error).message})` }, covers] };
  }
  const signerInfo = cms.signerInfos[0];
  const signedBytes = [bytes.subarray(start, start + firstLength), bytes.subarray(secondStart, secondStart + secondLength)];
  const digest = sha256(...signedBytes);
  const messageDigest = attribute(signerInfo?.signedAttrs, OID.messageDigest);
  const claimed = messageDigest ? new Uint8Array((messageDigest as asn1js.OctetString).valueBlock.valueHexView) : undefined;

  const seal = await (async (): Promise<SealCheck> => {
    if (!signerInfo) return { name: 'pdf_seal', ok: false, detail: 'the CMS has no signer' };
    if (signerInfo.digestAlgorithm.algorithmId !== OID.sha256) return { name: 'pdf_seal', ok: false, detail: 'the digest is not SHA-256' };
    if (!claimed || hex(claimed) !== hex(digest)) {
      return {
        name: 'pdf_seal',
        ok: false,
        detail: `the signed bytes were changed: their SHA-256 is ${hex(digest)}, the seal signed ${claimed ? hex(claimed) : 'nothing'}`,
      };
    }
    try {
      const result = await cms.verify({ signer: 0, data: buffer(Buffer.concat(signedBytes)), checkChain: false, extendedMode: true }, pkiEngine());
      return result.signatureVerified
        ? { name: 'pdf_seal', ok: true, detail: `${last.field}: the seal's signature verifies over ${digestLength(last.range!)} bytes` }
        : { name: 'pdf_seal', ok: false, detail: `${last.field}: the signature does not verify (${result.message || 'bad signature'})` };
    } catch (error) {
      return { name: 'pdf_seal', ok: false, detail: `${last.field}: the signature does not verify (${messageOf(error)})` };
    }
  })();

  const certificates = (cms.certificates ?? []).filter((c): c is pkijs.Certificate => c instanceof pkijs.Certificate);
  const signerCertificate = signerInfo ? certificates.find((c) => matchesSid(c, signerInfo.sid)) : undefined;
  if (!signerCertificate)
    return { checks: [seal, covers, { name: 'pdf_seal_certificate', ok: false, detail: 'the CMS does not carry the signer certificate' }] };
  const certificateDer = new Uint8Array(signerCertificate.toSchema().toBER(false));
  const timestamp = await checkTimestamp(signerInfo, options.trustedTsaCaPems);
  const claimedAt = pdfDate(last.dict.getString('M')?.asString());
  const signedAt = timestamp.genTime ?? claimedAt;
  const certificate = checkSealCertificate(signerInfo, certificateDer, certificates, signedAt, options.trustedCaPem);

  const x509 = new X509Certificate(certificateDer);
  return {
    checks: [seal, covers, certificate, timestamp.check],
    seal: {
      certificateDer,
      certificateSha256: hex(sha256(certificateDer)),
      subject: oneLine(x509.subject),
      signedAt: signedAt === undefined ? '' : new Date(signedAt).toISOString(),
      level: timestamp.genTime === undefined ? 'B-B' : 'B-T',
    },
  };
}

function checkSealCertificate(
  signerInfo: pkijs.SignerInfo,
  der: Uint8Array,
  certificates: pkijs.Certificate[],
  signedAt: number | undefined,
  trustedCaPem: string | undefined,
): SealCheck {
  const name = 'pdf_seal_certificate';
  try {
    // ESS signing-certificate-v2: SEQUENCE { SEQUENCE OF ESSCertIDv2 { [hashAlgorithm], certHash, ... } }, SHA-256 by default.
    const attr = attribute(signerInfo.signedAttrs, OID.signingCertificateV2) as asn1js.Sequence | undefined;
    const first = (attr?.valueBlock.value[0] as asn1js.Sequence | undefined)?.valueBlock.value[0] as asn1js.Sequence | undefined;
    const hashField = first?.valueBlock.value.find((v) => v instanceof asn1js.OctetString) as asn1js.OctetString | undefined;
    if (!hashField) return { name, ok: false, detail: 'no ESS signing-certificate-v2 attribute (not PAdES)' };
    if (hex(new Uint8Array(hashField.valueBlock.valueHexView)) !== hex(sha256(der))) {
      return { name, ok: false, detail: 'signing-certificate-v2 names another certificate than the one that signed' };
    }
    if (signedAt === undefined) return { name, ok: false, detail: 'the seal states no signing time (/M) and has no timestamp' };
    const leaf = new X509Certificate(der);
    const others = certificates.map((c) => new X509Certificate(Buffer.from(c.toSchema().toBER(false)))).filter((c) => c.fingerprint256 !== leaf.fingerprint256);
    const path = issuerPath(leaf, others);
    const outcome = checkCertificatePath(path, signedAt, trustedCaPem, 'the signing time');
    return { name, ...outcome };
  } catch (error) {
    return { name, ok: false, detail: `unreadable: ${messageOf(error)}` };
  }
}

/** B-T: an RFC 3161 token over SHA-256 of the signature value, in the unsigned attribute signature-time-stamp. */
async function checkTimestamp(signerInfo: pkijs.SignerInfo | undefined, trustedTsaCaPems?: readonly string[]): Promise<{ check: SealCheck; genTime?: number }> {
  const name = 'pdf_seal_timestamp';
  const attr = signerInfo ? attribute(signerInfo.unsignedAttrs, OID.signatureTimeStampToken) : undefined;
  if (!signerInfo || !attr) return { check: { name, ok: true, detail: 'no timestamp (PAdES B-B): the signing time is the one the seal claims' } };
  try {
    const token = readTimestampToken(new Uint8Array(attr.toBER(false)));
    const vouched = await verifyTokenOver(token, new Uint8Array(signerInfo.signature.valueBlock.valueHexView), trustedTsaCaPems);
    const tsa = oneLine(token.signer.certificate.subject);
    if (!vouched.ok) return { check: { name, ok: false, detail: `the timestamp of ${tsa}: ${vouched.detail}` } };
    const detail = `PAdES B-T: timestamped ${token.genTime.toISOString()} by ${tsa}; ${vouched.detail}`;
    return { check: { name, ok: true, detail }, genTime: token.genTime.getTime() };
  } catch (error) {
    return { check: { name, ok: false, detail: `the timestamp token is unreadable: ${messageOf(error)}` } };
  }
}

function byteRangeOf(array: PdfArray | undefined): [number, number, number, number] | undefined {
  const values = array?.toArray().map((v) => (v instanceof PdfNumber && v.isInteger() && v.value >= 0 ? v.value : NaN));
  if (!values || values.length !== 4 || values.some((v) => Number.isNaN(v))) return undefined;
  const [a, b, c, d] = values;
  return a + b <= c ? [a, b, c, d] : undefined;
}

const end = (range: [number, number, number, number]) => range[2] + range[3];
const digestLength = (range: [number, number, number, number]) => range[1] + range[3];

function attribute(attrs: pkijs.SignedAndUnsignedAttributes | undefined, oid: string): asn1js.AsnType | undefined {
  return attrs?.attributes.find((a) => a.type === oid)?.values[0];
}

function matchesSid(certificate: pkijs.Certificate, sid: pkijs.SignerInfo['sid']): boolean {
  if (!(sid instanceof pkijs.IssuerAndSerialNumber)) return false;
  return certificate.issuer.isEqual(sid.issuer) && certificate.serialNumber.isEqual(sid.serialNumber);
}

/** A PDF date, D:YYYYMMDDHHmmSS with Z or ±HH'mm' (ISO 32000-1 §7.9.4). */
function pdfDate(text: string | undefined): number | undefined {
  const m = /^D:(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(Z|([+-])(\d{2})'?(\d{2})'?)?/.exec(text ?? '');
  if (!m) return undefined;
  const utc = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
  const offset = m[8] ? (m[8] === '-' ? -1 : 1) * (+m[9] * 60 + +m[10]) * 60_000 : 0;
  return utc - offset;
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));
