// /v1/processes: certified contracting (PRODUCT.md §3.1). Documents come as JSON (base64) or as a
// multipart upload (a `process` JSON field plus `documents` files); both reach the same schema and the
// same service, so a 400 names the same fields either way.
import multipart from '@fastify/multipart';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { MAX_DOCUMENT_BYTES, MAX_DOCUMENTS } from '../../documents/limits';
import type { ProcessService } from '../../services/processes';
import { HttpProblem, invalidFields } from '../../services/problem';
import { CreateProcessBody, DocumentParams, ListProcessesQuery, ProcessList, ProcessParams, ProcessResponse } from '../schemas/processes';
import { unreadableMultipart } from '../problem';
import { IdempotencyHeaders, problemRef } from '../schemas/common';

const tags = ['processes'];
const security = [{ bearerAuth: [] }];
const errors = { 400: problemRef, 401: problemRef, 404: problemRef, 409: problemRef, 413: problemRef, 422: problemRef, 503: problemRef };
/** ten 20 MB documents as base64, plus the rest of the request */
const BODY_LIMIT = Math.ceil(((MAX_DOCUMENTS * MAX_DOCUMENT_BYTES) / 3) * 4) + 1024 * 1024;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

declare module 'fastify' {
  interface FastifyRequest {
    /** the documents arrived as multipart files (error paths name them without /contentBase64) */
    multipartUpload?: boolean;
  }
}

/** Turns a multipart upload into the JSON body the schema validates: `process` (JSON) + `documents` files. */
async function multipartToBody(request: FastifyRequest): Promise<void> {
  if (!request.isMultipart()) return;
  request.multipartUpload = true;
  let fields: Record<string, unknown> | undefined;
  const documents: Array<{ name: string; contentBase64: string }> = [];
  try {
    for await (const part of request.parts()) {
      if (part.type === 'file') {
        if (part.fieldname !== 'documents')
          throw invalidFields([{ path: part.fieldname, in: 'body', message: 'unknown file field: send documents as `documents`' }]);
        const bytes = await part.toBuffer();
        documents.push({ name: part.filename || `document-${documents.length + 1}.pdf`, contentBase64: bytes.toString('base64') });
      } else if (part.fieldname === 'process') {
        try {
          fields = JSON.parse(String(part.value));
        } catch {
          throw invalidFields([{ path: 'process', in: 'body', message: 'is not JSON' }]);
        }
      } else {
        throw invalidFields([{ path: part.fieldname, in: 'body', message: 'unknown field: put the process in a `process` JSON field' }]);
      }
    }
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'FST_REQ_FILE_TOO_LARGE')
      throw new HttpProblem(413, 'document-too-large', 'Payload Too Large', `A document may be at most ${MAX_DOCUMENT_BYTES / 1024 / 1024} MB.`);
    if (code === 'FST_FILES_LIMIT' || code === 'FST_PARTS_LIMIT')
      throw new HttpProblem(413, 'too-many-parts', 'Payload Too Large', `At most ${MAX_DOCUMENTS} documents.`);
    throw unreadableMultipart(error);
  }
  if (!fields || typeof fields !== 'object' || Array.isArray(fields))
    throw invalidFields([{ path: 'process', in: 'body', message: 'required: the process as a JSON object' }]);
  request.body = { ...fields, documents };
}

