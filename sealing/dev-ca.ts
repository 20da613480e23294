// The development seal: a throw-away CA ("Testigo Development CA") that issues one seal certificate
// ("Testigo Development Seal"), both ECDSA P-256 so that the evidence JWS can use ES256 with the same key.
// The CA's private key is never written anywhere: once it has issued the seal certificate nothing else can be
// issued under it, so a leaked DATA_DIR cannot be used to mint more "Testigo" certificates.
// Built with pkijs (@peculiar/x509 2.x needs a global reflect-metadata polyfill, which we do not want to install).
import { createHash, KeyObject, randomBytes, webcrypto } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { pkiEngine } from './crypto-engine';
import { toArrayBuffer } from './p12';

const ALG = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const YEAR_MS = 365 * 24 * 3600 * 1000;
const EXT = { basicConstraints: '2.5.29.19', keyUsage: '2.5.29.15', subjectKeyId: '2.5.29.14', authorityKeyId: '2.5.29.35' };
// KeyUsage bits (RFC 5280 §4.2.1.3), as the first byte of the BIT STRING, most significant bit first.
const KU = { digitalSignature: 0x80, nonRepudiation: 0x40, keyCertSign: 0x04, cRLSign: 0x02 };

export interface DevSealMaterial {
  caPem: string;
  sealPem: string;
  /** PKCS#8 PEM of the seal's private key */
  sealKeyPem: string;
}

export async function generateDevSeal(now = new Date()): Promise<DevSealMaterial> {
  const subtle = webcrypto.subtle;
  const caKeys = (await subtle.generateKey(ALG, false, ['sign', 'verify'])) as CryptoKeyPair;
  const sealKeys = (await subtle.generateKey(ALG, true, ['sign', 'verify'])) as CryptoKeyPair;
  // Back-dated a little so that a validator whose clock is slightly behind still accepts the certificates.
  const notBefore = new Date(now.getTime() - 3600_000);

  const caName = name('Testigo Development CA');
  const caKeyId = await keyId(caKeys.publicKey);
  const ca = await certificate({
    subject: caName,
    issuer: caName,
    notBefore,
    notAfter: new Date(now.getTime() + 20 * YEAR_MS),
    publicKey: caKeys.publicKey,
    signingKey: caKeys.privateKey,
    extensions: [
      extension(EXT.basicConstraints, true, new pkijs.BasicConstraints({ cA: true, pathLenConstraint: 0 }).toSchema()),
      extension(EXT.keyUsage, true, keyUsage(KU.keyCertSign | KU.cRLSign)),
      extension(EXT.subjectKeyId, false, new asn1js.OctetString({ valueHex: caKeyId })),
    ],
  });
  const seal = await certificate({
    subject: name('Testigo Development Seal'),
    issuer: caName,
    notBefore,
    notAfter: new Date(now.getTime() + 10 * YEAR_MS),
    publicKey: sealKeys.publicKey,
    signingKey: caKeys.privateKey,
    extensions: [
      extension(EXT.basicConstraints, true, new pkijs.BasicConstraints({ cA: false }).toSchema()),
      // nonRepudiation is X.509's old name for contentCommitment: the key commits to what it seals.
      extension(EXT.keyUsage, true, keyUsage(KU.digitalSignature | KU.nonRepudiation)),
      extension(EXT.subjectKeyId, false, new asn1js.OctetString({ valueHex: await keyId(sealKeys.publicKey) })),
      extension(EXT.authorityKeyId, false, new pkijs.AuthorityKeyIdentifier({ keyIdentifier: new asn1js.OctetString({ valueHex: caKeyId }) }).toSchema()),
    ],
  });
  const sealKeyPem = KeyObject.from(sealKeys.privateKey).export({ type: 'pkcs8', format: 'pem' }) as string;
  return { caPem: pem(ca), sealPem: pem(seal), sealKeyPem };
}

interface CertificateSpec {
  subject: pkijs.RelativeDistinguishedNames;
  issuer: pkijs.RelativeDistinguishedNames;
  notBefore: Date;
  notAfter: Date;
  publicKey: CryptoKey;
  signingKey: CryptoKey;
  extensions: pkijs.Extension[];
}

async function certificate(spec: CertificateSpec): Promise<pkijs.Certificate> {
  const cert = new pkijs.Certificate();
  cert.version = 2;
  cert.serialNumber = new asn1js.Integer({ valueHex: toArrayBuffer(serial()) });
  cert.subject = spec.subject;
  cert.issuer = spec.issuer;
  cert.notBefore.value = spec.notBefore;
  cert.notAfter.value = spec.notAfter;
  cert.extensions = spec.extensions;
  await cert.subjectPublicKeyInfo.importKey(spec.publicKey, pkiEngine());
  await cert.sign(spec.signingKey, 'SHA-256', pkiEngine());
  return cert;
}

function name(commonName: string): pkijs.RelativeDistinguishedNames {
  // One attribute per RDN (O, then CN): pkijs would put all of them into a single multi-valued RDN ("O=… + CN=…").
  const rdn = (type: string, value: string) =>
    new asn1js.Set({ value: [new pkijs.AttributeTypeAndValue({ type, value: new asn1js.Utf8String({ value }) }).toSchema()] });
  const sequence = new asn1js.Sequence({ value: [rdn('2.5.4.10', 'Testigo'), rdn('2.5.4.3', commonName)] });
  return new pkijs.RelativeDistinguishedNames({ schema: asn1js.fromBER(sequence.toBER(false)).result });
}

function extension(extnID: string, critical: boolean, value: asn1js.AsnType): pkijs.Extension {
  return new pkijs.Extension({ extnID, critical, extnValue: value.toBER(false) });
}

/** A one-byte BIT STRING with the unused trailing bits declared, as DER wants. */
function keyUsage(bits: number): asn1js.BitString {
  let unused = 0;
  while (unused < 7 && !(bits & (1 << unused))) unused++;
  return new asn1js.BitString({ valueHex: new Uint8Array([bits]).buffer, unusedBits: unused });
}

/** RFC 5280 §4.2.1.2 method 1: SHA-1 of the subjectPublicKey bits. */
async function keyId(publicKey: CryptoKey): Promise<ArrayBuffer> {
  const raw = new Uint8Array(await webcrypto.subtle.exportKey('raw', publicKey));
  return toArrayBuffer(new Uint8Array(createHash('sha1').update(raw).digest()));
}

/** 16 random bytes as a positive INTEGER with no leading zero byte. */
function serial(): Uint8Array {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] & 0x7f) | 0x40;
  return new Uint8Array(bytes);
}

function pem(cert: pkijs.Certificate): string {
  const b64 = Buffer.from(cert.toSchema().toBER(false)).toString('base64').replace(/.{64}/g, '$&\n').replace(/\n$/, '');
  return `-----BEGIN CERTIFICATE-----\n${b64}\n-----END CERTIFICATE-----\n`;
}
