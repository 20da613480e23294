// The CMS SignedData of a PAdES baseline signature (ETSI EN 319 142-1 §6.3, EN 319 122-1): detached, signed
// attributes content-type, message-digest and ESS signing-certificate-v2 — and deliberately NO signing-time,
// which PAdES forbids (the claimed time goes in the signature dictionary's /M). B-T adds an RFC 3161 token over
// the signature value as the unsigned attribute signature-time-stamp.
import { createHash } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { OID } from './oids';
import { toArrayBuffer } from './p12';
import type { SealSigner } from './signer';

export interface CadesOptions {
  signer: SealSigner;
  /** SHA-256 of the signed byte ranges */
  documentDigest: Uint8Array;
  /** B-T: returns a TimeStampToken (DER) over the given SHA-256 digest of the signature value */
  timestamp?: (signatureValueDigest: Uint8Array) => Promise<Uint8Array>;
}

export async function buildCadesSignature({ signer, documentDigest, timestamp }: CadesOptions): Promise<Uint8Array> {
  const certificate = pkijs.Certificate.fromBER(toArrayBuffer(signer.certificate));
  const chain = signer.chain.map((der) => pkijs.Certificate.fromBER(toArrayBuffer(der)));
  const sha256 = () => new pkijs.AlgorithmIdentifier({ algorithmId: OID.sha256 });

  const attributes = derSorted([
    new pkijs.Attribute({ type: OID.contentType, values: [new asn1js.ObjectIdentifier({ value: OID.data })] }),
    new pkijs.Attribute({ type: OID.messageDigest, values: [new asn1js.OctetString({ valueHex: toArrayBuffer(documentDigest) })] }),
    signingCertificateV2(signer.certificate, certificate),
  ]);
  const signedAttrs = new pkijs.SignedAndUnsignedAttributes({ type: 0, attributes });
  // The signature covers the attributes DER-encoded as a SET OF (tag 0x31), not as the [0] IMPLICIT field (RFC 5652 §5.4).
  const toSign = new Uint8Array(signedAttrs.toSchema().toBER(false));
  toSign[0] = 0x31;
  const signatureValue = await signer.sign(toSign);

  const signerInfo = new pkijs.SignerInfo({
    version: 1,
    sid: new pkijs.IssuerAndSerialNumber({ issuer: certificate.issuer, serialNumber: certificate.serialNumber }),
    digestAlgorithm: sha256(),
    signedAttrs,
    signatureAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: signer.signatureAlgorithm }),
    signature: new asn1js.OctetString({ valueHex: toArrayBuffer(signatureValue) }),
  });
  if (timestamp) {
    const token = await timestamp(new Uint8Array(createHash('sha256').update(signatureValue).digest()));
    const parsed = asn1js.fromBER(toArrayBuffer(token));
    if (parsed.offset === -1) throw new Error('timestamp token is not valid DER');
    signerInfo.unsignedAttrs = new pkijs.SignedAndUnsignedAttributes({
      type: 1,
      attributes: [new pkijs.Attribute({ type: OID.signatureTimeStampToken, values: [parsed.result] })],
    });
  }

  const signedData = new pkijs.SignedData({
    version: 1,
    digestAlgorithms: [sha256()],
    encapContentInfo: new pkijs.EncapsulatedContentInfo({ eContentType: OID.data }),
    certificates: [certificate, ...chain],
    signerInfos: [signerInfo],
  });
  const contentInfo = new pkijs.ContentInfo({ contentType: OID.signedData, content: signedData.toSchema(true) });
  return new Uint8Array(contentInfo.toSchema().toBER(false));
}

/**
 * ESS signing-certificate-v2 (RFC 5035): binds the signature to this exact certificate, so that another certificate
 * for the same key cannot be substituted. SHA-256 is the default hash, so hashAlgorithm is omitted.
 */
function signingCertificateV2(der: Uint8Array, certificate: pkijs.Certificate): pkijs.Attribute {
  const issuerSerial = new pkijs.IssuerSerial({
    issuer: new pkijs.GeneralNames({ names: [new pkijs.GeneralName({ type: 4, value: certificate.issuer })] }),
    serialNumber: certificate.serialNumber,
  });
  const essCertIdV2 = new asn1js.Sequence({
    value: [new asn1js.OctetString({ valueHex: toArrayBuffer(createHash('sha256').update(der).digest()) }), issuerSerial.toSchema()],
  });
  const value = new asn1js.Sequence({ value: [new asn1js.Sequence({ value: [essCertIdV2] })] });
  return new pkijs.Attribute({ type: OID.signingCertificateV2, values: [value] });
}

/** DER requires the members of a SET OF in ascending order of their encodings; pkijs keeps insertion order. */
function derSorted(attributes: pkijs.Attribute[]): pkijs.Attribute[] {
  const encoded = attributes.map((a) => ({ a, der: Buffer.from(a.toSchema().toBER(false)) }));
  return encoded.sort((x, y) => Buffer.compare(x.der, y.der)).map((e) => e.a);
}
