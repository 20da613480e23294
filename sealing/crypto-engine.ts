// pkijs does its hashing, MAC checks and decryption through a WebCrypto engine; we hand it Node's explicitly so
// that nothing depends on pkijs guessing the global environment.
//
// With one change: deriveKey is done as deriveBits + importKey('raw'), which is how WebCrypto defines it. Since Node 22,
// subtle.deriveKey settles an internal promise whose `constructor` is undefined, and the Temporal worker's promise hook
// — installed for the whole process once a workflow worker runs — reads `promise.constructor.constructor` on every
// settled promise and throws: an uncaught exception that ends the worker. pkijs derives keys that way for PKCS#12
// (SEAL_P12: PBKDF2 for the MAC and PBES2 decryption), so loading an operator's seal under a running worker crashed it.
import { webcrypto } from 'node:crypto';
import * as pkijs from 'pkijs';

let engine: pkijs.CryptoEngine | undefined;

export function pkiEngine(): pkijs.CryptoEngine {
  // pkijs takes its SubtleCrypto from `crypto.subtle`.
  const subtle = hookSafeSubtle(webcrypto.subtle as SubtleCrypto);
  engine ??= new pkijs.CryptoEngine({ name: 'node', crypto: bound(webcrypto as unknown as Crypto, { subtle }) });
  return engine;
}

/** `target` with some members replaced; its own methods still called on it (WebCrypto's methods check their receiver). */
function bound<T extends object>(target: T, replaced: Partial<T>): T {
  return new Proxy(target, {
    get(object, property) {
      if (property in replaced) return (replaced as Record<PropertyKey, unknown>)[property];
      const value = Reflect.get(object, property, object);
      return typeof value === 'function' ? value.bind(object) : value;
    },
  });
}

type DerivedKeyType = AlgorithmIdentifier | AesDerivedKeyParams | HmacImportParams;

/** Bits a derived key of this type takes: AES its length; HMAC its length, else its hash's block size (WebCrypto §HMAC). */
function derivedLength(type: DerivedKeyType): number {
  const params = (typeof type === 'string' ? { name: type } : type) as { name: string; length?: number; hash?: AlgorithmIdentifier };
  if (params.length) return params.length;
  if (params.name.toUpperCase() === 'HMAC') {
    const hash = (typeof params.hash === 'string' ? params.hash : ((params.hash as { name: string } | undefined)?.name ?? '')).toUpperCase();
    return hash === 'SHA-384' || hash === 'SHA-512' ? 1024 : 512;
  }
  throw new Error(`deriveKey: no length for ${params.name}`);
}

export function hookSafeSubtle(subtle: SubtleCrypto): SubtleCrypto {
  const deriveKey = async (
    algorithm: Parameters<SubtleCrypto['deriveBits']>[0],
    baseKey: CryptoKey,
    type: DerivedKeyType,
    extractable: boolean,
    usages: KeyUsage[],
  ) => {
    const bits = await subtle.deriveBits(algorithm, baseKey, derivedLength(type));
    return subtle.importKey('raw', bits, type, extractable, usages);
  };
  // A base key imported for deriveKey must also allow deriveBits, which now does the work (pkijs's are password keys
  // made for one derivation).
  const importKey = (format: 'raw', data: BufferSource, algorithm: AlgorithmIdentifier, extractable: boolean, usages: KeyUsage[]) =>
    subtle.importKey(format, data, algorithm, extractable, usages.includes('deriveKey') && !usages.includes('deriveBits') ? [...usages, 'deriveBits'] : usages);
  return bound(subtle, { deriveKey, importKey } as unknown as Partial<SubtleCrypto>);
}
