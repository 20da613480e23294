// Tenants and their API keys. Keys are random 32-byte secrets shown once; only their SHA-256 is stored
// (a fast hash is right for high-entropy secrets, and makes lookup by hash a unique-index hit).
import { createHash, randomBytes } from 'node:crypto';
import type { PrismaClient } from '../prisma/generated/client';

export interface TenantRef {
  id: string;
  name: string;
}

export const hashApiKey = (key: string) => createHash('sha256').update(key).digest('hex');

export function newApiKey(): string {
  return `tsk_${randomBytes(32).toString('base64url')}`;
}

export async function tenantForApiKey(prisma: PrismaClient, key: string): Promise<TenantRef | undefined> {
  const row = await prisma.apiKey.findUnique({ where: { keyHash: hashApiKey(key) }, include: { tenant: true } });
  if (!row || row.revokedAt) return undefined;
  return { id: row.tenant.id, name: row.tenant.name };
}

/** Makes sure tenant `id` exists and accepts `apiKey` (the API_KEY bootstrap for development). */
export async function ensureTenantWithKey(prisma: PrismaClient, id: string, name: string, apiKey: string): Promise<TenantRef> {
  const tenant = await prisma.tenant.upsert({
    where: { id },
    create: { id, name, callbackSecret: randomBytes(32).toString('base64url') },
    update: {},
  });
  const keyHash = hashApiKey(apiKey);
  await prisma.apiKey.upsert({
    where: { keyHash },
    create: { id: `key_${randomBytes(9).toString('base64url')}`, tenantId: id, keyHash, prefix: apiKey.slice(0, 8) },
    update: {},
  });
  return { id: tenant.id, name: tenant.name };
}
