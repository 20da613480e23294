// /v1/settings: the calling tenant's own settings — message branding, WhatsApp template name, default
// locale — and the secret that signs its callbacks (shown to the tenant itself only).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { callbackSecret, tenantSettings, type TenantSettings } from '../../domain/tenants';
import type { Keys } from '../../platform/keys';
import type { PrismaClient } from '../../prisma/generated/client';
import { LOCALES } from '../../shared/otp';
import { problemRef } from '../schemas/common';
import { KB } from '../body-limits';

const SettingsBody = Type.Object(
  {
    brand: Type.Optional(
      Type.Union([Type.String({ minLength: 1, maxLength: 40 }), Type.Null()], {
        description: 'Name in OTP messages when a request gives none; null clears it',
      }),
    ),
    otpTemplate: Type.Optional(
      Type.Union([Type.String({ pattern: '^[a-z0-9_]{1,512}$' }), Type.Null()], {
        description: 'WhatsApp authentication template approved in your WABA (default otp_code)',
      }),
    ),
    defaultLocale: Type.Optional(Type.Union([Type.Enum([...LOCALES]), Type.Null()])),
  },
  { additionalProperties: false },
);

const SettingsResponse = Type.Object({
  tenant: Type.String(),
  brand: Type.Union([Type.String(), Type.Null()]),
  otpTemplate: Type.String(),
  defaultLocale: Type.String(),
  callbackSecret: Type.String({ description: 'Verifies Testigo-Signature on callbacks: HMAC-SHA256(secret, "<t>.<raw body>")' }),
});

export const settingsRoutes: FastifyPluginAsyncTypebox<{ prisma: PrismaClient; keys: Keys }> = async (app, { prisma, keys }) => {
  const schema = { tags: ['settings'], security: [{ bearerAuth: [] }] };
  const view = async (tenantId: string) => {
    const settings = await tenantSettings(prisma, tenantId);
    return {
      tenant: tenantId,
      brand: settings.brand ?? null,
      otpTemplate: settings.otpTemplate ?? 'otp_code',
      defaultLocale: settings.defaultLocale ?? 'es',
      callbackSecret: await callbackSecret(prisma, keys, tenantId),
    };
  };

  app.get('/settings', { schema: { ...schema, summary: 'Your settings', response: { 200: SettingsResponse, 401: problemRef } } }, async (request) =>
    view(request.tenant.id),
  );

  app.patch(
    '/settings',
    {
      // three short fields
      bodyLimit: 4 * KB,
      schema: {
        ...schema,
        summary: 'Change your settings (null clears a field)',
        body: SettingsBody,
        response: { 200: SettingsResponse, 400: problemRef, 401: problemRef },
      },
    },
    async (request) => {
      const current = await tenantSettings(prisma, request.tenant.id);
      const next: Record<string, unknown> = { ...current };
      for (const [key, value] of Object.entries(request.body)) {
        if (value === null) delete next[key];
        else next[key] = value;
      }
      await prisma.tenant.update({ where: { id: request.tenant.id }, data: { settings: next as TenantSettings as object } });
      return view(request.tenant.id);
    },
  );
};
