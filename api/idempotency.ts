// Idempotency-Key for creating POSTs (Stripe's semantics): the first request with a key is processed
// and its 2xx response stored; the same key with the same body replays that response; the same key
// with another body is a 409; a key whose first request is still running is a 409 too. Failed
// requests (4xx/5xx) store nothing, so the client may retry them with the same key.
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { PrismaClient } from '../prisma/generated/client';
import { HttpProblem, invalidFields } from './problem';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** true on creating POSTs: honour the Idempotency-Key header */
    idempotent?: boolean;
  }
  interface FastifyRequest {
    idempotencyKey?: string;
  }
}

/** A first request that never finished (crash) stops blocking its key after this long. */
const ABANDONED_AFTER_MS = 60_000;

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function requestHash(request: FastifyRequest): string {
  return createHash('sha256')
    .update(`${request.method} ${request.routeOptions.url} ${canonical(request.params)} ${canonical(request.body ?? null)}`)
    .digest('hex');
}

export function addIdempotency(app: FastifyInstance, prisma: PrismaClient) {
  app.addHook('preHandler', async (request: FastifyRequest, reply: FastifyReply) => {
    if (!request.routeOptions.config.idempotent) return;
    const key = request.headers['idempotency-key'];
    if (key === undefined) return;
    if (typeof key !== 'string' || key.length < 1 || key.length > 255 || !/^[\x21-\x7e]+$/.test(key)) {
      throw invalidFields([{ path: 'Idempotency-Key', in: 'headers', message: 'must be 1–255 visible ASCII characters' }]);
    }
    const tenantId = request.tenant.id;
    const hash = requestHash(request);
    const created = await prisma.idempotencyKey.createMany({ data: [{ tenantId, key, requestHash: hash }], skipDuplicates: true });
    if (created.count === 1) {
      request.idempotencyKey = key;
      return;
    }
    const existing = await prisma.idempotencyKey.findUnique({ where: { tenantId_key: { tenantId, key } } });
    if (!existing) throw new HttpProblem(409, 'idempotency-conflict', 'Conflict', 'The request with this Idempotency-Key just failed; retry it.');
    if (existing.requestHash !== hash) {
      throw new HttpProblem(409, 'idempotency-key-reused', 'Conflict', 'This Idempotency-Key was used with a different request.');
    }
    if (existing.responseStatus === null) {
      if (Date.now() - existing.createdAt.getTime() < ABANDONED_AFTER_MS) {
        throw new HttpProblem(409, 'idempotency-in-progress', 'Conflict', 'A request with this Idempotency-Key is still being processed.');
      }
      // Taking over an abandoned key is a compare-and-set on its start time: of two requests (maybe on two API
      // processes) that find it abandoned together, one takes it and the other is told it is in progress.
      const taken = await prisma.idempotencyKey.updateMany({
        where: { tenantId, key, responseStatus: null, createdAt: existing.createdAt },
        data: { createdAt: new Date() },
      });
      if (taken.count !== 1) throw new HttpProblem(409, 'idempotency-in-progress', 'Conflict', 'A request with this Idempotency-Key is still being processed.');
      request.idempotencyKey = key;
      return;
    }
    return reply.code(existing.responseStatus).header('idempotent-replayed', 'true').send(existing.responseBody);
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const key = request.idempotencyKey;
    if (!key) return payload;
    const where = { tenantId_key: { tenantId: request.tenant.id, key } };
    if (reply.statusCode >= 200 && reply.statusCode < 300) {
      await prisma.idempotencyKey.update({ where, data: { responseStatus: reply.statusCode, responseBody: JSON.parse(String(payload)) } });
    } else {
      await prisma.idempotencyKey.delete({ where }).catch(() => undefined);
    }
    return payload;
  });
}
