// Pino options for the API: secrets are redacted by path, and phone numbers are masked wherever they
// appear in a logged URL (the sandbox's routes carry them).
import type { FastifyRequest } from 'fastify';
import type { LoggerOptions } from 'pino';
import { maskPhonesIn } from '../domain/phone';

export const REDACTED_PATHS = ['req.headers.authorization', 'req.headers["idempotency-key"]', '*.code', '*.to', '*.phone', '*.apiKey', '*.token', '*.body'];

export function loggerOptions(level: string, stream?: NodeJS.WritableStream): LoggerOptions & { stream?: NodeJS.WritableStream } {
  return {
    level,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    serializers: {
      req: (request: FastifyRequest) => ({ method: request.method, url: maskPhonesIn(request.url), remoteAddress: request.ip }),
    },
    ...(stream ? { stream } : {}),
  };
}
