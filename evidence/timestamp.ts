// The RFC 3161 time-stamp over the chain head (see EvidenceTimestamp in model.ts for what is imprinted and how a
// judge checks it with OpenSSL alone): reading a token, putting it into the evidence, and checking it offline.
//
// Pure: the token is requested elsewhere (sealing/requestTimestamp, by the issuing activity); here there is no
// network and no clock. Cryptography: pkijs verifies the token's CMS signature (and recomputes the imprint from the
// last event's bytes), node:crypto the certificates.
import { createHash, X509Certificate } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { canonicalBytes } from './canonical';
import type { Evidence, EvidenceEvent, EvidenceTimestamp } from './model';
import { pkiEngine } from './pki-engine';
import { issuerPath, oneLine } from './x509-chain';

/** How far the token's genTime may stray from our own clock's times (issuedAt, the last event) before it is suspect. */
export const TIMESTAMP_CLOCK_TOLERANCE_MS = 5 * 60_000;

const OID = {
  signedData: '1.2.840.113549.1.7.2',
  tstInfo: '1.2.840.113549.1.9.16.1.4',
  sha1: '1.3.14.3.2.26',
  sha256: '2.16.840.1.101.3.4.2.1',
  sha384: '2.16.840.1.101.3.4.2.2',
  sha512: '2.16.840.1.101.3.4.2.3',
  signingCertificate: '1.2.840.113549.1.9.16.2.12',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
  extKeyUsage: '2.5.29.37',
  timeStamping: '1.3.6.1.5.5.7.3.8',
} as const;
const HASHES: Record<string, string> = { [OID.sha1]: 'sha1', [OID.sha256]: 'sha256', [OID.sha384]: 'sha384', [OID.sha512]: 'sha512' };

const HEX64 = /^[0-9a-f]{64}$/;

/** The messageImprint's hashedMessage to ask the authority for: the chain head's 32 bytes. */
export function timestampImprint(chainHead: string): Uint8Array {
  if (!HEX64.test(chainHead)) throw new Error('the chain head is not a lowercase hex SHA-256');
  return new Uint8Array(Buffer.from(chainHead, 'hex'));
}

/** A TimeStampToken taken apart. */
export interface TimestampToken {
  signed: pkijs.SignedData;
  info: pkijs.TSTInfo;
  imprintAlgorithm: string;
  imprint: string;
  genTime: Date;
  serialNumber: string;
  policy: string;
  /** every certificate the token carries, DER, in its order */
  certificates: Uint8Array[];
  /** the one whose key signed it */
  signer: { der: Uint8Array; certificate: X509Certificate };
}

/** @throws Error naming what is wrong when `der` is not a time-stamp token signed by a certificate it carries */
export function readTimestampToken(der: Uint8Array): TimestampToken {
  const asn = asn1js.fromBER(toArrayBuffer(der));
  if (asn.offset === -1) throw new Error('the time-stamp token is not DER');
  const content = new pkijs.ContentInfo({ schema: asn.result });
  if (content.contentType !== OID.signedData) throw new Error('the time-stamp token is not a CMS SignedData');
  const signed = new pkijs.SignedData({ schema: content.content });
  const eContent = signed.encapContentInfo.eContent;
  if (signed.encapContentInfo.eContentType !== OID.tstInfo || !eContent) throw new Error('the time-stamp token does not hold a TSTInfo');
  const info = pkijs.TSTInfo.fromBER(eContent.getValue());
  const certificates = (signed.certificates ?? [])
    .filter((c): c is pkijs.Certificate => c instanceof pkijs.Certificate)
    .map((c) => new Uint8Array(c.toSchema().toBER(false)));
  if (signed.signerInfos.length !== 1) throw new Error(`the time-stamp token has ${signed.signerInfos.length} signers, not one`);
  const signer = signerCertificate(signed, certificates);
  return {
    signed,
    info,
    imprintAlgorithm: info.messageImprint.hashAlgorithm.algorithmId,
    imprint: Buffer.from(info.messageImprint.hashedMessage.valueBlock.valueHexView).toString('hex'),
    genTime: info.genTime,
    serialNumber: Buffer.from(info.serialNumber.valueBlock.valueHexView).toString('hex'),
    policy: info.policy,
    certificates,
    signer,
  };
}

