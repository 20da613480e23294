// Configuration comes from the environment only (PRODUCT.md §4). Every name and default lives here,
// so the README's table and the code cannot drift apart silently.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseDuration } from '../shared/duration';

export type WhatsAppProvider = 'sandbox' | 'cloud' | '360dialog';
export type SmsProvider = 'sandbox' | 'twilio';

export interface Config {
  port: number;
  host: string;
  publicBaseUrl: string;
  dataDir: string;
  databaseUrl?: string;
  temporal: {
    /** unset → the project starts a dev server (only `npm start` and the tests do that) */
    address?: string;
    namespace: string;
    taskQueue: string;
  };
  apiKey?: string;
  /** ensures an admin-scoped key (manages tenants and keys on /v1/admin) at start; `npm start` generates one in development */
  adminApiKey?: string;
  /**
   * Requests per minute, counted in each API process's memory (0: off). With N API processes a client may reach N
   * times the limit; a limit shared by every process would need a shared store (README "Tenants and keys").
   */
  rateLimits: {
    /** per tenant (or admin key) on /v1, after authentication */
    perTenantPerMinute: number;
    /** per client address on the public POST /verify (a PDF verification each) */
    publicVerifyPerIpPerMinute: number;
  };
  /** Fastify's trustProxy: whom to believe about the client address (X-Forwarded-For); unset → the socket's peer */
  trustProxy?: boolean | number | string;
  whatsapp: {
    provider: WhatsAppProvider;
    apiBaseUrl: string;
    apiVersion: string;
    phoneNumberId?: string;
    /** how long a fetched list of template review statuses is trusted (TEMPLATE_STATUS_TTL, default 60s) */
    templateStatusTtlMs: number;
    /** the business number customers write to (E.164), for click-to-chat links */
    businessNumber?: string;
    /** WhatsApp Business Account id: where the message templates are registered (`npm run templates`) */
    wabaId?: string;
    accessToken?: string;
    appSecret?: string;
    verifyToken?: string;
  };
  /** where the API process itself listens (the sandbox posts its webhooks there) */
  ownBaseUrl: string;
  sms: {
    provider: SmsProvider;
    /** Twilio REST base; for the sandbox it is the app's own /sandbox/twilio mount */
    twilioApiBaseUrl: string;
    twilioAccountSid: string;
    twilioAuthToken: string;
    twilioFrom: string;
  };
  seal: { p12?: string; p12Password?: string };
  tsaUrl?: string;
  /**
   * How long custody keeps a process's evidence bundle after it was issued (EVIDENCE_RETENTION, default 2190d = 6
   * years); `npm run custody:purge` deletes what is older. See README "Retention and erasure".
   */
  evidenceRetentionMs: number;
  /** base64 AES-256 key; unset → generated into DATA_DIR/keys */
  payloadKey?: string;
  /** bearer token for the codec server; unset → loopback callers only */
  codecToken?: string;
  /** where the Temporal Web UI runs (CORS origin of the codec server) */
  temporalUiUrl: string;
  logLevel: string;
  /** the `development` flavour prints the API key and enables pretty hints */
  development: boolean;
}

/** Sandbox credentials: the sandbox accepts these and signs its webhooks with them. */
export const SANDBOX_TWILIO = { accountSid: 'AC00000000000000000000000000000000', authToken: 'sandbox-twilio-auth-token', from: '+15005550006' };
export const SANDBOX_WHATSAPP = {
  phoneNumberId: '100000000000001',
  /** the business's WhatsApp number as customers see it */
  displayNumber: '+15550001111',
  wabaId: '200000000000002',
  accessToken: 'sandbox-whatsapp-access-token',
  appSecret: 'sandbox-whatsapp-app-secret',
  verifyToken: 'sandbox-whatsapp-verify-token',
};

export class ConfigError extends Error {}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  // Decimal digits only: Number() would read ' ' as 0 and '0x1F90' as 8080.
  const value = /^\d{1,5}$/.test(raw) ? Number(raw) : NaN;
  if (!(value >= 0 && value <= 65535)) throw new ConfigError(`${name} must be a port number (0–65535), got "${raw}"`);
  return value;
}

function count(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = opt(env, name);
  if (raw === undefined) return fallback;
  if (!/^\d{1,9}$/.test(raw)) throw new ConfigError(`${name} must be a whole number (0 turns it off), got "${raw}"`);
  return Number(raw);
}

/** TRUST_PROXY: `true`, a number of proxy hops, or addresses/CIDRs (comma-separated) of the proxies to believe. */
function trustProxy(env: NodeJS.ProcessEnv): boolean | number | string | undefined {
  const raw = opt(env, 'TRUST_PROXY');
  if (raw === undefined || raw === 'false') return undefined;
  if (raw === 'true') return true;
  if (/^\d{1,2}$/.test(raw)) return Number(raw);
  return raw;
}

