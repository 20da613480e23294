// Builds the Fastify application: schemas and problem errors first, then the resource plugins.
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Client } from '@temporalio/client';
import type { PayloadCodec } from '@temporalio/common';
import type { Ajv } from 'ajv';
import Fastify, { type FastifyInstance } from 'fastify';
import { isValidE164 } from '../domain/phone';
import { SANDBOX_WHATSAPP, type Config } from '../platform/config';
import type { Keys } from '../platform/keys';
import type { PrismaClient } from '../prisma/generated/client';
import { sandboxPlugin } from '../sandbox';
import type { SandboxStore } from '../sandbox/store';
import type { BlobStore } from '../custody/blob-store';
import type { Jwks } from '../evidence';
import { ProcessService, type TemplateCheck } from '../services/processes';
import { EvidenceVerification } from '../services/evidence-verification';
import { TenantAdmin } from '../services/tenant-admin';
import { VerificationService } from '../services/verifications';
import { WebhookIngestion } from '../services/webhook-ingestion';
import { addAdminAuth, addBearerAuth } from './auth';
import { CODEC_BODY_LIMIT, DEFAULT_BODY_LIMIT, scopeBodyLimit, WEBHOOK_BODY_LIMIT } from './body-limits';
import { addIdempotency } from './idempotency';
import { loggerOptions } from './logging';
import { clientErrorProblem, frameworkErrorProblem, registerProblemHandlers } from './problem';
import { perAddressRateLimit, perPrincipalRateLimit } from './rate-limits';
import { adminKeyRoutes } from './routes/admin-keys';
import { adminTenantRoutes } from './routes/admin-tenants';
import { codecRoutes } from './routes/codec';
import { healthRoutes } from './routes/health';
import { metricsRoutes } from './routes/metrics';
import { settingsRoutes } from './routes/settings';
import { evidenceRoutes } from './routes/evidence';
import { processRoutes } from './routes/processes';
import { verificationRoutes } from './routes/verifications';
import { verifyPageRoutes } from './routes/verify-page';
import { wellKnownRoutes } from './routes/well-known';
import { ProblemSchema } from './schemas/common';
import { twilioWebhookRoutes } from './webhooks/twilio';
import { whatsappWebhookRoutes } from './webhooks/whatsapp';

