// The seal identity: who seals the documents. Either the operator's PKCS#12 (SEAL_P12 / SEAL_P12_PASSWORD) or,
// when none is configured, a development CA and seal generated into DATA_DIR/seal at first start and kept, so
// that every start (and every process: API and worker) seals with the same certificate.
import { createPrivateKey, type KeyObject, randomBytes, X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { generateDevSeal } from './dev-ca';
import { readP12 } from './p12';

export interface SealIdentity {
  privateKey: KeyObject;
  /** DER of the seal certificate */
  certificate: Uint8Array;
  /** DER of the issuers, nearest first (may end with the root) */
  chain: Uint8Array[];
  /** the seal certificate then its issuers, PEM */
  chainPem: string;
  /** the trust anchor to publish (GET /.well-known/testigo-ca.pem): the chain's top certificate */
  caPem: string;
  /** subject DN of the seal certificate, e.g. "CN=Testigo Development Seal\nO=Testigo" as Node prints it */
  subject: string;
  /** SHA-256 of the seal certificate's DER, lowercase hex */
  fingerprint: string;
  source: 'p12' | 'development';
}

export interface LoadSealIdentityOptions {
  dataDir: string;
  p12Path?: string;
  p12Password?: string;
}

export class SealIdentityError extends Error {}

export const DEV_SEAL_FILES = { ca: 'ca.pem', certificate: 'seal.pem', key: 'seal-key.pem' } as const;

export async function loadSealIdentity(options: LoadSealIdentityOptions): Promise<SealIdentity> {
  if (options.p12Path) {
    let bytes: Buffer;
    try {
      bytes = readFileSync(options.p12Path);
    } catch (err) {
      throw new SealIdentityError(`cannot read SEAL_P12 ${options.p12Path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    const { privateKey, certificates } = await readP12(bytes, options.p12Password ?? '').catch((err: Error) => {
      throw new SealIdentityError(`SEAL_P12 ${options.p12Path}: ${err.message}`);
    });
    return identityFrom(
      privateKey,
      certificates.map((der) => new X509Certificate(der)),
      'p12',
    );
  }
  return loadOrCreateDevIdentity(path.join(options.dataDir, 'seal'));
}

async function loadOrCreateDevIdentity(dir: string): Promise<SealIdentity> {
  if (!existsSync(dir)) {
    const material = await generateDevSeal();
    // Written into a private temporary folder and renamed into place: the rename is atomic, so two processes
    // starting together (API and worker) end up with one identity, and a crash never leaves half of one.
    mkdirSync(path.dirname(dir), { recursive: true });
    const tmp = `${dir}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
    mkdirSync(tmp, { mode: 0o700 });
    writeFileSync(path.join(tmp, DEV_SEAL_FILES.ca), material.caPem, { mode: 0o644 });
    writeFileSync(path.join(tmp, DEV_SEAL_FILES.certificate), material.sealPem, { mode: 0o644 });
    writeFileSync(path.join(tmp, DEV_SEAL_FILES.key), material.sealKeyPem, { mode: 0o600 });
    try {
      renameSync(tmp, dir);
    } catch (err) {
      rmSync(tmp, { recursive: true, force: true });
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw err; // another process won the race: use its identity
    }
  }
  const read = (name: string) => {
    try {
      return readFileSync(path.join(dir, name), 'utf8');
    } catch {
      throw new SealIdentityError(`development seal in ${dir} is incomplete (${name} missing); delete the folder to generate a new one`);
    }
  };
  const privateKey = createPrivateKey(read(DEV_SEAL_FILES.key));
  const certs = [new X509Certificate(read(DEV_SEAL_FILES.certificate)), new X509Certificate(read(DEV_SEAL_FILES.ca))];
  return identityFrom(privateKey, certs, 'development');
}

/** Finds the certificate that belongs to the key and orders its issuers from the rest, whatever order the file had. */
function identityFrom(privateKey: KeyObject, certs: X509Certificate[], source: SealIdentity['source']): SealIdentity {
  const leaf = certs.find((c) => c.checkPrivateKey(privateKey));
  if (!leaf) throw new SealIdentityError('no certificate matches the private key');
  const chain: X509Certificate[] = [];
  let current = leaf;
  while (current.issuer !== current.subject) {
    const issuer = certs.find((c) => c !== current && !chain.includes(c) && current.checkIssued(c) && current.verify(c.publicKey));
    if (!issuer) break;
    chain.push(issuer);
    current = issuer;
  }
  const der = (c: X509Certificate) => new Uint8Array(c.raw);
  const top = chain.at(-1) ?? leaf;
  return {
    privateKey,
    certificate: der(leaf),
    chain: chain.map(der),
    chainPem: [leaf, ...chain].map((c) => c.toString()).join(''),
    caPem: top.toString(),
    subject: leaf.subject,
    fingerprint: leaf.fingerprint256.replace(/:/g, '').toLowerCase(),
    source,
  };
}
