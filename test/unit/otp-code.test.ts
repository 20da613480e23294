// OTP codes: derivation from (key, nonce), nonce generation and the keyed hash of codes/attempts.
import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { deriveCode, hashCode, newNonce } from '../../domain/otp-code';

const KEY = Buffer.alloc(32, 7);
const OTHER_KEY = Buffer.alloc(32, 8);

describe('otp-code', () => {
  describe('deriveCode', () => {
    it('is deterministic for the same (key, nonce, length)', () => {
      const nonce = newNonce();
      for (let length = 4; length <= 10; length++) {
        assert.equal(deriveCode(KEY, nonce, length), deriveCode(Buffer.from(KEY), nonce, length));
      }
    });

    it('is the first 64 bits of HMAC-SHA256(key, nonce) reduced mod 10^length', () => {
      for (let i = 0; i < 50; i++) {
        const nonce = newNonce();
        const value = createHmac('sha256', KEY).update(nonce).digest().readBigUInt64BE(0);
        for (const length of [4, 6, 8, 10]) {
          assert.equal(deriveCode(KEY, nonce, length), (value % 10n ** BigInt(length)).toString().padStart(length, '0'));
        }
      }
    });

    it('returns exactly `length` decimal digits for every length 4..10', () => {
      for (let length = 4; length <= 10; length++) {
        for (let i = 0; i < 200; i++) {
          const code = deriveCode(KEY, newNonce(), length);
          assert.match(code, new RegExp(`^\\d{${length}}$`), `length ${length}: ${code}`);
        }
      }
    });

    it('keeps leading zeros (a nonce whose code starts with 0 still has `length` digits)', () => {
      for (const length of [4, 6, 10]) {
        let found: string | undefined;
        for (let i = 0; i < 10_000 && !found; i++) {
          const code = deriveCode(KEY, `nonce-${i}`, length);
          if (code.startsWith('0')) found = code;
        }
        assert.ok(found, `no nonce among 10000 gave a code starting with 0 for length ${length}`);
        assert.equal(found.length, length);
        assert.match(found, /^0\d+$/);
      }
    });

    it('a shorter code is the tail of the same HMAC value (consistent reduction mod 10^n)', () => {
      // value mod 10^4 equals (value mod 10^10) mod 10^4, so the 4-digit code is the last 4 of the 10-digit one
      for (let i = 0; i < 100; i++) {
        const nonce = newNonce();
        assert.equal(deriveCode(KEY, nonce, 10).slice(-4), deriveCode(KEY, nonce, 4));
      }
    });

    it('differs across nonces and across keys', () => {
      const codesByNonce = new Set<string>();
      const codesByKey = new Set<string>();
      const nonce = newNonce();
      for (let i = 0; i < 100; i++) {
        codesByNonce.add(deriveCode(KEY, newNonce(), 10));
        codesByKey.add(deriveCode(randomBytes(32), nonce, 10));
      }
      // 100 draws among 10^10 values: a collision is practically impossible
      assert.equal(codesByNonce.size, 100);
      assert.equal(codesByKey.size, 100);
      assert.notEqual(deriveCode(KEY, 'same-nonce', 10), deriveCode(OTHER_KEY, 'same-nonce', 10));
      assert.notEqual(deriveCode(KEY, 'nonce-a', 10), deriveCode(KEY, 'nonce-b', 10));
    });

    it('rejects lengths 3 and 11 (and non-integers) with a RangeError', () => {
      for (const length of [3, 11, 0, -6, 6.5, Number.NaN]) {
        assert.throws(() => deriveCode(KEY, 'n', length), RangeError, `length ${length}`);
      }
      assert.doesNotThrow(() => deriveCode(KEY, 'n', 4));
      assert.doesNotThrow(() => deriveCode(KEY, 'n', 10));
    });

    it('has a roughly uniform digit distribution over 20k random nonces', () => {
      const samples = 20_000;
      const length = 6;
      const counts = Array.from({ length }, () => new Array<number>(10).fill(0));
      for (let i = 0; i < samples; i++) {
        const code = deriveCode(KEY, newNonce(), length);
        for (let p = 0; p < length; p++) counts[p][Number(code[p])]++;
      }
      const expected = samples / 10;
      // First position: each digit within ±10% of the expected 2000 (that is ~4.7 standard deviations).
      for (let d = 0; d < 10; d++) {
        const c = counts[0][d];
        assert.ok(Math.abs(c - expected) <= expected * 0.1, `digit ${d} at position 0 seen ${c} times, expected ~${expected}`);
      }
      // Every position: chi-square with 9 degrees of freedom far below 60 (p < 1e-9 for a uniform source).
      for (let p = 0; p < length; p++) {
        const chi2 = counts[p].reduce((sum, c) => sum + (c - expected) ** 2 / expected, 0);
        assert.ok(chi2 < 60, `position ${p}: chi-square ${chi2.toFixed(1)} (counts ${counts[p].join(',')})`);
      }
    });
  });

  describe('newNonce', () => {
    it('is 43 base64url characters (32 random bytes)', () => {
      for (let i = 0; i < 100; i++) {
        const nonce = newNonce();
        assert.match(nonce, /^[A-Za-z0-9_-]{43}$/);
        assert.equal(Buffer.from(nonce, 'base64url').length, 32);
      }
    });

    it('is unique', () => {
      const nonces = new Set(Array.from({ length: 1000 }, () => newNonce()));
      assert.equal(nonces.size, 1000);
    });
  });

  describe('hashCode', () => {
    it('is deterministic and base64url', () => {
      const h = hashCode(KEY, 'subject-1', '123456');
      assert.equal(h, hashCode(KEY, 'subject-1', '123456'));
      assert.match(h, /^[A-Za-z0-9_-]{43}$/); // SHA-256 → 32 bytes → 43 base64url chars
      assert.ok(!h.includes('123456'));
    });

    it('binds the subject: the same code for another subject hashes differently', () => {
      assert.notEqual(hashCode(KEY, 'subject-1', '123456'), hashCode(KEY, 'subject-2', '123456'));
      // the separator keeps subject and code apart
      assert.notEqual(hashCode(KEY, 'subject-1', '23456'), hashCode(KEY, 'subject-', '123456'));
    });

    it('differs for another code and for another key', () => {
      assert.notEqual(hashCode(KEY, 's', '123456'), hashCode(KEY, 's', '123457'));
      assert.notEqual(hashCode(KEY, 's', '123456'), hashCode(OTHER_KEY, 's', '123456'));
    });

    it('trims surrounding whitespace of the code (an attempt " 123456\\n" matches "123456")', () => {
      const h = hashCode(KEY, 's', '123456');
      assert.equal(hashCode(KEY, 's', ' 123456'), h);
      assert.equal(hashCode(KEY, 's', '123456 \n'), h);
      assert.equal(hashCode(KEY, 's', '\t 123456 \r\n'), h);
      assert.notEqual(hashCode(KEY, 's', '123 456'), h, 'inner whitespace is not removed');
    });
  });
});
