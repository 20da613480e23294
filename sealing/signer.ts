// Signers are swappable (a local key today; an HSM or a cloud KMS tomorrow): the CMS builder needs only the
// certificate, its issuers, the signature algorithm and a function that signs bytes.
import { sign } from 'node:crypto';
import type { SealIdentity } from './identity';
import { OID } from './oids';

export interface SealSigner {
  /** DER of the signing certificate */
  readonly certificate: Uint8Array;
  /** DER of the issuers to embed, nearest first */
  readonly chain: Uint8Array[];
  /** OID of the signature algorithm written into SignerInfo (ecdsa-with-SHA256 or sha256WithRSAEncryption) */
  readonly signatureAlgorithm: string;
  /** Hashes `data` with SHA-256 and signs it; ECDSA as a DER Ecdsa-Sig-Value, RSA as PKCS#1 v1.5 (what CMS carries). */
  sign(data: Uint8Array): Promise<Uint8Array>;
}

export function identitySigner(identity: SealIdentity): SealSigner {
  const key = identity.privateKey;
  const type = key.asymmetricKeyType;
  if (type !== 'ec' && type !== 'rsa') throw new Error(`seal keys must be EC or RSA, got ${type}`);
  return {
    certificate: identity.certificate,
    chain: identity.chain,
    signatureAlgorithm: type === 'ec' ? OID.ecdsaWithSha256 : OID.sha256WithRsa,
    sign: async (data) => new Uint8Array(sign('sha256', data, type === 'ec' ? { key, dsaEncoding: 'der' } : key)),
  };
}