export const processRoutes: FastifyPluginAsyncTypebox<{ service: ProcessService }> = async (app, { service }) => {
  await app.register(multipart, { limits: { fileSize: MAX_DOCUMENT_BYTES, files: MAX_DOCUMENTS + 1, fields: 4, parts: MAX_DOCUMENTS + 5 } });

  app.post(
    '/processes',
    {
      bodyLimit: BODY_LIMIT,
      config: { idempotent: true },
      preValidation: multipartToBody,
      schema: {
        tags,
        security,
        summary: 'Start a signing process',
        description:
          'JSON with base64 documents, or multipart/form-data with a `process` JSON field and one `documents` file per PDF. Documents: PDF by content, ≤ 20 MB each, ≤ 10. ' +
          '422 when WhatsApp has not approved a template the process needs. With optIn.mode click_to_chat the response carries the wa.me link and its QR code (only here: the token is kept hashed).',
        consumes: ['application/json', 'multipart/form-data'],
        body: CreateProcessBody,
        headers: IdempotencyHeaders,
        response: { 201: ProcessResponse, ...errors },
      },
    },
    async (request, reply) => {
      const { documents, ...rest } = request.body;
      const fieldOf = (i: number) => (request.multipartUpload ? `/documents/${i}` : `/documents/${i}/contentBase64`);
      const notBase64 = documents.flatMap((d, i) => (BASE64.test(d.contentBase64) ? [] : [{ path: fieldOf(i), in: 'body', message: 'is not base64' }]));
      if (notBase64.length) throw invalidFields(notBase64);
      const decoded = documents.map((d, i) => ({ name: d.name, content: Buffer.from(d.contentBase64, 'base64'), field: fieldOf(i) }));
      return reply.code(201).send(await service.create(request.tenant, { ...rest, documents: decoded }));
    },
  );

  app.get(
    '/processes',
    { schema: { tags, security, summary: 'List processes, newest first', querystring: ListProcessesQuery, response: { 200: ProcessList, ...errors } } },
    async (request) => service.list(request.tenant.id, request.query),
  );

  app.get(
    '/processes/:id',
    { schema: { tags, security, summary: 'Get a process', params: ProcessParams, response: { 200: ProcessResponse, ...errors } } },
    async (request) => service.get(request.tenant.id, request.params.id),
  );

  app.post(
    '/processes/:id/cancel',
    {
      // no body is expected
      bodyLimit: 1024,
      schema: {
        tags,
        security,
        summary: 'Cancel a process at any step',
        description: '409 once it has ended.',
        params: ProcessParams,
        response: { 200: ProcessResponse, ...errors },
      },
    },
    async (request) => service.cancel(request.tenant.id, request.params.id),
  );

  app.get(
    '/processes/:id/certificate',
    {
      schema: {
        tags,
        security,
        summary: 'Download the evidence certificate (PAdES-sealed PDF with the evidence and its JWS attached)',
        params: ProcessParams,
        produces: ['application/pdf'],
        response: { 200: { type: 'string', format: 'binary', description: 'application/pdf' }, ...errors },
      },
    },
    async (request, reply) => {
      const bytes = await service.certificate(request.tenant.id, request.params.id);
      return reply
        .header('content-type', 'application/pdf')
        .header('content-disposition', `attachment; filename="certificate-${request.params.id}.pdf"`)
        .send(Buffer.from(bytes));
    },
  );

  app.get(
    '/processes/:id/evidence',
    {
      schema: {
        tags,
        security,
        summary: 'The evidence (RFC 8785 canonical JSON) and its compact JWS (ES256; verify against /.well-known/jwks.json)',
        params: ProcessParams,
      },
    },
    async (request) => service.evidence(request.tenant.id, request.params.id),
  );

  for (const signed of [false, true]) {
    app.get(
      signed ? '/processes/:id/documents/:docId/signed' : '/processes/:id/documents/:docId',
      {
        schema: {
          tags,
          security,
          summary: signed ? 'Download the sealed (PAdES) copy of a document' : 'Download a document as uploaded',
          params: DocumentParams,
          produces: ['application/pdf'],
          response: { 200: { type: 'string', format: 'binary', description: 'application/pdf' }, ...errors },
        },
      },
      async (request, reply) => {
        const { name, bytes } = await service.document(request.tenant.id, request.params.id, request.params.docId, signed);
        return reply
          .header('content-type', 'application/pdf')
          .header('content-disposition', `attachment; filename="${name.replace(/["\\\r\n]/g, '_')}"`)
          .send(Buffer.from(bytes));
      },
    );
  }
};
