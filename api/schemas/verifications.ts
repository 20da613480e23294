// JSON schemas of the verification routes (validated by Fastify's Ajv, published in /openapi.json).
import { Type, type Static } from 'typebox';
import type { VerificationView } from '../../domain/verification-view';
import type { CreateVerificationRequest } from '../../services/verifications';
import { LOCALES, OTP_CHANNELS } from '../../shared/otp';

export const CreateVerificationBody = Type.Object(
  {
    to: Type.String({ format: 'e164', description: 'Recipient in E.164, e.g. +34600111222', examples: ['+34600111222'] }),
    channel: Type.Enum([...OTP_CHANNELS], { description: 'Delivery channel of the code: a WhatsApp authentication template, or SMS' }),
    fallback: Type.Optional(
      Type.Enum(['sms', 'none'], { description: 'WhatsApp only: send by SMS when WhatsApp fails or does not deliver in time (default sms)' }),
    ),
    fallbackAfterSeconds: Type.Optional(
      Type.Integer({ minimum: 10, maximum: 600, default: 30, description: 'WhatsApp only: how long to wait for `delivered` before falling back' }),
    ),
    purpose: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'Free label, e.g. login, payment' })),
    locale: Type.Optional(Type.Enum([...LOCALES], { description: 'Message language; default: the tenant setting, else es' })),
    brand: Type.Optional(Type.String({ minLength: 1, maxLength: 40, description: 'Name shown in the message' })),
    codeLength: Type.Optional(Type.Integer({ minimum: 4, maximum: 10, default: 6 })),
    ttlSeconds: Type.Optional(Type.Integer({ minimum: 60, maximum: 3600, default: 600 })),
    maxAttempts: Type.Optional(Type.Integer({ minimum: 1, maximum: 10, default: 5 })),
    callbackUrl: Type.Optional(
      Type.String({
        format: 'uri',
        pattern: '^https?://',
        maxLength: 2048,
        description: 'Signed POST on approved, expired, max_attempts_reached, canceled and failed (PRODUCT.md §3.4)',
      }),
    ),
  },
  { additionalProperties: false },
);
export type CreateVerificationBody = Static<typeof CreateVerificationBody>;

export const VerificationParams = Type.Object({ id: Type.String({ pattern: '^ver_[A-Za-z0-9_-]{1,64}$' }) });
export type VerificationParams = Static<typeof VerificationParams>;

const Status = Type.Enum(['pending', 'approved', 'expired', 'max_attempts_reached', 'canceled', 'failed']);

export const VerificationResponse = Type.Object(
  {
    id: Type.String(),
    status: Status,
    to: Type.String({ description: 'masked' }),
    channel: Type.String(),
    purpose: Type.Union([Type.String(), Type.Null()]),
    locale: Type.String(),
    codeLength: Type.Integer(),
    maxAttempts: Type.Integer(),
    attemptsRemaining: Type.Integer(),
    expiresAt: Type.String({ format: 'date-time' }),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
    fallback: Type.Enum(['sms', 'none']),
    sends: Type.Array(
      Type.Object({
        channel: Type.String(),
        at: Type.String({ format: 'date-time' }),
        status: Type.String(),
        error: Type.Optional(Type.Union([Type.String(), Type.Number()])),
      }),
    ),
  },
  { $id: 'Verification' },
);
export type VerificationResponse = Static<typeof VerificationResponse>;

export const ResendBody = Type.Object(
  { channel: Type.Optional(Type.Enum([...OTP_CHANNELS], { description: 'Send on another channel than the last send (default: the same)' })) },
  { additionalProperties: false },
);
export type ResendBody = Static<typeof ResendBody>;

export const CheckBody = Type.Object(
  { code: Type.String({ pattern: '^[0-9]{4,10}$', description: 'The code the user typed (4–10 digits)' }) },
  { additionalProperties: false },
);
export type CheckBody = Static<typeof CheckBody>;

export const CheckResponse = Type.Object(
  {
    valid: Type.Boolean({ description: 'true only for the check that approved the verification' }),
    status: Status,
    attemptsRemaining: Type.Integer(),
  },
  { $id: 'CheckResult' },
);

// The service speaks plain types; these fail to compile when a schema and its type drift apart.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const sameShape = <T extends true>(): T | undefined => undefined;
sameShape<Same<CreateVerificationBody, CreateVerificationRequest>>();
sameShape<Same<VerificationResponse, VerificationView>>();
