// POST /v1/evidence/verify: checks an evidence record and its JWS with the same pure code the offline
// command line will use (evidence/verify.ts), against this deployment's seal key and CA. Every check is
// named, so a failure says what was tampered with. (PDF uploads — a certificate or a sealed document — come next.)
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { verifyEvidence, type Jwks } from '../../evidence';
import { problemRef } from '../schemas/common';

const VerifyBody = Type.Object(
  {
    evidence: Type.Record(Type.String(), Type.Unknown(), { description: 'the evidence as GET /v1/processes/{id}/evidence returns it' }),
    jws: Type.String({ minLength: 1, maxLength: 2_000_000, description: 'its compact JWS' }),
  },
  { additionalProperties: false },
);

const VerifyResponse = Type.Object({
  valid: Type.Boolean(),
  checks: Type.Array(Type.Object({ name: Type.String(), ok: Type.Boolean(), detail: Type.String() })),
});

export const evidenceRoutes: FastifyPluginAsyncTypebox<{ jwks?: Jwks; caPem: string }> = async (app, { jwks, caPem }) => {
  app.post(
    '/evidence/verify',
    {
      schema: {
        tags: ['evidence'],
        security: [{ bearerAuth: [] }],
        summary: 'Verify an evidence record and its JWS',
        description:
          'Always 200 for a well-formed request: `valid` is false when any check fails, and `checks` names each one (signature, payload, hash chain, order, documents, certificate chain, no secrets).',
        body: VerifyBody,
        response: { 200: VerifyResponse, 400: problemRef, 401: problemRef },
      },
    },
    async (request) => verifyEvidence(request.body as never, { jwks: jwks ?? { keys: [] }, trustedCaPem: caPem }),
  );
};
