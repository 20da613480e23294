// Application service behind /v1/admin: tenants and their API keys, for an operator holding an admin key. Keys are
// returned in clear only by the call that creates them; lists never carry a key or its hash.
import { randomBytes } from 'node:crypto';
import { createApiKey, keyView, type KeyView, type NewKey } from '../domain/api-keys';
import { newCallbackSecret } from '../domain/tenants';
import { sealSecret } from '../domain/secret-box';
import type { Keys } from '../platform/keys';
import type { PrismaClient } from '../prisma/generated/client';
import { HttpProblem } from './problem';

export interface TenantView {
  id: string;
  name: string;
  /** ISO 8601 */
  createdAt: string;
  /** keys not revoked */
  activeKeys: number;
}

const notFound = (id: string) => new HttpProblem(404, 'not-found', 'Not Found', `No tenant ${id}.`);

export class TenantAdmin {
  constructor(private readonly deps: { prisma: PrismaClient; keys: Keys }) {}

  /** A new tenant and its first key (in clear, this once). 409 when `id` is taken. */
  async create(input: { name: string; id?: string }): Promise<{ tenant: TenantView; apiKey: NewKey }> {
    const { prisma, keys } = this.deps;
    const id = input.id ?? `ten_${randomBytes(9).toString('base64url')}`;
    try {
      // one transaction: a tenant never exists without the key that was shown for it
      return await prisma.$transaction(async (tx) => {
        const row = await tx.tenant.create({ data: { id, name: input.name, callbackSecret: sealSecret(keys.secrets, newCallbackSecret()) } });
        const apiKey = await createApiKey(tx, 'tenant', id);
        return { tenant: { id: row.id, name: row.name, createdAt: row.createdAt.toISOString(), activeKeys: 1 }, apiKey };
      });
    } catch (error) {
      // P2002: the unique id is taken (checked by the insert itself, so two concurrent creates cannot both win)
      if ((error as { code?: string }).code === 'P2002') throw new HttpProblem(409, 'tenant-exists', 'Conflict', `A tenant ${id} already exists.`);
      throw error;
    }
  }

  async list(): Promise<TenantView[]> {
    const rows = await this.deps.prisma.tenant.findMany({
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      select: { id: true, name: true, createdAt: true, _count: { select: { apiKeys: { where: { revokedAt: null } } } } },
    });
    return rows.map((r) => ({ id: r.id, name: r.name, createdAt: r.createdAt.toISOString(), activeKeys: r._count.apiKeys }));
  }

  async get(id: string): Promise<TenantView> {
    const row = await this.deps.prisma.tenant.findUnique({
      where: { id },
      select: { id: true, name: true, createdAt: true, _count: { select: { apiKeys: { where: { revokedAt: null } } } } },
    });
    if (!row) throw notFound(id);
    return { id: row.id, name: row.name, createdAt: row.createdAt.toISOString(), activeKeys: row._count.apiKeys };
  }

  async createKey(tenantId: string): Promise<NewKey> {
    await this.get(tenantId);
    return createApiKey(this.deps.prisma, 'tenant', tenantId);
  }

  async listKeys(tenantId: string): Promise<KeyView[]> {
    await this.get(tenantId);
    const rows = await this.deps.prisma.apiKey.findMany({ where: { tenantId, scope: 'tenant' }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
    return rows.map(keyView);
  }

  /** Revokes a key of the tenant; revoking a revoked key changes nothing and answers the same (idempotent). */
  async revokeKey(tenantId: string, keyId: string): Promise<KeyView> {
    const { prisma } = this.deps;
    await prisma.apiKey.updateMany({ where: { id: keyId, tenantId, scope: 'tenant', revokedAt: null }, data: { revokedAt: new Date() } });
    const row = await prisma.apiKey.findFirst({ where: { id: keyId, tenantId, scope: 'tenant' } });
    if (!row) throw new HttpProblem(404, 'not-found', 'Not Found', `No key ${keyId} for tenant ${tenantId}.`);
    return keyView(row);
  }
}