export interface AppDeps {
  config: Config;
  prisma: PrismaClient;
  temporal: Client;
  keys: Keys;
  codec: PayloadCodec;
  /** present when a provider is the sandbox: the API process hosts the emulator */
  sandbox?: SandboxStore;
  /** where logs go (tests capture them); default stdout */
  logStream?: NodeJS.WritableStream;
  /** custody (documents), the template approval check, and the seal CA published at /.well-known */
  processes: { blobs: BlobStore; templates: TemplateCheck; sealCaPem: string; jwks?: Jwks };
}

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { config, prisma, temporal } = deps;
  const app = Fastify({
    logger: loggerOptions(config.logLevel, deps.logStream),
    bodyLimit: DEFAULT_BODY_LIMIT,
    // a number of hops as the function Fastify's types accept: trust the `n` proxies nearest to us
    trustProxy:
      typeof config.trustProxy === 'number'
        ? (
            (hops: number) => (_address: string, hop: number) =>
              hop < hops
          )(config.trustProxy)
        : (config.trustProxy ?? false),
    ajv: {
      // allErrors: a 400 names every bad field, not just the first one.
      customOptions: { allErrors: true, removeAdditional: false, coerceTypes: 'array', useDefaults: true },
      plugins: [(ajv: Ajv) => ajv.addFormat('e164', isValidE164)],
    },
    return503OnClosing: true,
    frameworkErrors: frameworkErrorProblem,
    clientErrorHandler: clientErrorProblem,
  }).withTypeProvider<TypeBoxTypeProvider>();

  registerProblemHandlers(app);
  app.addSchema(ProblemSchema);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Testigo API', version: '1', description: 'Certified contracting and OTP verification over WhatsApp.' },
      servers: [{ url: config.publicBaseUrl }],
      components: {
        securitySchemes: {
          bearerAuth: { type: 'http', scheme: 'bearer', description: 'Tenant API key' },
          adminAuth: { type: 'http', scheme: 'bearer', description: 'Admin API key (ADMIN_API_KEY, or one an admin issued): /v1/admin only' },
        },
      },
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => String(json.$id ?? `def-${i}`) },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  await metricsRoutes(app);
  await app.register(healthRoutes, { prisma, temporalAddress: config.temporal.address! });
  await app.register(
    async (codec) => {
      scopeBodyLimit(codec, CODEC_BODY_LIMIT);
      await codec.register(codecRoutes, { codec: deps.codec, token: config.codecToken, uiOrigins: [config.temporalUiUrl] });
    },
    { prefix: '/codec' },
  );

  await app.register(wellKnownRoutes, { caPem: deps.processes.sealCaPem, jwks: deps.processes.jwks });

  const service = new VerificationService({ prisma, temporal, taskQueue: config.temporal.taskQueue, keys: deps.keys });
  const processes = new ProcessService({
    prisma,
    temporal,
    taskQueue: config.temporal.taskQueue,
    keys: deps.keys,
    blobs: deps.processes.blobs,
    templates: deps.processes.templates,
    businessNumber: config.whatsapp.businessNumber ?? '',
  });
  const verification = new EvidenceVerification({ prisma, blobs: deps.processes.blobs, jwks: deps.processes.jwks, caPem: deps.processes.sealCaPem });
  // POST /verify verifies a whole PDF for anyone: limited per client address (TRUST_PROXY says who that is).
  await app.register(async (publicVerify) => {
    await perAddressRateLimit(publicVerify, config.rateLimits.publicVerifyPerIpPerMinute);
    await publicVerify.register(evidenceRoutes, { verification, public: true });
  });
  await app.register(verifyPageRoutes, { jwks: Boolean(deps.processes.jwks) });
  await app.register(
    async (v1) => {
      addBearerAuth(v1, prisma);
      await perPrincipalRateLimit(v1, config.rateLimits.perTenantPerMinute);
      addIdempotency(v1, prisma);
      await v1.register(verificationRoutes, { service });
      await v1.register(processRoutes, { service: processes });
      await v1.register(evidenceRoutes, { verification });
      await v1.register(settingsRoutes, { prisma, keys: deps.keys });
    },
    { prefix: '/v1' },
  );
  // A sibling of /v1, not inside it: the tenant authentication hook must not run for admin routes.
  const admin = new TenantAdmin({ prisma, keys: deps.keys });
  await app.register(
    async (v1admin) => {
      addAdminAuth(v1admin, prisma);
      await perPrincipalRateLimit(v1admin, config.rateLimits.perTenantPerMinute);
      await v1admin.register(adminTenantRoutes, { admin });
      await v1admin.register(adminKeyRoutes, { admin });
    },
    { prefix: '/v1/admin' },
  );

  const ingestion = new WebhookIngestion({ prisma, temporal, keys: deps.keys, log: app.log });
  // Webhooks are provider traffic (bursts from a few addresses, retried by the provider): no rate limit, but the
  // signature is checked before any work and the body is bounded.
  await app.register(
    async (hooks) => {
      scopeBodyLimit(hooks, WEBHOOK_BODY_LIMIT);
      await hooks.register(whatsappWebhookRoutes, {
        ingestion,
        appSecret: config.whatsapp.appSecret ?? '',
        verifyToken: config.whatsapp.verifyToken ?? '',
        provider: config.whatsapp.provider,
      });
      await hooks.register(twilioWebhookRoutes, {
        ingestion,
        authToken: config.sms.twilioAuthToken,
        publicBaseUrl: config.publicBaseUrl,
        provider: config.sms.provider,
      });
    },
    { prefix: '/webhooks' },
  );

  if (deps.sandbox) {
    await app.register(sandboxPlugin, {
      prefix: '/sandbox',
      store: deps.sandbox,
      twilio: {
        accountSid: config.sms.twilioAccountSid,
        authToken: config.sms.twilioAuthToken,
        inboundWebhookUrl: `${config.publicBaseUrl}/webhooks/sms/twilio`,
        businessNumber: config.sms.twilioFrom,
      },
      whatsapp: {
        phoneNumberId: config.whatsapp.phoneNumberId ?? SANDBOX_WHATSAPP.phoneNumberId,
        displayNumber: SANDBOX_WHATSAPP.displayNumber,
        wabaId: SANDBOX_WHATSAPP.wabaId,
        accessToken: config.whatsapp.accessToken ?? SANDBOX_WHATSAPP.accessToken,
        appSecret: config.whatsapp.appSecret ?? SANDBOX_WHATSAPP.appSecret,
        webhookUrl: `${config.publicBaseUrl}/webhooks/whatsapp`,
      },
    });
  }
  return app;
}
