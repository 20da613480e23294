// /v1/admin/tenants: an operator (admin API key) creates and reads tenants. Creating one returns its first API key,
// shown this once. No Idempotency-Key here: a replay would have to store the clear key to answer it again.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { TenantAdmin } from '../../services/tenant-admin';
import { CreatedTenantResponse, CreateTenantBody, TenantList, TenantParams, TenantResponse } from '../schemas/admin';
import { problemRef } from '../schemas/common';
import { ADMIN_BODY_LIMIT, adminErrors, adminSecurity } from './admin-common';

const tags = ['admin'];

export const adminTenantRoutes: FastifyPluginAsyncTypebox<{ admin: TenantAdmin }> = async (app, { admin }) => {
  app.post(
    '/tenants',
    {
      bodyLimit: ADMIN_BODY_LIMIT,
      schema: {
        tags,
        security: adminSecurity,
        summary: 'Create a tenant and its first API key (shown once)',
        description: '409 when a tenant with this id exists.',
        body: CreateTenantBody,
        response: { 201: CreatedTenantResponse, 409: problemRef, ...adminErrors },
      },
    },
    async (request, reply) => reply.code(201).send(await admin.create(request.body)),
  );

  app.get(
    '/tenants',
    { schema: { tags, security: adminSecurity, summary: 'List tenants, oldest first', response: { 200: TenantList, ...adminErrors } } },
    async () => ({ items: await admin.list() }),
  );

  app.get(
    '/tenants/:id',
    {
      schema: {
        tags,
        security: adminSecurity,
        summary: 'Get a tenant',
        params: TenantParams,
        response: { 200: TenantResponse, 404: problemRef, ...adminErrors },
      },
    },
    async (request) => admin.get(request.params.id),
  );
};
