// The evidence's signature: a compact JWS (ES256) over the RFC 8785 bytes of the evidence, made with node-jose
// by the seal's key, carrying the seal's certificate chain (`x5c`) and the key's RFC 7638 thumbprint (`kid`).
// Anyone verifies it with any JOSE library against the JWKS published at /.well-known/jwks.json, and checks
// the chain against the published CA. Verification itself is in verify.ts.
import { createHash, createPrivateKey, createPublicKey, KeyObject, X509Certificate } from 'node:crypto';
import jose from 'node-jose';
import { canonicalBytes } from './canonical';
import type { Evidence } from './model';

/** The JWS `typ` (RFC 7515 §4.1.9; RFC 8725 §3.11: explicit typing, so no other JWS of ours passes for evidence). */
export const EVIDENCE_JWS_TYPE = 'testigo-evidence+jws';
export const EVIDENCE_JWS_ALG = 'ES256';

export interface EvidenceSigner {
  /** the seal's ECDSA P-256 private key: PKCS#8 or SEC1 PEM, or a KeyObject */
  privateKey: string | KeyObject;
  /** DER certificates, the seal's first, then its issuers */
  certificateChainDer: Uint8Array[];
}

/** The protected header of an evidence JWS. */
export interface EvidenceJwsHeader {
  alg: typeof EVIDENCE_JWS_ALG;
  typ: typeof EVIDENCE_JWS_TYPE;
  kid: string;
  /** standard base64 (not base64url) DER certificates, RFC 7515 §4.1.6 */
  x5c: string[];
}

export interface PublicJwk {
  kty: 'EC';
  crv: 'P-256';
  x: string;
  y: string;
  kid: string;
  use: 'sig';
  alg: typeof EVIDENCE_JWS_ALG;
  x5c: string[];
}

export interface Jwks {
  keys: PublicJwk[];
}

/** RFC 7638 thumbprint (SHA-256, base64url) of an EC public key: the JWS `kid` and the JWKS entry's. */
export function jwkThumbprint(key: KeyObject | string): string {
  const jwk = publicKeyOf(key).export({ format: 'jwk' });
  // RFC 7638 §3.2: the required members only, in lexicographic order, no whitespace; canonical JSON is exactly that.
  const members = { crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y };
  return createHash('sha256').update(canonicalBytes(members)).digest('base64url');
}

/** What `evidence.issuer` must say for the seal certificate `certificateDer`. */
export function issuerOf(certificateDer: Uint8Array): Evidence['issuer'] {
  const certificate = new X509Certificate(certificateDer);
  return {
    // Node prints one RDN a line; one line reads better in JSON and on paper.
    subject: certificate.subject.split('\n').join(', '),
    certificateSha256: createHash('sha256').update(certificateDer).digest('hex'),
  };
}

/**
 * Signs the evidence as a compact JWS.
 * @throws Error when the key is not P-256, the chain is empty or does not certify the key, or
 *   `evidence.issuer` does not name the chain's first certificate — a signature nobody could check is refused.
 */
export async function signEvidence(evidence: Evidence, signer: EvidenceSigner): Promise<string> {
  const privateKey = typeof signer.privateKey === 'string' ? createPrivateKey(signer.privateKey) : signer.privateKey;
  const leaf = signer.certificateChainDer[0];
  if (!leaf) throw new Error('the certificate chain is empty');
  const kid = jwkThumbprint(privateKey);
  if (jwkThumbprint(new X509Certificate(leaf).publicKey) !== kid) throw new Error("the chain's first certificate is not the signing key's");
  const issuer = issuerOf(leaf);
  if (evidence.issuer?.certificateSha256 !== issuer.certificateSha256 || evidence.issuer.subject !== issuer.subject) {
    throw new Error(`evidence.issuer must be ${JSON.stringify(issuer)}`);
  }
  const key = await jose.JWK.asKey(privateKey.export({ format: 'jwk' }) as object);
  const header: EvidenceJwsHeader = { alg: EVIDENCE_JWS_ALG, typ: EVIDENCE_JWS_TYPE, kid, x5c: signer.certificateChainDer.map(base64) };
  // Our fields are the whole protected header (our kid wins over the one node-jose would derive itself).
  const jws = await jose.JWS.createSign({ format: 'compact', fields: { ...header } }, key)
    .update(Buffer.from(canonicalBytes(evidence)))
    .final();
  return jws as unknown as string;
}

/** The JWKS document for GET /.well-known/jwks.json: the seal's public key with its chain. */
export function jwks(publicKey: KeyObject | string, certificateChainDer: Uint8Array[]): Jwks {
  const jwk = publicKeyOf(publicKey).export({ format: 'jwk' });
  return {
    keys: [
      {
        kty: 'EC',
        crv: 'P-256',
        x: jwk.x!,
        y: jwk.y!,
        kid: jwkThumbprint(publicKey),
        use: 'sig',
        alg: EVIDENCE_JWS_ALG,
        x5c: certificateChainDer.map(base64),
      },
    ],
  };
}

/** The public half of a P-256 key given as a KeyObject or PEM (public, private or certificate). */
function publicKeyOf(key: KeyObject | string): KeyObject {
  const object = typeof key === 'string' ? createPublicKey(key) : key.type === 'private' ? createPublicKey(key) : key;
  if (object.asymmetricKeyType !== 'ec' || object.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new Error('the evidence key must be ECDSA P-256 (ES256)');
  }
  return object;
}

function base64(der: Uint8Array): string {
  return Buffer.from(der).toString('base64');
}
