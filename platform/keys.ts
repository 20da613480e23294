// Server-side secrets. PAYLOAD_KEY is the master key: it encrypts Temporal payloads directly and,
// through HKDF, yields independent subkeys for OTP code derivation and hashing, so a leak of one
// derived key reveals nothing about the others. Unset → generated once into DATA_DIR/keys.
import { hkdfSync, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';

export interface Keys {
  /** AES-256-GCM key for the Temporal payload codec */
  payload: Buffer;
  /** id written in encrypted payloads' metadata, so keys can be rotated */
  payloadKeyId: string;
  /** HMAC key deriving an OTP code from its random nonce */
  otpCode: Buffer;
  /** HMAC key hashing OTP codes and attempts (the only form stored) */
  otpHash: Buffer;
  /** AES-256-GCM key for secrets kept at rest (tenants' callback secrets) */
  secrets: Buffer;
}

export function parseKey(base64: string, name = 'PAYLOAD_KEY'): Buffer {
  const key = Buffer.from(base64, 'base64');
  if (key.length !== 32) throw new Error(`${name} must be 32 bytes encoded in base64 (got ${key.length} bytes)`);
  return key;
}

/** Reads DATA_DIR/keys/payload.key, creating it (mode 0600) on first use. */
export function loadOrCreateDevKey(dataDir: string): Buffer {
  const dir = path.join(dataDir, 'keys');
  const file = path.join(dir, 'payload.key');
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    writeFileSync(file, randomBytes(32).toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
  }
  return parseKey(readFileSync(file, 'utf8').trim(), file);
}

export function deriveKeys(master: Buffer): Keys {
  const sub = (info: string) => Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), `testigo ${info}`, 32));
  return {
    payload: master,
    // A short fingerprint of the key (not the key): lets a decoder pick the right key after rotation.
    payloadKeyId: sub('payload key id').subarray(0, 6).toString('hex'),
    otpCode: sub('otp code'),
    otpHash: sub('otp hash'),
    secrets: sub('secrets at rest'),
  };
}

export function loadKeys(config: { payloadKey?: string; dataDir: string }): Keys {
  return deriveKeys(config.payloadKey ? parseKey(config.payloadKey) : loadOrCreateDevKey(config.dataDir));
}
