// Bearer API-key authentication: every request in the scope this hook is added to resolves to one
// tenant, or gets a 401 problem before its body is even parsed.
import type { FastifyInstance } from 'fastify';
import { tenantForApiKey, type TenantRef } from '../domain/tenants';
import type { PrismaClient } from '../prisma/generated/client';
import { HttpProblem } from './problem';

declare module 'fastify' {
  interface FastifyRequest {
    tenant: TenantRef;
  }
}

/**
 * Resolved keys are remembered briefly: a database round trip per request is most of an API call's own
 * cost. A revoked key therefore keeps working for at most this long on each API process.
 */
const KEY_CACHE_TTL_MS = 10_000;
const KEY_CACHE_MAX = 1_000;

export function addBearerAuth(app: FastifyInstance, prisma: PrismaClient) {
  const cache = new Map<string, { tenant: TenantRef; until: number }>();
  const resolve = async (key: string): Promise<TenantRef | undefined> => {
    const hit = cache.get(key);
    if (hit && hit.until > Date.now()) return hit.tenant;
    const tenant = await tenantForApiKey(prisma, key);
    if (tenant) {
      if (cache.size >= KEY_CACHE_MAX) cache.delete(cache.keys().next().value!);
      cache.set(key, { tenant, until: Date.now() + KEY_CACHE_TTL_MS });
    }
    return tenant;
  };
  app.decorateRequest('tenant', null as unknown as TenantRef);
  app.addHook('onRequest', async (request, reply) => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
    const tenant = match ? await resolve(match[1]) : undefined;
    if (!tenant) {
      reply.header('www-authenticate', 'Bearer realm="testigo"');
      throw new HttpProblem(401, 'unauthorized', 'Unauthorized', match ? 'The API key is not valid.' : 'Send an API key as `Authorization: Bearer <key>`.');
    }
    request.tenant = tenant;
  });
}
