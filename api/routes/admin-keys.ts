// /v1/admin/tenants/{id}/keys: an operator (admin API key) issues, lists and revokes a tenant's API keys. A new key is
// shown once; lists show its prefix and dates, never the key or its hash. Revocation takes effect on the next request
// on every API process (api/auth.ts looks keys up without a cache).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { TenantAdmin } from '../../services/tenant-admin';
import { KeyList, KeyParams, KeyResponse, NewKeyResponse, TenantParams } from '../schemas/admin';
import { problemRef } from '../schemas/common';
import { adminErrors, adminSecurity } from './admin-common';

const tags = ['admin'];
const errors = { 404: problemRef, ...adminErrors };

export const adminKeyRoutes: FastifyPluginAsyncTypebox<{ admin: TenantAdmin }> = async (app, { admin }) => {
  app.post(
    '/tenants/:id/keys',
    {
      // no body is expected: the smallest limit Fastify allows in practice
      bodyLimit: 1024,
      schema: {
        tags,
        security: adminSecurity,
        summary: 'Issue a new API key for the tenant (shown once)',
        params: TenantParams,
        response: { 201: NewKeyResponse, ...errors },
      },
    },
    async (request, reply) => reply.code(201).send(await admin.createKey(request.params.id)),
  );

  app.get(
    '/tenants/:id/keys',
    {
      schema: {
        tags,
        security: adminSecurity,
        summary: "List the tenant's keys (never the keys themselves)",
        params: TenantParams,
        response: { 200: KeyList, ...errors },
      },
    },
    async (request) => ({ items: await admin.listKeys(request.params.id) }),
  );

  app.delete(
    '/tenants/:id/keys/:keyId',
    {
      bodyLimit: 1024,
      schema: {
        tags,
        security: adminSecurity,
        summary: 'Revoke a key: refused from the next request on, on every API process',
        description: 'Idempotent: revoking a revoked key answers 200 with its first revocation time.',
        params: KeyParams,
        response: { 200: KeyResponse, ...errors },
      },
    },
    async (request) => admin.revokeKey(request.params.id, request.params.keyId),
  );
};
