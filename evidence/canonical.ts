// RFC 8785 (JSON Canonicalization Scheme): the one byte form of a JSON value that the hash chain and the
// JWS are computed over, so that anyone re-serialising the evidence in any language gets the same bytes.
// The work is done by a maintained implementation (`canonicalize`); the tests check it on the RFC's own
// examples. Kept to one function so the library can be swapped in one place.
import canonicalize from 'canonicalize';

/**
 * The UTF-8 bytes of `value` in RFC 8785 canonical form.
 * @throws TypeError when `value` has no JSON form (undefined, a function, a symbol) or holds a non-finite
 *   number (RFC 8785 §3.2.2.3: NaN and Infinity are errors, not `null`)
 */
export function canonicalBytes(value: unknown): Uint8Array {
  const text = canonicalize(value);
  if (text === undefined) throw new TypeError('value has no JSON form');
  return new TextEncoder().encode(text);
}
