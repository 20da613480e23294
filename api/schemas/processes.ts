// JSON schemas of the process routes (validated by Fastify's Ajv, published in /openapi.json).
import { Type, type Static } from 'typebox';
import { MAX_DOCUMENTS } from '../../documents/limits';
import { LOCALES, OTP_CHANNELS } from '../../shared/otp';
import { EXTRA_VALIDATION_TYPES, OPT_IN_MODES } from '../../shared/process';

const Duration = (description: string) =>
  Type.Optional(Type.String({ maxLength: 16, description: `${description}: a whole number and one unit (s, m, h, d), e.g. 72h` }));

export const CreateProcessBody = Type.Object(
  {
    reference: Type.String({ minLength: 1, maxLength: 100, description: "The business's own reference, e.g. C-2026-0042" }),
    customer: Type.Object(
      {
        phone: Type.String({ format: 'e164', description: 'E.164, e.g. +34600111222' }),
        name: Type.String({ minLength: 1, maxLength: 200 }),
        locale: Type.Optional(Type.Enum([...LOCALES], { description: 'Language of every message; default: the tenant setting, else es' })),
        identification: Type.Optional(
          Type.Object(
            {
              level: Type.Enum(['identified', 'onboarding'], {
                description: 'identified: the business authenticated the customer; onboarding: a digital onboarding reference',
              }),
              reference: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
            },
            { additionalProperties: false },
          ),
        ),
      },
      { additionalProperties: false },
    ),
    channel: Type.Optional(Type.Enum(['online', 'in_person'], { description: 'in_person for the point of sale (click_to_chat opt-in)' })),
    optIn: Type.Object(
      {
        mode: Type.Enum([...OPT_IN_MODES], {
          description:
            'whatsapp: a template with Yes/No; recorded: the business already has consent (give collectedAt, source, text); click_to_chat: the response carries a wa.me link and QR code',
        }),
        collectedAt: Type.Optional(Type.String({ format: 'date-time' })),
        source: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
        text: Type.Optional(Type.String({ minLength: 1, maxLength: 4000 })),
      },
      { additionalProperties: false },
    ),
    documents: Type.Array(
      Type.Object(
        {
          name: Type.String({ minLength: 1, maxLength: 200 }),
          contentBase64: Type.String({ minLength: 1, contentEncoding: 'base64', description: 'The PDF, base64 (≤ 20 MB decoded)' }),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: MAX_DOCUMENTS, description: `PDF only (checked by content), at most ${MAX_DOCUMENTS}` },
    ),
    otp: Type.Optional(
      Type.Object(
        {
          channel: Type.Optional(Type.Enum([...OTP_CHANNELS], { description: 'sms (default) or a WhatsApp authentication template' })),
          codeLength: Type.Optional(Type.Integer({ minimum: 4, maximum: 10 })),
          maxAttempts: Type.Optional(Type.Integer({ minimum: 1, maximum: 10 })),
          maxNewCodes: Type.Optional(Type.Integer({ minimum: 0, maximum: 3, description: 'New codes the customer may ask for after one expires (default 3)' })),
        },
        { additionalProperties: false },
      ),
    ),
    extraValidations: Type.Optional(
      Type.Array(
        Type.Union([
          Type.Object({ type: Type.Literal('typed_phrase'), phrase: Type.String({ minLength: 1, maxLength: 100 }) }, { additionalProperties: false }),
          Type.Object({ type: Type.Literal('id_last_digits'), digits: Type.String({ pattern: '^[0-9A-Za-z]{2,8}$' }) }, { additionalProperties: false }),
        ]),
        { maxItems: 5, description: `Types: ${EXTRA_VALIDATION_TYPES.join(', ')}` },
      ),
    ),
    timeouts: Type.Optional(
      Type.Object(
        {
          step: Duration('Each step (default 72h)'),
          process: Duration('The whole process (default 7d)'),
          otp: Duration('Each code (default 10m)'),
          reminder: Duration('Silence before the one reminder of a step (default 24h)'),
        },
        { additionalProperties: false },
      ),
    ),
    callbackUrl: Type.Optional(
      Type.String({ format: 'uri', pattern: '^https?://', maxLength: 2048, description: 'Signed POSTs: process.status_changed and process.completed' }),
    ),
  },
  { additionalProperties: false },
);
export type CreateProcessBody = Static<typeof CreateProcessBody>;

export const ProcessParams = Type.Object({ id: Type.String({ pattern: '^prc_[A-Za-z0-9_-]{1,64}$' }) });
export const DocumentParams = Type.Object({
  id: Type.String({ pattern: '^prc_[A-Za-z0-9_-]{1,64}$' }),
  docId: Type.String({ pattern: '^doc_[A-Za-z0-9_-]{1,64}$' }),
});

const Status = Type.Enum([
  'awaiting_opt_in',
  'awaiting_review',
  'awaiting_acceptance',
  'awaiting_otp',
  'awaiting_validation',
  'signing',
  'completed',
  'rejected',
  'expired',
  'canceled',
  'failed',
]);

export const ListProcessesQuery = Type.Object(
  {
    status: Type.Optional(Status),
    reference: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    createdFrom: Type.Optional(Type.String({ format: 'date-time', description: 'inclusive' })),
    createdTo: Type.Optional(Type.String({ format: 'date-time', description: 'exclusive' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
    cursor: Type.Optional(Type.String({ maxLength: 200, description: 'nextCursor of the previous page' })),
  },
  { additionalProperties: false },
);

const Event = Type.Object(
  {
    at: Type.String(),
    type: Type.String(),
    channel: Type.Optional(Type.String()),
    messageIds: Type.Optional(Type.Array(Type.String())),
    detail: Type.Optional(Type.Record(Type.String(), Type.Union([Type.String(), Type.Number(), Type.Boolean()]))),
  },
  { additionalProperties: false },
);
const Message = Type.Object(
  {
    messageId: Type.String(),
    direction: Type.String(),
    channel: Type.String(),
    purpose: Type.String(),
    at: Type.String(),
    status: Type.String(),
    statusAt: Type.Optional(Type.String()),
    error: Type.Optional(Type.Union([Type.String(), Type.Number()])),
  },
  { additionalProperties: false },
);

export const ProcessResponse = Type.Object(
  {
    id: Type.String(),
    reference: Type.String(),
    status: Status,
    reason: Type.Union([Type.String(), Type.Null()]),
    step: Type.String(),
    createdAt: Type.String(),
    updatedAt: Type.String(),
    completedAt: Type.Union([Type.String(), Type.Null()]),
    channel: Type.String(),
    customer: Type.Object({
      phone: Type.String({ description: 'masked' }),
      name: Type.String(),
      locale: Type.String(),
      identification: Type.Union([Type.Object({ level: Type.String(), reference: Type.Optional(Type.String()) }), Type.Null()]),
    }),
    optIn: Type.Object({
      mode: Type.String(),
      link: Type.Optional(Type.String({ description: 'click_to_chat, at creation only: https://wa.me/… with the one-time token' })),
      qr: Type.Optional(Type.Object({ png: Type.String({ description: 'data: URL' }), svg: Type.String() })),
    }),
    documents: Type.Array(
      Type.Object({
        id: Type.String(),
        name: Type.String(),
        sha256: Type.String(),
        size: Type.Integer(),
        pages: Type.Integer(),
        signedSha256: Type.Union([Type.String(), Type.Null()]),
      }),
    ),
    events: Type.Array(Event),
    messages: Type.Array(Message),
    otp: Type.Object({ channel: Type.String(), attemptsRemaining: Type.Union([Type.Integer(), Type.Null()]), codes: Type.Integer() }),
    certificate: Type.Union(
      [
        Type.Object({
          url: Type.String({ description: 'GET it: the sealed certificate (application/pdf)' }),
          evidenceUrl: Type.String({ description: 'GET it: {evidence, jws}' }),
          sha256: Type.String(),
          evidenceSha256: Type.String(),
          chainHead: Type.String(),
          issuedAt: Type.String(),
        }),
        Type.Null(),
      ],
      { description: 'the evidence certificate, once issued at completion' },
    ),
  },
  { description: 'A signing process' },
);

export const ProcessList = Type.Object({ items: Type.Array(ProcessResponse), nextCursor: Type.Union([Type.String(), Type.Null()]) });
