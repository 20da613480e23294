// API keys and what they may do. A `tenant` key acts as one tenant on /v1; an `admin` key manages tenants and keys on
// /v1/admin and acts as no tenant. Keys are random 32-byte secrets shown once; only their SHA-256 is stored (a fast
// hash is right for high-entropy secrets, and makes the lookup a unique-index hit). The lookup is made on every
// request, without a cache, so that a revoked key is refused at once by every API process sharing the database.
import { randomBytes } from 'node:crypto';
import type { PrismaClient } from '../prisma/generated/client';
import { hashApiKey, newApiKey, type TenantContext, type TenantSettings } from './tenants';

export type KeyScope = 'tenant' | 'admin';

export type Principal = { scope: 'tenant'; keyId: string; tenant: TenantContext } | { scope: 'admin'; keyId: string };

/** What may be shown of a key after its creation: never the key, never its hash (dates as ISO 8601). */
export interface KeyView {
  id: string;
  prefix: string;
  createdAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

/** A freshly created key: the only moment its clear value exists outside the caller's hands. */
export interface NewKey extends KeyView {
  key: string;
}

/** lastUsedAt is a hint for operators ("is this key still used?"): refreshing it once a minute is precise enough. */
const LAST_USED_GRANULARITY_MS = 60_000;

const PREFIX_LENGTH = 8;

export function newAdminKey(): string {
  return `tsa_${randomBytes(32).toString('base64url')}`;
}

export const newKeyId = () => `key_${randomBytes(9).toString('base64url')}`;

interface KeyRow {
  id: string;
  prefix: string;
  createdAt: Date;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
}

export const keyView = (row: KeyRow): KeyView => ({
  id: row.id,
  prefix: row.prefix,
  createdAt: row.createdAt.toISOString(),
  revokedAt: row.revokedAt?.toISOString() ?? null,
  lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
});

/** The principal `key` authenticates, or undefined (unknown or revoked). One indexed read; one write a minute per key. */
export async function principalForApiKey(prisma: PrismaClient, key: string, now = new Date()): Promise<Principal | undefined> {
  // One round trip (a join), where Prisma's `include` would make two: this runs before every API request.
  const rows = await prisma.$queryRaw<
    Array<{
      id: string;
      scope: string;
      revoked_at: Date | null;
      last_used_at: Date | null;
      tenant_id: string | null;
      tenant_name: string | null;
      tenant_settings: TenantSettings | null;
    }>
  >`SELECT k.id, k.scope, k.revoked_at, k.last_used_at, t.id AS tenant_id, t.name AS tenant_name, t.settings AS tenant_settings
      FROM api_key k LEFT JOIN tenant t ON t.id = k.tenant_id
     WHERE k.key_hash = ${hashApiKey(key)}`;
  const row = rows[0];
  if (!row || row.revoked_at) return undefined;
  if (!row.last_used_at || now.getTime() - new Date(row.last_used_at).getTime() >= LAST_USED_GRANULARITY_MS) {
    await prisma.apiKey.updateMany({ where: { id: row.id, revokedAt: null }, data: { lastUsedAt: now } });
  }
  if (row.scope === 'admin') return { scope: 'admin', keyId: row.id };
  if (row.scope === 'tenant' && row.tenant_id && row.tenant_name !== null) {
    return { scope: 'tenant', keyId: row.id, tenant: { id: row.tenant_id, name: row.tenant_name, settings: row.tenant_settings ?? {} } };
  }
  return undefined; // a scope this code does not know grants nothing
}

/** Stores a new key of `scope` (a tenant key for `tenantId`) and returns it in clear, once. */
export async function createApiKey(prisma: Pick<PrismaClient, 'apiKey'>, scope: KeyScope, tenantId: string | null): Promise<NewKey> {
  const clear = scope === 'admin' ? newAdminKey() : newApiKey();
  const row = await prisma.apiKey.create({
    data: { id: newKeyId(), scope, tenantId: scope === 'admin' ? null : tenantId, keyHash: hashApiKey(clear), prefix: clear.slice(0, PREFIX_LENGTH) },
  });
  return { ...keyView(row), key: clear };
}

/**
 * Makes sure `key` is an admin key (the ADMIN_API_KEY bootstrap). A key already stored keeps its state: a revoked
 * bootstrap key stays revoked (choose another ADMIN_API_KEY), and a tenant key never becomes an admin key.
 */
export async function ensureAdminKey(prisma: PrismaClient, key: string): Promise<void> {
  const keyHash = hashApiKey(key);
  const row = await prisma.apiKey.upsert({
    where: { keyHash },
    create: { id: newKeyId(), scope: 'admin', tenantId: null, keyHash, prefix: key.slice(0, PREFIX_LENGTH) },
    update: {},
  });
  if (row.scope !== 'admin') throw new Error('ADMIN_API_KEY is already in use as a tenant API key: choose another one');
}
