// Texts of OTP messages, in Spanish and English. Brand names are the tenant's (or the request's).
import type { Locale } from '../shared/otp';

export interface OtpTextInput {
  locale: Locale;
  brand?: string;
  code: string;
  expiresInMinutes: number;
}

export function otpSmsText({ locale, brand, code, expiresInMinutes }: OtpTextInput): string {
  const minutes = Math.max(1, expiresInMinutes);
  if (locale === 'es') {
    const who = brand ? `${brand}: ` : '';
    return `${who}tu código de verificación es ${code}. Caduca en ${minutes} min. No lo compartas con nadie.`;
  }
  const who = brand ? `${brand}: ` : '';
  return `${who}your verification code is ${code}. It expires in ${minutes} min. Do not share it with anyone.`;
}
