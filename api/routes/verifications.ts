// /v1/verifications: OTP verifications (PRODUCT.md §3.3).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { IdempotencyHeaders, problemRef } from '../schemas/common';
import { CheckBody, CheckResponse, CreateVerificationBody, ResendBody, VerificationParams, VerificationResponse } from '../schemas/verifications';
import type { VerificationService } from '../../services/verifications';
import { KB } from '../body-limits';

const tags = ['verifications'];
const security = [{ bearerAuth: [] }];
const errors = { 400: problemRef, 401: problemRef, 403: problemRef, 404: problemRef, 409: problemRef, 413: problemRef, 429: problemRef, 503: problemRef };
/** a verification request: a phone, a few options, a callback URL (≤ 2 KB) — 16 KB is generous */
const CREATE_LIMIT = 16 * KB;
/** a code, a channel, or nothing */
const SMALL_LIMIT = 1 * KB;

export const verificationRoutes: FastifyPluginAsyncTypebox<{ service: VerificationService }> = async (app, { service }) => {
  app.post(
    '/verifications',
    {
      bodyLimit: CREATE_LIMIT,
      config: { idempotent: true },
      schema: {
        tags,
        security,
        summary: 'Start a verification: send a code',
        body: CreateVerificationBody,
        headers: IdempotencyHeaders,
        response: { 201: VerificationResponse, ...errors },
      },
    },
    async (request, reply) => reply.code(201).send(await service.create(request.tenant, request.body)),
  );

  app.get(
    '/verifications/:id',
    { schema: { tags, security, summary: 'Get a verification', params: VerificationParams, response: { 200: VerificationResponse, ...errors } } },
    async (request) => service.get(request.tenant.id, request.params.id),
  );

  app.post(
    '/verifications/:id/checks',
    {
      bodyLimit: SMALL_LIMIT,
      config: { idempotent: true },
      schema: {
        tags,
        security,
        summary: 'Check a code',
        description: 'Always 200 for a known verification: `valid` says whether this code approved it, `status` says why not.',
        params: VerificationParams,
        body: CheckBody,
        headers: IdempotencyHeaders,
        response: { 200: CheckResponse, ...errors },
      },
    },
    async (request) => service.check(request.tenant.id, request.params.id, request.body.code, request.idempotencyKey),
  );

  app.post(
    '/verifications/:id/resend',
    {
      bodyLimit: SMALL_LIMIT,
      schema: {
        tags,
        security,
        summary: 'Send the same code again',
        description: `Same code until it expires, on the last send's channel or another one. 429 with Retry-After within ${30} s of the previous send, or over 5 codes per phone number in 10 minutes; 409 when the verification is no longer pending.`,
        params: VerificationParams,
        body: ResendBody,
        response: { 200: VerificationResponse, ...errors },
      },
    },
    async (request) => service.resend(request.tenant.id, request.params.id, request.body?.channel),
  );

  app.post(
    '/verifications/:id/cancel',
    {
      bodyLimit: SMALL_LIMIT,
      schema: {
        tags,
        security,
        summary: 'Cancel a pending verification',
        description: '409 when it is no longer pending.',
        params: VerificationParams,
        response: { 200: VerificationResponse, ...errors },
      },
    },
    async (request) => service.cancel(request.tenant.id, request.params.id),
  );
};
