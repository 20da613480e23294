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

export function addBearerAuth(app: FastifyInstance, prisma: PrismaClient) {
  app.decorateRequest('tenant', null as unknown as TenantRef);
  app.addHook('onRequest', async (request, reply) => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
    const tenant = match ? await tenantForApiKey(prisma, match[1]) : undefined;
    if (!tenant) {
      reply.header('www-authenticate', 'Bearer realm="testigo"');
      throw new HttpProblem(401, 'unauthorized', 'Unauthorized', match ? 'The API key is not valid.' : 'Send an API key as `Authorization: Bearer <key>`.');
    }
    request.tenant = tenant;
  });
}