/** The certificate the SignerInfo names (issuer and serial, or subject key identifier) among those the token carries. */
function signerCertificate(signed: pkijs.SignedData, certificates: Uint8Array[]): TimestampToken['signer'] {
  const sid = signed.signerInfos[0].sid;
  for (const der of certificates) {
    const parsed = pkijs.Certificate.fromBER(toArrayBuffer(der));
    const matches =
      sid instanceof pkijs.IssuerAndSerialNumber
        ? parsed.issuer.isEqual(sid.issuer) && parsed.serialNumber.isEqual(sid.serialNumber)
        : Buffer.from(sid.idBlock.isConstructed ? sid.valueBlock.value[0].valueBlock.valueHexView : sid.valueBlock.valueHexView).equals(
            createHash('sha1').update(parsed.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView).digest(),
          );
    if (matches) return { der, certificate: new X509Certificate(der) };
  }
  throw new Error('the time-stamp token does not carry the certificate that signed it (it must: RFC 3161 certReq)');
}

/**
 * The evidence with the token in it. Called by the issuer right after the authority answered; `issuedAt` is then (so
 * that the token is not later than the evidence that holds it).
 * @throws Error when the token does not time-stamp this evidence's chain head
 */
export function withTimestamp(evidence: Evidence, tokenDer: Uint8Array, issuedAt: string): Evidence {
  const head = evidence.events.at(-1)?.hash ?? '';
  const token = readTimestampToken(tokenDer);
  if (token.imprintAlgorithm !== OID.sha256 || token.imprint !== head) throw new Error('the time-stamp token is not over this evidence’s chain head');
  const timestamp: EvidenceTimestamp = {
    timeStampToken: Buffer.from(tokenDer).toString('base64'),
    imprint: token.imprint,
    genTime: token.genTime.toISOString(),
    serialNumber: token.serialNumber,
    policy: token.policy,
    tsa: oneLine(token.signer.certificate.subject),
  };
  return { ...evidence, timestamp, issuedAt: new Date(issuedAt).toISOString() };
}

export interface TimestampOutcome {
  ok: boolean;
  detail: string;
}

/**
 * The `chain_timestamp` check. Without a timestamp: passes (a deployment without TSA_URL issues none). With one:
 * the token's imprint is SHA-256 of the last event's bytes, i.e. the chain head; its CMS signature verifies with the
 * certificate it carries, which is a time-stamping certificate (critical EKU timeStamping) bound by the ESS
 * signing-certificate attribute; its certificates link up and were valid at genTime, ending at one of the trusted
 * TSA CAs when given; genTime lies between the last event and issuedAt (± TIMESTAMP_CLOCK_TOLERANCE_MS); and what
 * the evidence says about the token (imprint, genTime, serial, policy, TSA) is what the token says.
 */
