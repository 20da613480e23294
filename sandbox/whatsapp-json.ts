// Meta serialises webhook bodies like PHP's json_encode: every character outside printable ASCII
// as a \uXXXX escape (lowercase hex, emoji as a surrogate pair) and `/` as `\/`. Apps must check
// X-Hub-Signature-256 on these exact bytes, so the emulator produces them the same way: a handler
// that re-serialises parsed JSON (which writes "ñ" raw) fails the check, as it would against Meta.
import { createHmac } from 'node:crypto';

/** JSON.stringify, then escape what Meta escapes. JSON strings are UTF-16, so one code unit at a time yields the surrogate pairs. */
export function metaJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\u007f-\uffff/]/g, (char) => (char === '/' ? '\\/' : `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`));
}

/** The X-Hub-Signature-256 header value for a raw body. */
export function hubSignature256(appSecret: string, rawBody: string | Buffer): string {
  return `sha256=${createHmac('sha256', appSecret).update(rawBody).digest('hex')}`;
}

/** The legacy X-Hub-Signature header Meta still sends beside the SHA-256 one. */
export function hubSignatureSha1(appSecret: string, rawBody: string | Buffer): string {
  return `sha1=${createHmac('sha1', appSecret).update(rawBody).digest('hex')}`;
}
