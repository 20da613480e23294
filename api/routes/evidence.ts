// Verification of what a process produced, with the same pure code the offline `testigo verify` runs
// (evidence/verify.ts, evidence/verify-pdf.ts) plus what custody knows (services/evidence-verification.ts):
//   POST /v1/evidence/verify  (API key)   and   POST /verify  (public: the verification page posts here)
// The body is `{evidence, jws}` as JSON, a PDF (a certificate or a sealed document) as `application/pdf`, or the PDF
// as the multipart field `file`. `?processId=` makes "belongs to this process" one of the checks (the page of one
// process sends it). Always 200 for a well-formed request: `valid` is false when any check fails, and each check
// names what it looked at.
import multipart from '@fastify/multipart';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { EvidenceRecord } from '../../evidence/verify-pdf';
import { HttpProblem, invalidFields } from '../../services/problem';
import type { EvidenceVerification } from '../../services/evidence-verification';
import { unreadableMultipart } from '../problem';
import { problemRef } from '../schemas/common';

/** A sealed document may be 20 MB before sealing; the seal adds a few kilobytes. */
const MAX_PDF_BYTES = 25 * 1024 * 1024;

const VerifyRecord = Type.Object(
  {
    evidence: Type.Record(Type.String(), Type.Unknown(), { description: 'the evidence as GET /v1/processes/{id}/evidence returns it' }),
    jws: Type.String({ minLength: 1, maxLength: 2_000_000, description: 'its compact JWS' }),
  },
  { additionalProperties: false },
);

const VerifyQuery = Type.Object(
  { processId: Type.Optional(Type.String({ pattern: '^prc_[A-Za-z0-9_-]{1,64}$', description: 'the process the file must belong to' })) },
  { additionalProperties: false },
);

const VerifyResponse = Type.Object({
  valid: Type.Boolean(),
  kind: Type.Union([Type.Literal('evidence'), Type.Literal('certificate'), Type.Literal('sealed_document'), Type.Literal('unreadable')]),
  sha256: Type.String({ description: 'SHA-256 of the PDF as received (empty for JSON evidence)' }),
  processId: Type.Union([Type.String(), Type.Null()]),
  checks: Type.Array(Type.Object({ name: Type.String(), ok: Type.Boolean(), detail: Type.String() })),
});

declare module 'fastify' {
  interface FastifyRequest {
    /** the PDF of a verification request, from a raw body or the multipart field `file` */
    verifyPdf?: Buffer;
  }
}

/** Reads the multipart field `file` (and nothing else) into `request.verifyPdf`. */
async function multipartFile(request: FastifyRequest): Promise<void> {
  if (!request.isMultipart()) return;
  try {
    for await (const part of request.parts()) {
      if (part.type !== 'file' || part.fieldname !== 'file') {
        throw invalidFields([{ path: part.fieldname, in: 'body', message: 'unknown field: send the PDF as the file field `file`' }]);
      }
      if (request.verifyPdf) throw invalidFields([{ path: 'file', in: 'body', message: 'one file at a time' }]);
      request.verifyPdf = await part.toBuffer();
    }
  } catch (error) {
    if ((error as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') throw tooLarge();
    throw unreadableMultipart(error);
  }
  if (!request.verifyPdf) throw invalidFields([{ path: 'file', in: 'body', message: 'required: the PDF to verify' }]);
}

const tooLarge = () => new HttpProblem(413, 'file-too-large', 'Payload Too Large', `A PDF to verify may be at most ${MAX_PDF_BYTES / 1024 / 1024} MB.`);

export interface EvidenceRoutesOptions {
  verification: EvidenceVerification;
  /** the public mount (the verification page's): no API key, and hidden from the API's OpenAPI tags */
  public?: boolean;
}

export const evidenceRoutes: FastifyPluginAsyncTypebox<EvidenceRoutesOptions> = async (app, { verification, public: isPublic }) => {
  await app.register(multipart, { limits: { fileSize: MAX_PDF_BYTES, files: 1, fields: 1, parts: 2 } });
  // JSON, PDF and multipart only: anything else (text/plain included, which Fastify parses by default) is a 415.
  app.removeContentTypeParser('text/plain');
  app.addContentTypeParser('application/pdf', { parseAs: 'buffer', bodyLimit: MAX_PDF_BYTES }, (request, body, done) => {
    request.verifyPdf = body as Buffer;
    done(null, undefined);
  });

  app.post(
    isPublic ? '/verify' : '/evidence/verify',
    {
      bodyLimit: MAX_PDF_BYTES,
      preValidation: multipartFile,
      schema: {
        tags: [isPublic ? 'verification page' : 'evidence'],
        ...(isPublic ? {} : { security: [{ bearerAuth: [] }] }),
        summary: 'Verify a certificate PDF, a sealed document PDF, or an evidence record and its JWS',
        description:
          'Send `{evidence, jws}` as JSON, a PDF as `application/pdf`, or a PDF as the multipart file field `file`. Always 200 for a well-formed request: ' +
          '`valid` is false when any check fails, and `checks` names each one (PDF seal, attachments, JWS signature and payload, hash chain, order, documents, ' +
          'certificate chain, no secrets, custody; `process_matches` with `?processId=`).',
        querystring: VerifyQuery,
        consumes: ['application/json', 'application/pdf', 'multipart/form-data'],
        body: { content: { 'application/json': { schema: VerifyRecord } } } as never,
        response: { 200: VerifyResponse, 400: problemRef, 401: problemRef, 413: problemRef, 415: problemRef },
      },
    },
    async (request) => {
      const { processId } = request.query as { processId?: string };
      if (request.verifyPdf) {
        if (request.verifyPdf.length === 0) throw invalidFields([{ path: 'body', in: 'body', message: 'empty: send the PDF to verify' }]);
        // the API answers custody questions about the caller's own processes only (the public page: about any)
        return verification.pdf(new Uint8Array(request.verifyPdf), processId, isPublic ? undefined : request.tenant.id);
      }
      // No body at all reaches here unvalidated (the schema applies to JSON only): a 400, not a crash in record().
      if (request.body === undefined || request.body === null)
        throw invalidFields([{ path: 'body', in: 'body', message: 'required: {evidence, jws} as JSON, a PDF, or the multipart file field `file`' }]);
      return verification.record(request.body as EvidenceRecord, processId);
    },
  );
};
