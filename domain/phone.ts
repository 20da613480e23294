// Phone numbers: validated with libphonenumber-js (metadata for every numbering plan) and masked
// wherever they could leak (logs, search attributes, API responses).
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

/** Strict E.164: a leading +, then a number that is valid in its numbering plan. */
export function isValidE164(value: string): boolean {
  if (!/^\+[1-9]\d{6,14}$/.test(value)) return false;
  const parsed = parsePhoneNumberFromString(value);
  return parsed !== undefined && parsed.isValid() && parsed.number === value;
}

/** +34600111222 → +34******222: country code and last three digits, the rest starred. */
export function maskPhone(e164: string): string {
  const parsed = parsePhoneNumberFromString(e164);
  const cc = parsed ? `+${parsed.countryCallingCode}` : e164.slice(0, 3);
  const digits = e164.replace(/\D/g, '');
  const rest = digits.slice(cc.length - 1);
  if (rest.length <= 3) return `${cc}${'*'.repeat(rest.length)}`;
  return `${cc}${'*'.repeat(rest.length - 3)}${rest.slice(-3)}`;
}

/** Masks every phone-like run of digits inside free text (log lines, URLs). */
export function maskPhonesIn(text: string): string {
  return text.replace(/(\+|%2B)?\d{8,15}/g, (match) => {
    const plus = match.startsWith('+') || match.startsWith('%2B');
    const digits = match.replace(/^(\+|%2B)/, '');
    return `${plus ? '+' : ''}${digits.slice(0, 2)}${'*'.repeat(Math.max(0, digits.length - 5))}${digits.slice(-3)}`;
  });
}