export async function checkTimestamp(evidence: Evidence, trustedTsaCaPems?: readonly string[]): Promise<TimestampOutcome> {
  const fail = (detail: string): TimestampOutcome => ({ ok: false, detail });
  const stamp = (evidence as { timestamp?: EvidenceTimestamp | null }).timestamp ?? null;
  if (stamp === null) return { ok: true, detail: 'no timestamp (TSA_URL not set)' };
  if (typeof stamp !== 'object' || typeof stamp.timeStampToken !== 'string') return fail('timestamp.timeStampToken is not a string');
  let token: TimestampToken;
  try {
    token = readTimestampToken(new Uint8Array(Buffer.from(stamp.timeStampToken, 'base64')));
  } catch (error) {
    return fail((error as Error).message);
  }

  // what was time-stamped: the chain head
  const head: EvidenceEvent | undefined = Array.isArray(evidence.events) ? evidence.events.at(-1) : undefined;
  if (!head) return fail('no events: nothing to time-stamp');
  if (token.imprintAlgorithm !== OID.sha256) return fail(`the token's imprint is not SHA-256 (${token.imprintAlgorithm})`);
  if (token.imprint !== head.hash) return fail(`the token time-stamps ${token.imprint}, not the chain head ${head.hash}`);
  const { hash: _hash, ...unhashed } = head;
  const headBytes = canonicalBytes(unhashed);
  if (createHash('sha256').update(headBytes).digest('hex') !== head.hash) return fail('the last event does not hash to the chain head (see hash_chain)');

  const vouched = await verifyTokenOver(token, headBytes, trustedTsaCaPems);
  if (!vouched.ok) return fail(vouched.detail);
  const genTime = token.genTime.getTime();
  const tsa = oneLine(token.signer.certificate.subject);

  // when: after the last event, not after the evidence was issued (our clock against the authority's)
  const issuedAt = Date.parse(evidence.issuedAt);
  const lastAt = Date.parse(head.at);
  if (!Number.isFinite(issuedAt) || !Number.isFinite(lastAt)) return fail('issuedAt or the last event time is not a time');
  const at = token.genTime.toISOString();
  if (genTime > issuedAt + TIMESTAMP_CLOCK_TOLERANCE_MS) return fail(`genTime ${at} is after issuedAt ${evidence.issuedAt}`);
  if (genTime < lastAt - TIMESTAMP_CLOCK_TOLERANCE_MS) return fail(`genTime ${at} is before the last event (${head.at}) it time-stamps`);

  // what the evidence says about the token is what the token says
  const claimed: Array<[keyof EvidenceTimestamp, string, boolean]> = [
    ['imprint', token.imprint, stamp.imprint === token.imprint],
    ['genTime', at, Date.parse(stamp.genTime) === genTime],
    ['serialNumber', token.serialNumber, stamp.serialNumber === token.serialNumber],
    ['policy', token.policy, stamp.policy === token.policy],
    ['tsa', tsa, stamp.tsa === tsa],
  ];
  const wrong = claimed.filter(([, , same]) => !same);
  if (wrong.length > 0) return fail(wrong.map(([key, actual]) => `timestamp.${key} is not the token's (${actual})`).join('; '));

  return { ok: true, detail: `RFC 3161 token of ${tsa} (serial ${token.serialNumber}) over the chain head at ${at}; ${vouched.detail}` };
}

/**
 * What any RFC 3161 token must pass, whatever it stamps (the evidence's chain head, a PAdES signature value): its
 * imprint is SHA-256 of `timestamped` (pkijs recomputes it), its CMS signature verifies with the certificate it
 * carries, which is a time-stamping certificate bound by the ESS signing-certificate attribute; its certificates link
 * up and were valid at genTime, ending at one of the trusted TSA CAs when given.
 */
