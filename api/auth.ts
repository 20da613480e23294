// Bearer API-key authentication: every request in the scope a hook is added to resolves to a principal of the scope
// it needs — a tenant on /v1, an admin on /v1/admin — or gets a problem before its body is even parsed.
//
// The key is looked up on every request, without a cache: a revoked key is refused by the very next request on every
// API process sharing the database. The lookup is one unique-index read (measured in test/integration/tenants.test.ts
// and README "Tenants and keys"); a cache would save that read and let a revoked key work until it expired.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { principalForApiKey, type Principal } from '../domain/api-keys';
import type { TenantContext } from '../domain/tenants';
import type { PrismaClient } from '../prisma/generated/client';
import { HttpProblem } from './problem';

declare module 'fastify' {
  interface FastifyRequest {
    tenant: TenantContext;
    /** who the key authenticated: set on every authenticated route (tenant or admin) */
    principal: Principal;
  }
}

const unauthorized = (sentKey: boolean) =>
  new HttpProblem(401, 'unauthorized', 'Unauthorized', sentKey ? 'The API key is not valid.' : 'Send an API key as `Authorization: Bearer <key>`.');

async function authenticate(request: FastifyRequest, prisma: PrismaClient): Promise<Principal> {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
  const principal = match ? await principalForApiKey(prisma, match[1]) : undefined;
  if (!principal) throw unauthorized(Boolean(match));
  return principal;
}

function addHook(app: FastifyInstance, prisma: PrismaClient, scope: Principal['scope']) {
  app.decorateRequest('principal', null as never);
  app.addHook('onRequest', async (request, reply) => {
    let principal: Principal;
    try {
      principal = await authenticate(request, prisma);
    } catch (error) {
      reply.header('www-authenticate', 'Bearer realm="testigo"');
      throw error;
    }
    // A valid key of the other scope is known to be valid, so 403 rather than 401: an admin key acts as no tenant,
    // and a tenant key manages nothing.
    if (principal.scope !== scope) {
      throw new HttpProblem(
        403,
        'wrong-key-scope',
        'Forbidden',
        scope === 'admin'
          ? 'This route needs an admin API key; tenant keys cannot manage tenants or keys.'
          : 'Admin API keys act as no tenant: use a tenant API key.',
      );
    }
    request.principal = principal;
    if (principal.scope === 'tenant') request.tenant = principal.tenant;
  });
}

/** Tenant routes (/v1): the request acts as the key's tenant (`request.tenant`). */
export function addBearerAuth(app: FastifyInstance, prisma: PrismaClient) {
  app.decorateRequest('tenant', null as unknown as TenantContext);
  addHook(app, prisma, 'tenant');
}

/** Admin routes (/v1/admin): only admin-scoped keys. */
export function addAdminAuth(app: FastifyInstance, prisma: PrismaClient) {
  addHook(app, prisma, 'admin');
}
