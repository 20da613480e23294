// RFC 7807 problem details for every error the API returns, so clients get one shape: a type, a
// title, the status, a detail, and for bad input the list of every offending field.
import type { Duplex } from 'node:stream';
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { HttpProblem, invalidFields, problemType, type FieldError, type Problem } from '../services/problem';

// The problem type and the error services throw are defined beside the services; re-exported so HTTP
// code has one import for problems.
export { HttpProblem, invalidFields, problemType, type FieldError, type Problem } from '../services/problem';

export function sendProblem(reply: FastifyReply, problem: Problem) {
  return reply.code(problem.status).type('application/problem+json').send(problem);
}

interface AjvError {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

const FORMAT_MESSAGES: Record<string, string> = { e164: 'must be a phone number in E.164 format, e.g. +34600111222' };

/** Turns Ajv's errors into one entry per bad field, with a message a person can act on. */
export function fieldErrors(validation: AjvError[], location: string): FieldError[] {
  const seen = new Set<string>();
  const out: FieldError[] = [];
  for (const error of validation) {
    let path = error.instancePath || '/';
    let message = error.message ?? 'is invalid';
    if (error.keyword === 'required') {
      path = `${error.instancePath}/${String(error.params.missingProperty)}`;
      message = 'is required';
    } else if (error.keyword === 'additionalProperties') {
      path = `${error.instancePath}/${String(error.params.additionalProperty)}`;
      message = 'is not a known field';
    } else if (error.keyword === 'enum') {
      message = `must be one of: ${(error.params.allowedValues as unknown[]).join(', ')}`;
    } else if (error.keyword === 'format' && FORMAT_MESSAGES[String(error.params.format)]) {
      message = FORMAT_MESSAGES[String(error.params.format)];
    }
    if (location === 'headers' || location === 'params' || location === 'querystring') path = path.replace(/^\//, '');
    const key = `${location}:${path}`;
    if (seen.has(key)) continue; // one entry per field (anyOf/union branches repeat themselves)
    seen.add(key);
    out.push({ path, in: location, message });
  }
  return out;
}

export function registerProblemHandlers(app: FastifyInstance) {
  app.setErrorHandler((error: FastifyError & { validation?: AjvError[]; validationContext?: string }, request, reply) => {
    if (error instanceof HttpProblem) {
      if (error.status === 429 && typeof error.extra.retryAfterSeconds === 'number') reply.header('retry-after', String(error.extra.retryAfterSeconds));
      return sendProblem(reply, error.toProblem());
    }
    if (error.validation) {
      return sendProblem(reply, invalidFields(fieldErrors(error.validation, error.validationContext ?? 'body')).toProblem());
    }
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      return sendProblem(reply, { type: problemType(slugOf(error.code)), title: titleOf(status), status, detail: error.message });
    }
    request.log.error({ err: error }, 'request failed');
    return sendProblem(reply, {
      type: problemType('internal-error'),
      title: 'Internal Server Error',
      status: 500,
      detail: 'An unexpected error occurred; it has been logged.',
    });
  });
  app.setNotFoundHandler((request, reply) =>
    sendProblem(reply, { type: problemType('not-found'), title: 'Not Found', status: 404, detail: `No route ${request.method} ${request.url.split('?')[0]}` }),
  );
}

/**
 * Fastify's own refusals before routing (a malformed percent-encoding, a path parameter over maxParamLength):
 * the same problem shape as every other error, not Fastify's default JSON.
 */
export function frameworkErrorProblem(error: FastifyError, _request: unknown, reply: FastifyReply) {
  const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 400;
  return sendProblem(reply, { type: problemType(slugOf(error.code)), title: titleOf(status), status, detail: error.message });
}

/**
 * Requests Node's HTTP parser refuses before Fastify sees them (headers over 16 KB, a malformed request line): answered
 * as problem+json too, on the raw socket as Fastify's default handler does.
 */
export function clientErrorProblem(error: Error & { code?: string }, socket: Duplex) {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  // the answer to a HEAD carries no body (a client reading one would take it for the next response)
  const raw = (error as { rawPacket?: unknown }).rawPacket;
  const head = Buffer.isBuffer(raw) && raw.subarray(0, 5).toString('latin1') === 'HEAD ';
  const [status, detail] =
    error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? [408, 'The request took too long to arrive.']
      : error.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'The request line and headers are over 16 KB.']
        : [400, 'The request is not valid HTTP.'];
  const title = status === 408 ? 'Request Timeout' : status === 431 ? 'Request Header Fields Too Large' : 'Bad Request';
  const slug = status === 408 ? 'request-timeout' : status === 431 ? 'headers-too-large' : 'bad-request';
  const body = JSON.stringify({ type: problemType(slug), title, status, detail });
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${title}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nContent-Type: application/problem+json\r\nConnection: close\r\n\r\n${head ? '' : body}`,
    );
  }
  socket.destroy(error);
}

/**
 * What a multipart reader throws on a body the parser could not read (no boundary, a truncated or malformed part):
 * the client's mistake, a 400 naming the body — not the 500 an unmapped parser error would become. Errors that
 * already carry an HTTP status (limits, problems) pass through.
 */
export function unreadableMultipart(error: unknown): unknown {
  if (error instanceof HttpProblem || typeof (error as { statusCode?: unknown })?.statusCode === 'number') return error;
  return invalidFields([{ path: 'body', in: 'body', message: `is not a readable multipart/form-data body (${(error as Error)?.message ?? 'unknown error'})` }]);
}

function slugOf(code?: string): string {
  return (code ?? 'bad-request')
    .toLowerCase()
    .replace(/^fst_err_/, '')
    .replace(/_/g, '-');
}

function titleOf(status: number): string {
  return (
    (
      {
        400: 'Bad Request',
        401: 'Unauthorized',
        404: 'Not Found',
        405: 'Method Not Allowed',
        409: 'Conflict',
        413: 'Payload Too Large',
        414: 'URI Too Long',
        415: 'Unsupported Media Type',
        429: 'Too Many Requests',
      } as Record<number, string>
    )[status] ?? 'Bad Request'
  );
}
