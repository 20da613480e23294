// How facts are written on the certificate: instants in the certificate's time zone (with its abbreviation, so a
// page torn from the rest still says which zone it is), byte counts, hashes. Pure and locale-aware.
import type { CertificateLocale } from './view';

const INTL_LOCALE: Record<CertificateLocale, string> = { es: 'es-ES', en: 'en-GB' };

const dateTimeFormats = new Map<string, Intl.DateTimeFormat>();

function formatter(locale: CertificateLocale, timeZone: string, kind: 'date' | 'time' | 'zone'): Intl.DateTimeFormat {
  const key = `${locale}|${timeZone}|${kind}`;
  let format = dateTimeFormats.get(key);
  if (!format) {
    const options: Intl.DateTimeFormatOptions =
      kind === 'date'
        ? { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }
        : kind === 'time'
          ? { timeZone, hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }
          : { timeZone, timeZoneName: 'short' };
    format = new Intl.DateTimeFormat(INTL_LOCALE[locale], options);
    dateTimeFormats.set(key, format);
  }
  return format;
}

function zoneName(locale: CertificateLocale, timeZone: string, at: Date): string {
  return (
    formatter(locale, timeZone, 'zone')
      .formatToParts(at)
      .find((p) => p.type === 'timeZoneName')?.value ?? timeZone
  );
}

/** "04/03/2026" */
export function formatDate(iso: string, locale: CertificateLocale, timeZone: string): string {
  return formatter(locale, timeZone, 'date').format(new Date(iso));
}

/** "10:02:03" */
export function formatTime(iso: string, locale: CertificateLocale, timeZone: string): string {
  return formatter(locale, timeZone, 'time').format(new Date(iso));
}

/** "04/03/2026 10:02:03 CET" */
export function formatDateTime(iso: string, locale: CertificateLocale, timeZone: string): string {
  const at = new Date(iso);
  return `${formatDate(iso, locale, timeZone)} ${formatTime(iso, locale, timeZone)} ${zoneName(locale, timeZone, at)}`;
}

/** "10:02:03" when `iso` falls on the same day as `sameDayAs`, else the full date and time. */
export function formatTimeNear(iso: string, sameDayAs: string, locale: CertificateLocale, timeZone: string): string {
  return formatDate(iso, locale, timeZone) === formatDate(sameDayAs, locale, timeZone)
    ? formatTime(iso, locale, timeZone)
    : formatDateTime(iso, locale, timeZone);
}

/** "182,4 KB (186.780 bytes)": the rounded size for people, the exact one for comparison with the file. */
export function formatSize(bytes: number, locale: CertificateLocale, bytesWord: string): string {
  const numbers = new Intl.NumberFormat(INTL_LOCALE[locale]);
  const exact = `${numbers.format(bytes)} ${bytesWord}`;
  if (bytes < 1024) return exact;
  const units = ['KB', 'MB', 'GB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  const rounded = new Intl.NumberFormat(INTL_LOCALE[locale], { maximumFractionDigits: 1 }).format(value);
  return `${rounded} ${units[unit]} (${exact})`;
}

export function formatNumber(value: number, locale: CertificateLocale): string {
  return new Intl.NumberFormat(INTL_LOCALE[locale]).format(value);
}

/** The first characters of a hash, enough to find the event in the attached JSON. */
export function shortHash(hash: string, length = 12): string {
  return hash.length > length ? `${hash.slice(0, length)}…` : hash;
}
