// The WhatsApp half of the sandbox's control API (PRODUCT.md §5), for tests, demos and the phone
// page: read a handset's chat, act as the customer, open the chat, download what the handset got,
// flip the fault switches, and play Meta's template review. A development tool: no authentication.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { problemType, sendProblem, type FieldError } from '../api/problem';
import { isValidE164 } from '../domain/phone';
import type { SandboxStore } from './store';
import { HandsetError, parseCustomerInput } from './whatsapp-customer';
import type { WhatsAppEmulator } from './whatsapp-emulator';
import { faultsPatchSchema, type FaultsPatch } from './whatsapp-faults';
import type { HandsetMedia, HandsetMessage } from './whatsapp-model';
import { REVIEW_STATUSES } from './whatsapp-template-catalogue';
import type { ReviewStatus } from './whatsapp-templates';

export interface WhatsAppControlOptions {
  store: SandboxStore;
  emulator: WhatsAppEmulator;
  mountPath: string;
}

type PhoneRequest = FastifyRequest<{ Params: { phone: string } }>;

/** The handset's number from the path, or a 400 problem (the sandbox does not rely on the app's Ajv formats). */
export function phoneParam(request: PhoneRequest, reply: FastifyReply): string | undefined {
  const { phone } = request.params;
  if (isValidE164(phone)) return phone;
  void sendProblem(reply, {
    type: problemType('validation-error'),
    title: 'Invalid request',
    status: 400,
    detail: `phone: must be a phone number in E.164 format, e.g. +34600111222`,
    errors: [{ path: 'phone', in: 'params', message: 'must be a phone number in E.164 format' }],
  });
  return undefined;
}

/** `POST /api/templates/review`: Meta's verdict on a template (every language unless one is named). */
const reviewSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'status'],
  properties: {
    name: { type: 'string', minLength: 1 },
    language: { type: 'string', minLength: 1 },
    status: { type: 'string', enum: REVIEW_STATUSES },
    reason: { type: 'string', minLength: 1 },
  },
} as const;

const HANDSET_PROBLEMS: Record<number, [string, string]> = {
  400: ['bad-request', 'Bad Request'],
  404: ['not-found', 'Not Found'],
  409: ['conflict', 'Conflict'],
};

function invalid(reply: FastifyReply, errors: FieldError[]) {
  return sendProblem(reply, {
    type: problemType('validation-error'),
    title: 'Invalid request',
    status: 400,
    detail: errors.map((e) => `${e.path}: ${e.message}`).join('; '),
    errors,
  });
}

export async function whatsappControl(app: FastifyInstance, { store, emulator, mountPath }: WhatsAppControlOptions) {
  const mediaUrl = (request: FastifyRequest, media: HandsetMedia) => `${request.protocol}://${request.host}${mountPath}/api/media/${media.mediaId}`;
  const view = (request: FastifyRequest, m: HandsetMessage) => ({
    id: m.id,
    from: m.from,
    type: m.type,
    ...(m.text !== undefined ? { text: m.text } : {}),
    ...(m.buttons ? { buttons: m.buttons.map(({ id, title, copyCode }) => ({ id, title, ...(copyCode ? { copyCode } : {}) })) } : {}),
    ...(m.listLabel ? { listLabel: m.listLabel } : {}),
    ...(m.document
      ? {
          document: {
            filename: m.document.filename ?? 'document',
            sha256: m.document.sha256,
            url: mediaUrl(request, m.document),
            mimeType: m.document.mimeType,
            ...(m.document.caption ? { caption: m.document.caption } : {}),
          },
        }
      : {}),
    ...(m.image
      ? {
          image: {
            sha256: m.image.sha256,
            url: mediaUrl(request, m.image),
            mimeType: m.image.mimeType,
            ...(m.image.caption ? { caption: m.image.caption } : {}),
          },
        }
      : {}),
    ...(m.contextId ? { contextId: m.contextId } : {}),
    at: m.at,
    status: m.status,
    ...(m.error ? { error: m.error } : {}),
  });

  app.get('/api/phones/:phone', async (request: PhoneRequest, reply) => {
    const phone = phoneParam(request, reply);
    if (!phone) return reply;
    return { phone, onWhatsApp: emulator.isOnWhatsApp(phone), windowExpiresAt: emulator.windowExpiresAt(phone) ?? null, typing: emulator.isTyping(phone) };
  });

  app.get('/api/phones/:phone/messages', async (request: PhoneRequest, reply) => {
    const phone = phoneParam(request, reply);
    if (!phone) return reply;
    return store.whatsappFor(phone).map((m) => view(request, m));
  });

  app.post<{ Params: { phone: string }; Body: unknown }>('/api/phones/:phone/messages', async (request, reply) => {
    const phone = phoneParam(request, reply);
    if (!phone) return reply;
    const input = parseCustomerInput(request.body);
    if (Array.isArray(input)) return invalid(reply, input);
    const name = (request.body as { profileName?: unknown }).profileName;
    try {
      const id = emulator.receiveFromCustomer(phone, input, typeof name === 'string' && name ? name : 'Sandbox customer');
      return reply.code(202).send({ id });
    } catch (error) {
      if (!(error instanceof HandsetError)) throw error;
      const [slug, title] = HANDSET_PROBLEMS[error.status];
      return sendProblem(reply, { type: problemType(slug), title, status: error.status, detail: error.message });
    }
  });

  // The page calls this when the chat is on screen: with autoRead off, that is when messages turn read.
  app.post('/api/phones/:phone/read', async (request: PhoneRequest, reply) => {
    const phone = phoneParam(request, reply);
    if (!phone) return reply;
    return { read: emulator.openChat(phone) };
  });

  // What the handset downloads when the customer opens a document: no token, it is the customer's phone.
  app.get<{ Params: { id: string } }>('/api/media/:id', async (request, reply) => {
    const media = emulator.media.get(request.params.id);
    if (!media) return sendProblem(reply, { type: problemType('not-found'), title: 'Not Found', status: 404, detail: `No media ${request.params.id}.` });
    // Header values are Latin-1: an ASCII fallback name, and the real one RFC 5987-encoded.
    const filename = media.meta.filename ?? 'media';
    const fallback = filename.replace(/[^\x20-\x7e]|["\\]/g, '_');
    return reply
      .type(media.meta.mimeType)
      .header('content-disposition', `inline; filename="${fallback}"; filename*=UTF-8''${encodeURIComponent(filename)}`)
      .send(media.bytes);
  });

  app.get('/api/faults', async () => emulator.getFaults());
  app.post<{ Body: FaultsPatch }>('/api/faults', { schema: { body: faultsPatchSchema } }, async (request) => emulator.setFaults(request.body));
  app.delete('/api/faults', async () => emulator.resetFaults());

  const templateView = (entry: ReturnType<typeof emulator.templates.list>[number]) => ({
    name: entry.definition.name,
    language: entry.definition.language,
    category: entry.definition.category,
    status: entry.status,
    ...(entry.reason ? { reason: entry.reason } : {}),
  });
  app.get('/api/templates', async () => emulator.templates.list().map(templateView));
  // Applies to the translations that exist now and to those created later under the name.
  app.post<{ Body: { name: string; language?: string; status: ReviewStatus; reason?: string } }>(
    '/api/templates/review',
    { schema: { body: reviewSchema } },
    async (request) => {
      const templates = emulator.templates.review(request.body).map(templateView);
      return { ...request.body, templates };
    },
  );
  app.delete('/api/templates', async () => {
    emulator.templates.reset();
    return emulator.templates.list().map(templateView);
  });
}
