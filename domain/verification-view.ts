// The public representation of a verification (API responses and callbacks): masked phone, no secrets.
import type { VerificationResponse } from '../api/schemas/verifications';
import type { Verification } from '../prisma/generated/client';
import type { OtpSend, OtpStatus } from '../shared/otp';
import { maskPhone } from './phone';

export function present(row: Verification): VerificationResponse {
  return {
    id: row.id,
    status: row.status as OtpStatus,
    to: maskPhone(row.to),
    channel: row.channel,
    purpose: row.purpose,
    locale: row.locale,
    codeLength: row.codeLength,
    maxAttempts: row.maxAttempts,
    fallback: row.fallback as 'sms' | 'none',
    attemptsRemaining: row.attemptsRemaining,
    expiresAt: row.expiresAt.toISOString(),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    sends: (row.sends as unknown as OtpSend[]).map(({ channel, at, status, error }) => ({ channel, at, status, ...(error !== undefined ? { error } : {}) })),
  };
}