function oneOf<T extends string>(env: NodeJS.ProcessEnv, name: string, allowed: readonly T[], fallback: T): T {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!(allowed as readonly string[]).includes(raw)) throw new ConfigError(`${name} must be one of ${allowed.join(', ')}, got "${raw}"`);
  return raw as T;
}

function duration(env: NodeJS.ProcessEnv, name: string, fallback: string): number {
  const raw = opt(env, name) ?? fallback;
  const ms = parseDuration(raw);
  if (ms === undefined) throw new ConfigError(`${name} must be a duration such as 30s, 10m or 1h, got "${raw}"`);
  return ms;
}

function opt(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const raw = env[name];
  return raw === undefined || raw === '' ? undefined : raw;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = int(env, 'PORT', 3000);
  const host = opt(env, 'HOST') ?? '127.0.0.1';
  const publicBaseUrl = (opt(env, 'PUBLIC_BASE_URL') ?? `http://localhost:${port}`).replace(/\/$/, '');
  const smsProvider = oneOf(env, 'SMS_PROVIDER', ['sandbox', 'twilio'] as const, 'sandbox');
  const whatsappProvider = oneOf(env, 'WHATSAPP_PROVIDER', ['sandbox', 'cloud', '360dialog'] as const, 'sandbox');
  // The sandbox is mounted in the API process; the worker reaches it over HTTP like a real provider.
  const ownBase = `http://${host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host}:${port}`;

  const sms =
    smsProvider === 'sandbox'
      ? {
          provider: smsProvider,
          twilioApiBaseUrl: opt(env, 'TWILIO_API_BASE_URL') ?? `${ownBase}/sandbox/twilio`,
          twilioAccountSid: opt(env, 'TWILIO_ACCOUNT_SID') ?? SANDBOX_TWILIO.accountSid,
          twilioAuthToken: opt(env, 'TWILIO_AUTH_TOKEN') ?? SANDBOX_TWILIO.authToken,
          twilioFrom: opt(env, 'TWILIO_FROM') ?? SANDBOX_TWILIO.from,
        }
      : {
          provider: smsProvider,
          twilioApiBaseUrl: opt(env, 'TWILIO_API_BASE_URL') ?? 'https://api.twilio.com',
          twilioAccountSid: required(env, 'TWILIO_ACCOUNT_SID', 'SMS_PROVIDER=twilio'),
          twilioAuthToken: required(env, 'TWILIO_AUTH_TOKEN', 'SMS_PROVIDER=twilio'),
          twilioFrom: required(env, 'TWILIO_FROM', 'SMS_PROVIDER=twilio'),
        };

  const development = (opt(env, 'NODE_ENV') ?? 'development') !== 'production';
  if (!development) refuseUnsafeProduction(env, { whatsapp: whatsappProvider, sms: smsProvider });

  return {
    port,
    host,
    publicBaseUrl,
    dataDir: path.resolve(opt(env, 'DATA_DIR') ?? './.data'),
    databaseUrl: opt(env, 'DATABASE_URL'),
    temporal: {
      address: opt(env, 'TEMPORAL_ADDRESS'),
      namespace: opt(env, 'TEMPORAL_NAMESPACE') ?? 'default',
      taskQueue: opt(env, 'TEMPORAL_TASK_QUEUE') ?? 'testigo',
    },
    apiKey: opt(env, 'API_KEY'),
    adminApiKey: opt(env, 'ADMIN_API_KEY'),
    rateLimits: {
      perTenantPerMinute: count(env, 'RATE_LIMIT_PER_MINUTE', 3000),
      publicVerifyPerIpPerMinute: count(env, 'VERIFY_RATE_LIMIT_PER_MINUTE', 30),
    },
    trustProxy: trustProxy(env),
    whatsapp: whatsappConfig(env, whatsappProvider, ownBase),
    ownBaseUrl: ownBase,
    sms: { ...sms, twilioApiBaseUrl: sms.twilioApiBaseUrl.replace(/\/$/, '') },
    seal: { p12: sealP12(env), p12Password: opt(env, 'SEAL_P12_PASSWORD') },
    tsaUrl: httpUrl(env, 'TSA_URL'),
    evidenceRetentionMs: duration(env, 'EVIDENCE_RETENTION', '2190d'),
    payloadKey: opt(env, 'PAYLOAD_KEY'),
    codecToken: opt(env, 'CODEC_TOKEN'),
    temporalUiUrl: (opt(env, 'TEMPORAL_UI_URL') ?? 'http://localhost:8233').replace(/\/$/, ''),
    logLevel: opt(env, 'LOG_LEVEL') ?? 'info',
    development,
  };
}

