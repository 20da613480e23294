// OTP codes. A code is derived from a random nonce (crypto.randomBytes, a CSPRNG) with a server-side
// HMAC key, so the same code can be re-sent until it expires while the database keeps only the nonce
// (useless without the key) and a keyed hash. Attempts are hashed with the same keyed hash before they
// reach Temporal, so neither history nor tables ever hold a code in clear.
import { createHmac, randomBytes } from 'node:crypto';

export function newNonce(): string {
  return randomBytes(32).toString('base64url');
}

/** Digits of HMAC(codeKey, nonce), uniform to within 2^-40 for up to 10 digits. */
export function deriveCode(codeKey: Buffer, nonce: string, length: number): string {
  if (!Number.isInteger(length) || length < 4 || length > 10) throw new RangeError('code length must be 4–10');
  const mac = createHmac('sha256', codeKey).update(nonce).digest();
  const value = mac.readBigUInt64BE(0) % 10n ** BigInt(length);
  return value.toString().padStart(length, '0');
}

/** Keyed hash of a code (or an attempt) bound to its subject, so a hash is useless for another one. */
export function hashCode(hashKey: Buffer, subjectId: string, code: string): string {
  return createHmac('sha256', hashKey).update(`${subjectId}\u0000${code.trim()}`).digest('base64url');
}
