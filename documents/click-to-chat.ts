// Point-of-sale opt-in (PRODUCT.md §2, optIn.mode = "click_to_chat"): the business shows the customer a wa.me link or
// its QR code; WhatsApp opens a chat with the business's number and a prefilled message carrying a one-time token; the
// customer's own first message with that token is the opt-in. The token is short enough to be read aloud or typed,
// and only its keyed hash is ever stored.
import { createHmac, randomBytes } from 'node:crypto';
import QRCode from 'qrcode';

export type OptInLocale = 'es' | 'en';

// Crockford base32: no I, L, O, U, so what a person reads is what they type; 8 symbols carry 40 bits from the CSPRNG
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const OPT_IN_TOKEN_PREFIX = 'TG-';
export const OPT_IN_TOKEN_SYMBOLS = 8;
const CANONICAL = /^TG-[0-9A-HJKMNP-TV-Z]{8}$/;
// tolerant reading of what arrives in a chat: any case, a dash, space or typographic dash (or nothing) after "TG",
// and the letters people confuse with digits; never inside a longer word or number
const TOKEN = String.raw`TG(?:\s?[-\u2010-\u2015]\s?|\s)?([0-9A-Za-z]{8})`;
const IN_TEXT = new RegExp(String.raw`(?<![0-9A-Za-z])${TOKEN}(?![0-9A-Za-z])`, 'gi');
const WHOLE = new RegExp(String.raw`^\s*${TOKEN}\s*$`, 'i');

/** A new one-time token, `TG-` and 8 Crockford base32 symbols (40 random bits). */
export function newOptInToken(): string {
  const bits = randomBytes(5).readUIntBE(0, 5); // exactly 40 bits: 8 unbiased 5-bit symbols
  let symbols = '';
  for (let i = OPT_IN_TOKEN_SYMBOLS - 1; i >= 0; i--) symbols += ALPHABET[Math.floor(bits / 2 ** (5 * i)) % 32];
  return `${OPT_IN_TOKEN_PREFIX}${symbols}`;
}

/** The first opt-in token in a message, in canonical form (`TG-XXXXXXXX`), or undefined. */
export function findOptInToken(text: string): string | undefined {
  for (const match of text.normalize('NFKC').matchAll(IN_TEXT)) {
    const symbols = canonicalSymbols(match[1]!);
    if (symbols) return `${OPT_IN_TOKEN_PREFIX}${symbols}`;
  }
  return undefined;
}

/** HMAC-SHA256 (hex) of the canonical token: what the database keeps and what an incoming message is looked up by. */
export function optInTokenHash(key: Uint8Array, token: string): string {
  const symbols = canonicalSymbols(WHOLE.exec(token.normalize('NFKC'))?.[1] ?? '');
  if (!symbols) throw new TypeError('not an opt-in token');
  return createHmac('sha256', key).update(`${OPT_IN_TOKEN_PREFIX}${symbols}`).digest('hex');
}

export function isCanonicalOptInToken(token: string): boolean {
  return CANONICAL.test(token);
}

export interface ClickToChatInput {
  /** the business's WhatsApp number, E.164 (the leading '+' is optional) */
  businessNumber: string;
  locale: OptInLocale;
  businessName: string;
  token: string;
}

const PREFILLED: Record<OptInLocale, (name: string, token: string) => string> = {
  es: (name, token) => `Hola${name ? ` ${name}` : ''}, quiero revisar y firmar mis documentos. Código: ${token}`,
  en: (name, token) => `Hi${name ? ` ${name}` : ''}, I'd like to review and sign my documents. Code: ${token}`,
};
const MAX_NAME_IN_TEXT = 60;

/** `https://wa.me/<digits>?text=<prefilled message with the token>`, in the customer's language. */
export function clickToChatLink({ businessNumber, locale, businessName, token }: ClickToChatInput): string {
  const digits = businessNumber
    .trim()
    .replace(/^\+/, '')
    .replace(/[\s().-]/g, '');
  // wa.me wants the full international number: digits only, no leading zero, 7..15 digits (E.164)
  if (!/^[1-9]\d{6,14}$/.test(digits)) throw new RangeError('businessNumber must be an E.164 phone number');
  if (!isCanonicalOptInToken(token)) throw new TypeError('token must be a canonical opt-in token (TG-XXXXXXXX)');
  const prefilled = PREFILLED[locale] ?? PREFILLED.es;
  return `https://wa.me/${digits}?text=${encodeURIComponent(prefilled(displayName(businessName), token))}`;
}

/** The link as a QR code, PNG (for print and screens) and SVG (scales for web pages), same content and error correction. */
export async function qrCode(link: string): Promise<{ png: Buffer; svg: string }> {
  // level M survives a scuffed print or a glare on a counter screen and keeps the code small enough for a phone camera
  const [png, svg] = await Promise.all([
    QRCode.toBuffer(link, { type: 'png', errorCorrectionLevel: 'M', margin: 4, width: 400 }),
    QRCode.toString(link, { type: 'svg', errorCorrectionLevel: 'M', margin: 4 }),
  ]);
  return { png, svg };
}

/** Crockford's reading rules: case-insensitive, I and L are 1, O is 0; U (and anything else) is not a symbol. */
function canonicalSymbols(raw: string): string | undefined {
  const symbols = raw.toUpperCase().replace(/[IL]/g, '1').replace(/O/g, '0');
  return /^[0-9A-HJKMNP-TV-Z]{8}$/.test(symbols) ? symbols : undefined;
}

/** The business name as it may appear in a prefilled message: one line, no control characters, not too long. */
function displayName(name: string): string {
  const clean = name
    .replace(/[\p{Cc}\p{Cf}]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return Array.from(clean).slice(0, MAX_NAME_IN_TEXT).join('').trim();
}
