// Click-to-chat opt-in: one-time tokens (format, randomness, tolerant detection in chat text, keyed hash), the wa.me
// link with the prefilled message, and its QR code decoded back to the link with an independent reader (jsQR).
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { clickToChatLink, findOptInToken, isCanonicalOptInToken, newOptInToken, optInTokenHash, qrCode } from '../../documents/click-to-chat';

const CANONICAL = /^TG-[0-9A-HJKMNP-TV-Z]{8}$/;
const KEY = Buffer.alloc(32, 3);

function decodeQr(png: Buffer): string | undefined {
  const image = PNG.sync.read(png);
  return jsQR(new Uint8ClampedArray(image.data.buffer, image.data.byteOffset, image.data.byteLength), image.width, image.height)?.data;
}

describe('click-to-chat', () => {
  describe('newOptInToken', () => {
    it('is TG- and 8 Crockford base32 symbols (no I, L, O, U)', () => {
      for (let i = 0; i < 1000; i++) {
        const token = newOptInToken();
        assert.match(token, CANONICAL);
        assert.ok(isCanonicalOptInToken(token));
      }
    });

    it('draws every symbol at every position about equally often, and does not repeat (40 random bits)', () => {
      const n = 32_000;
      const counts = Array.from({ length: 8 }, () => new Map<string, number>());
      const seen = new Set<string>();
      for (let i = 0; i < n; i++) {
        const token = newOptInToken();
        seen.add(token);
        for (let p = 0; p < 8; p++) counts[p]!.set(token[3 + p]!, (counts[p]!.get(token[3 + p]!) ?? 0) + 1);
      }
      assert.equal(seen.size, n, 'a collision among 32k draws from 2^40 is a ~0.05% event: the generator is broken');
      for (const [position, histogram] of counts.entries()) {
        assert.equal(histogram.size, 32, `position ${position} uses all 32 symbols`);
        // expected 1000 each; chi-square with 31 degrees of freedom stays far below 80 unless the draw is biased
        const chiSquare = [...histogram.values()].reduce((sum, count) => sum + (count - n / 32) ** 2 / (n / 32), 0);
        assert.ok(chiSquare < 80, `position ${position}: chi-square ${chiSquare.toFixed(1)}`);
      }
    });
  });

  describe('findOptInToken', () => {
    const token = 'TG-7K3MZ9QA';

    it('finds the token inside the prefilled message and inside whatever the customer typed around it', () => {
      assert.equal(findOptInToken(`Hola Acme, quiero revisar y firmar mis documentos. Código: ${token}`), token);
      assert.equal(findOptInToken(`${token}`), token);
      assert.equal(findOptInToken(`hi!\n${token}\nthanks`), token);
      assert.equal(findOptInToken(`(${token}).`), token);
    });

    it('reads it the way people type it: any case, no dash, a space or a typographic dash, confusable letters, full-width', () => {
      for (const typed of ['tg-7k3mz9qa', 'TG7K3MZ9QA', 'tg 7K3MZ9QA', 'TG – 7K3MZ9QA', 'TG‐7K3MZ9QA', 'ＴＧ－７Ｋ３ＭＺ９ＱＡ']) {
        assert.equal(findOptInToken(`Código: ${typed}`), token, typed);
      }
      // Crockford: I and L read as 1, O as 0
      assert.equal(findOptInToken('TG-ILO00000'), 'TG-11000000');
    });

    it('finds nothing in text without a token, in longer words or numbers, or with symbols outside the alphabet', () => {
      for (const text of ['', 'Hola, quiero firmar', 'TG-7K3MZ9Q', 'TG-7K3MZ9QAB', 'XTG-7K3MZ9QA', 'TG-7K3MZ9QU', 'TG-7K3MZ9Q!', 'TG--7K3MZ9QA']) {
        assert.equal(findOptInToken(text), undefined, JSON.stringify(text));
      }
    });

    it('returns the first valid token when several appear', () => {
      assert.equal(findOptInToken('TG-UUUUUUUU or TG-ABCDEFGH then TG-22222222'), 'TG-ABCDEFGH');
    });
  });

  describe('optInTokenHash', () => {
    it('is HMAC-SHA256 hex of the canonical token, whatever spelling arrived', () => {
      const expected = createHmac('sha256', KEY).update('TG-7K3MZ9QA').digest('hex');
      assert.equal(optInTokenHash(KEY, 'TG-7K3MZ9QA'), expected);
      assert.equal(optInTokenHash(KEY, findOptInToken('codigo tg 7k3mz9qa')!), expected);
      assert.equal(optInTokenHash(KEY, ' tg-7k3mz9qa '), expected);
      assert.match(expected, /^[0-9a-f]{64}$/);
    });

    it('depends on the key and on the token', () => {
      assert.notEqual(optInTokenHash(KEY, 'TG-7K3MZ9QA'), optInTokenHash(Buffer.alloc(32, 4), 'TG-7K3MZ9QA'));
      assert.notEqual(optInTokenHash(KEY, 'TG-7K3MZ9QA'), optInTokenHash(KEY, 'TG-7K3MZ9QB'));
    });

    it('refuses what is not a single token (it would hash to a row nobody can find)', () => {
      for (const value of ['', 'TG-7K3MZ9Q', 'hola TG-7K3MZ9QA', 'TG-7K3MZ9QU'])
        assert.throws(() => optInTokenHash(KEY, value), TypeError, JSON.stringify(value));
    });
  });

  describe('clickToChatLink', () => {
    const token = newOptInToken();

    it('opens a chat with the business number and a Spanish prefilled message carrying the token', () => {
      const link = clickToChatLink({ businessNumber: '+34 910 123 456', locale: 'es', businessName: 'Acme Energía', token });
      const url = new URL(link);
      assert.equal(url.protocol, 'https:');
      assert.equal(url.host, 'wa.me');
      assert.equal(url.pathname, '/34910123456');
      const text = url.searchParams.get('text')!;
      assert.equal(text, `Hola Acme Energía, quiero revisar y firmar mis documentos. Código: ${token}`);
      assert.equal(findOptInToken(text), token);
      assert.ok(!link.includes(' ') && !link.includes('+'), 'fully encoded');
    });

    it('speaks English for locale en and accepts a number without +', () => {
      const url = new URL(clickToChatLink({ businessNumber: '15550001111', locale: 'en', businessName: 'Acme', token }));
      assert.equal(url.pathname, '/15550001111');
      assert.equal(url.searchParams.get('text'), `Hi Acme, I'd like to review and sign my documents. Code: ${token}`);
    });

    it('keeps the business name on one line and the text readable when the name is odd or empty', () => {
      const url = new URL(clickToChatLink({ businessNumber: '+15550001111', locale: 'es', businessName: ' Acme\n&\u202E Hijos?text=x ', token }));
      assert.equal(url.searchParams.getAll('text').length, 1);
      assert.equal(url.searchParams.get('text'), `Hola Acme & Hijos?text=x, quiero revisar y firmar mis documentos. Código: ${token}`);
      const unnamed = new URL(clickToChatLink({ businessNumber: '+15550001111', locale: 'en', businessName: '  ', token }));
      assert.equal(unnamed.searchParams.get('text'), `Hi, I'd like to review and sign my documents. Code: ${token}`);
    });

    it('refuses a number that is not E.164 and a token that is not canonical', () => {
      for (const businessNumber of ['', '+', '0034910123456', '+34-abc', '12345', '+1234567890123456', 'wa.me/123']) {
        assert.throws(() => clickToChatLink({ businessNumber, locale: 'es', businessName: 'Acme', token }), RangeError, businessNumber);
      }
      for (const bad of ['tg-7k3mz9qa', 'TG-7K3MZ9Q', 'TG-7K3MZ9QU', 'x']) {
        assert.throws(() => clickToChatLink({ businessNumber: '+34910123456', locale: 'es', businessName: 'Acme', token: bad }), TypeError, bad);
      }
    });
  });

  describe('qrCode', () => {
    it('gives a PNG that decodes back to the link and an SVG of the same code', async () => {
      const link = clickToChatLink({ businessNumber: '+34910123456', locale: 'es', businessName: 'Acme Energía', token: newOptInToken() });
      const { png, svg } = await qrCode(link);
      assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
      assert.equal(decodeQr(png), link);
      assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"[^>]* viewBox="0 0 (\d+) \1"/);
      assert.match(svg, /<path [^>]*d="M[^"]+"/);
      assert.ok(svg.trimEnd().endsWith('</svg>'));
    });

    it('different links give different codes', async () => {
      const a = await qrCode('https://wa.me/34910123456?text=TG-AAAAAAAA');
      const b = await qrCode('https://wa.me/34910123456?text=TG-BBBBBBBB');
      assert.notDeepEqual(a.png, b.png);
      assert.notEqual(a.svg, b.svg);
      assert.equal(decodeQr(b.png), 'https://wa.me/34910123456?text=TG-BBBBBBBB');
    });
  });
});
