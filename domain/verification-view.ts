// The public representation of a verification (API responses and callbacks): masked phone, no secrets.
import type { Verification } from '../prisma/generated/client';
import type { OtpFallback, OtpSend, OtpStatus } from '../shared/otp';
import { maskPhone } from './phone';

/** What clients see of a verification; api/schemas/verifications.ts publishes it (and checks it is the same shape). */
export interface VerificationView {
  id: string;
  status: OtpStatus;
  /** masked */
  to: string;
  channel: string;
  purpose: string | null;
  locale: string;
  codeLength: number;
  maxAttempts: number;
  attemptsRemaining: number;
  expiresAt: string;
  createdAt: string;
  updatedAt: string;
  fallback: OtpFallback;
  sends: { channel: string; at: string; status: string; error?: string | number }[];
}

export function present(row: Verification): VerificationView {
  return {
    id: row.id,
    status: row.status as OtpStatus,
    to: maskPhone(row.to),
    channel: row.channel,
    purpose: row.purpose,
    locale: row.locale,
    codeLength: row.codeLength,
    maxAttempts: row.maxAttempts,
    fallback: row.fallback as OtpFallback,
    attemptsRemaining: row.attemptsRemaining,
    expiresAt: row.expiresAt.toISOString(),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    sends: (row.sends as unknown as OtpSend[]).map(({ channel, at, status, error }) => ({ channel, at, status, ...(error !== undefined ? { error } : {}) })),
  };
}