/**
 * NODE_ENV=production refuses two defaults that are fine on a laptop and dangerous on a server:
 *  - no CODEC_TOKEN: the codec server then trusts loopback callers, and behind a reverse proxy on the same host every
 *    caller is loopback — anyone could decrypt workflow payloads;
 *  - a sandbox provider (the default when WHATSAPP_PROVIDER / SMS_PROVIDER are forgotten): it mounts an
 *    unauthenticated control API and accepts webhooks signed with the sandbox's published secrets. A demo may opt in
 *    with ALLOW_SANDBOX_IN_PRODUCTION=true.
 */
function refuseUnsafeProduction(env: NodeJS.ProcessEnv, providers: { whatsapp: WhatsAppProvider; sms: SmsProvider }): void {
  if (!opt(env, 'CODEC_TOKEN')) {
    throw new ConfigError(
      'CODEC_TOKEN is required with NODE_ENV=production: without it the codec server trusts every loopback caller (behind a reverse proxy, everyone). Set CODEC_TOKEN, and give the Temporal UI the same token.',
    );
  }
  const sandboxes = [providers.whatsapp === 'sandbox' && 'WHATSAPP_PROVIDER', providers.sms === 'sandbox' && 'SMS_PROVIDER'].filter(Boolean);
  if (sandboxes.length > 0 && opt(env, 'ALLOW_SANDBOX_IN_PRODUCTION') !== 'true') {
    throw new ConfigError(
      `NODE_ENV=production with the sandbox as provider (${sandboxes.join(', ')} unset or "sandbox") would mount an unauthenticated control API and accept webhooks signed with published secrets: set ${sandboxes.join(' and ')} to a real provider, or ALLOW_SANDBOX_IN_PRODUCTION=true for a demo.`,
    );
  }
}

const WHATSAPP_DEFAULT_BASE: Record<WhatsAppProvider, (ownBase: string) => string> = {
  sandbox: (ownBase) => `${ownBase}/sandbox/graph`,
  cloud: () => 'https://graph.facebook.com',
  '360dialog': () => 'https://waba-v2.360dialog.io',
};

function whatsappConfig(env: NodeJS.ProcessEnv, provider: WhatsAppProvider, ownBase: string): Config['whatsapp'] {
  const sandbox = provider === 'sandbox';
  const need = (name: string, sandboxValue: string) => opt(env, name) ?? (sandbox ? sandboxValue : required(env, name, `WHATSAPP_PROVIDER=${provider}`));
  return {
    provider,
    apiBaseUrl: (opt(env, 'WHATSAPP_API_BASE_URL') ?? WHATSAPP_DEFAULT_BASE[provider](ownBase)).replace(/\/$/, ''),
    apiVersion: opt(env, 'WHATSAPP_API_VERSION') ?? 'v23.0',
    // 360dialog's key selects the number: no phone number id in its paths.
    phoneNumberId: provider === '360dialog' ? opt(env, 'WHATSAPP_PHONE_NUMBER_ID') : need('WHATSAPP_PHONE_NUMBER_ID', SANDBOX_WHATSAPP.phoneNumberId),
    wabaId: opt(env, 'WHATSAPP_WABA_ID') ?? (sandbox ? SANDBOX_WHATSAPP.wabaId : undefined),
    businessNumber: opt(env, 'WHATSAPP_BUSINESS_NUMBER') ?? (sandbox ? SANDBOX_WHATSAPP.displayNumber : undefined),
    templateStatusTtlMs: duration(env, 'TEMPLATE_STATUS_TTL', '60s'),
    accessToken: need('WHATSAPP_ACCESS_TOKEN', SANDBOX_WHATSAPP.accessToken),
    appSecret: need('WHATSAPP_APP_SECRET', SANDBOX_WHATSAPP.appSecret),
    verifyToken: need('WHATSAPP_VERIFY_TOKEN', SANDBOX_WHATSAPP.verifyToken),
  };
}

/** SEAL_P12 must name an existing file: a typo would otherwise silently seal with the development CA. */
function sealP12(env: NodeJS.ProcessEnv): string | undefined {
  const file = opt(env, 'SEAL_P12');
  if (file === undefined) return undefined;
  const resolved = path.resolve(file);
  if (!existsSync(resolved)) throw new ConfigError(`SEAL_P12 names a file that does not exist: ${resolved}`);
  return resolved;
}

function httpUrl(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const raw = opt(env, name);
  if (raw === undefined) return undefined;
  let url: URL | undefined;
  try {
    url = new URL(raw);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) throw new ConfigError(`${name} must be an http(s) URL, got "${raw}"`);
  return raw;
}

function required(env: NodeJS.ProcessEnv, name: string, because: string): string {
  const value = opt(env, name);
  if (!value) throw new ConfigError(`${name} is required when ${because}`);
  return value;
}
