// Tenants, their settings and the API_KEY bootstrap (keys and their scopes: domain/api-keys.ts). Keys are random
// 32-byte secrets shown once; only their SHA-256 is stored. The callback signing secret is sealed at rest and opened
// only to sign or to show the tenant.
import { createHash, randomBytes } from 'node:crypto';
import type { Keys } from '../platform/keys';
import type { PrismaClient } from '../prisma/generated/client';
import type { Locale } from '../shared/otp';
import { openSecret, sealSecret } from './secret-box';

export interface TenantRef {
  id: string;
  name: string;
}

/** What a tenant may override; every field optional, defaults in code. */
export interface TenantSettings {
  /** name shown in OTP messages when a request gives none */
  brand?: string;
  /** WhatsApp authentication template name (approved in the tenant's WABA) */
  otpTemplate?: string;
  /** locale when a request gives none */
  defaultLocale?: Locale;
}

export const DEFAULT_OTP_TEMPLATE = 'otp_code';

/**
 * The tenant a request acts for, as its API key's lookup reads it (domain/api-keys.ts: the same statement), so a
 * create needs no read of its own for the name or the defaults.
 */
export interface TenantContext extends TenantRef {
  settings: TenantSettings;
}

/** A tenant's context read on its own (tests and tools that act for a tenant without a request). */
export async function tenantContext(prisma: PrismaClient, tenantId: string): Promise<TenantContext> {
  const row = await prisma.tenant.findUniqueOrThrow({ where: { id: tenantId }, select: { id: true, name: true, settings: true } });
  return { id: row.id, name: row.name, settings: (row.settings ?? {}) as TenantSettings };
}

export const hashApiKey = (key: string) => createHash('sha256').update(key).digest('hex');

export function newApiKey(): string {
  return `tsk_${randomBytes(32).toString('base64url')}`;
}

export function newCallbackSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

export async function tenantSettings(prisma: PrismaClient, tenantId: string): Promise<TenantSettings> {
  const row = await prisma.tenant.findUnique({ where: { id: tenantId }, select: { settings: true } });
  return (row?.settings ?? {}) as TenantSettings;
}

export async function callbackSecret(prisma: PrismaClient, keys: Keys, tenantId: string): Promise<string> {
  const row = await prisma.tenant.findUniqueOrThrow({ where: { id: tenantId }, select: { callbackSecret: true } });
  return openSecret(keys.secrets, row.callbackSecret);
}

/** Makes sure tenant `id` exists and accepts `apiKey` (the API_KEY bootstrap for development). */
export async function ensureTenantWithKey(prisma: PrismaClient, keys: Keys, id: string, name: string, apiKey: string): Promise<TenantRef> {
  const tenant = await prisma.tenant.upsert({
    where: { id },
    create: { id, name, callbackSecret: sealSecret(keys.secrets, newCallbackSecret()) },
    update: {},
  });
  const keyHash = hashApiKey(apiKey);
  const key = await prisma.apiKey.upsert({
    where: { keyHash },
    create: { id: `key_${randomBytes(9).toString('base64url')}`, scope: 'tenant', tenantId: id, keyHash, prefix: apiKey.slice(0, 8) },
    update: {},
  });
  if (key.scope !== 'tenant' || key.tenantId !== id) throw new Error(`API_KEY is already in use by another tenant or as an admin key: choose another one`);
  return { id: tenant.id, name: tenant.name };
}