export async function verifyTokenOver(token: TimestampToken, timestamped: Uint8Array, trustedTsaCaPems?: readonly string[]): Promise<TimestampOutcome> {
  const fail = (detail: string): TimestampOutcome => ({ ok: false, detail });
  if (token.imprintAlgorithm !== OID.sha256) return fail(`the token's imprint is not SHA-256 (${token.imprintAlgorithm})`);
  if (token.imprint !== createHash('sha256').update(timestamped).digest('hex')) return fail('the token time-stamps other data');
  // the authority's signature, over the TSTInfo with this imprint
  let verified: boolean;
  try {
    const result = await token.signed.verify({ signer: 0, data: toArrayBuffer(timestamped), checkChain: false, extendedMode: true }, pkiEngine());
    verified = result.signatureVerified === true;
  } catch (error) {
    verified = false;
    if (!(error instanceof pkijs.SignedDataVerifyError)) return fail(`the token's signature could not be checked: ${(error as Error).message}`);
  }
  const tsa = oneLine(token.signer.certificate.subject);
  if (!verified) return fail(`the token's signature does not verify with its certificate (${tsa})`);
  const binding = checkSignerBinding(token);
  if (binding) return fail(binding);
  if (!isTimeStampingCertificate(token.signer.der)) return fail(`${tsa} is not a time-stamping certificate (critical extended key usage timeStamping)`);

  // the authority's certificates, at genTime
  const genTime = token.genTime.getTime();
  const path = issuerPath(
    token.signer.certificate,
    token.certificates.map((der) => new X509Certificate(der)),
  );
  const validAt = (c: X509Certificate) => Date.parse(c.validFrom) <= genTime && genTime <= Date.parse(c.validTo);
  for (const [index, certificate] of path.entries()) {
    if (!validAt(certificate)) return fail(`TSA certificate ${index + 1} (${oneLine(certificate.subject)}) was not valid at genTime`);
  }
  let anchor = 'not anchored (no trusted TSA CA given)';
  if (trustedTsaCaPems && trustedTsaCaPems.length > 0) {
    const top = path[path.length - 1];
    const ca = trustedTsaCaPems
      .map((pem) => new X509Certificate(pem))
      .find((ca) => top.fingerprint256 === ca.fingerprint256 || (top.checkIssued(ca) && top.verify(ca.publicKey)));
    if (!ca) return fail(`${tsa} does not chain to a trusted TSA CA`);
    if (!validAt(ca)) return fail(`the trusted TSA CA (${oneLine(ca.subject)}) was not valid at genTime`);
    anchor = `chains to ${oneLine(ca.subject)}`;
  }

  return { ok: true, detail: `signature valid; ${anchor}` };
}

/**
 * RFC 3161 §2.4.1: the token's signed attributes carry ESS signing-certificate (v1, SHA-1) or -v2 (RFC 5035), whose
 * first certificate hash must be the signer's: another certificate for the same key cannot pass for it.
 * @returns what is wrong, or undefined
 */
function checkSignerBinding(token: TimestampToken): string | undefined {
  const attributes = token.signed.signerInfos[0].signedAttrs?.attributes ?? [];
  const v2 = attributes.find((a) => a.type === OID.signingCertificateV2);
  const v1 = attributes.find((a) => a.type === OID.signingCertificate);
  const attribute = v2 ?? v1;
  if (!attribute) return 'the token has no ESS signing-certificate attribute';
  try {
    const certs = (attribute.values[0] as asn1js.Sequence).valueBlock.value[0] as asn1js.Sequence;
    const first = (certs.valueBlock.value[0] as asn1js.Sequence).valueBlock.value;
    let algorithm: string = OID.sha1;
    let hash = first[0];
    if (v2) {
      // ESSCertIDv2 { hashAlgorithm DEFAULT sha256, certHash, issuerSerial OPTIONAL }
      algorithm = OID.sha256;
      if (first[0] instanceof asn1js.Sequence) {
        algorithm = (first[0].valueBlock.value[0] as asn1js.ObjectIdentifier).valueBlock.toString();
        hash = first[1];
      }
    }
    const name = HASHES[algorithm];
    if (!name) return `the ESS signing-certificate hash algorithm ${algorithm} is not supported`;
    const expected = createHash(name).update(token.signer.der).digest();
    return Buffer.from((hash as asn1js.OctetString).valueBlock.valueHexView).equals(expected)
      ? undefined
      : 'the ESS signing-certificate attribute names another certificate than the signer';
  } catch {
    return 'the ESS signing-certificate attribute is unreadable';
  }
}

/** RFC 3161 §2.3: the TSA's certificate has the extended key usage timeStamping, in an extension marked critical. */
function isTimeStampingCertificate(der: Uint8Array): boolean {
  const certificate = pkijs.Certificate.fromBER(toArrayBuffer(der));
  const extension = certificate.extensions?.find((e) => e.extnID === OID.extKeyUsage);
  const usages = (extension?.parsedValue as pkijs.ExtKeyUsage | undefined)?.keyPurposes ?? [];
  return extension?.critical === true && usages.includes(OID.timeStamping);
}

function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}
