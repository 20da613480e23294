// Request rate limits (@fastify/rate-limit): per tenant (or admin key) on the authenticated API, per client address on
// the public POST /verify, which verifies a whole PDF for anyone. Counted in this process's memory: with N API
// processes a client may reach N times the limit (README "Tenants and keys"). Over the limit: 429 problem+json with
// Retry-After. Registered after the authentication hook, so a request is counted against the tenant it proved to be,
// and an unauthenticated flood is refused by authentication first.
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HttpProblem } from './problem';

const MINUTE_MS = 60_000;

function limited(what: string) {
  return (_request: FastifyRequest, context: { max: number; ttl: number }) => {
    const retryAfterSeconds = Math.max(1, Math.ceil(context.ttl / 1000));
    return new HttpProblem(429, 'rate-limited', 'Too Many Requests', `At most ${context.max} requests a minute ${what}: try again in ${retryAfterSeconds} s.`, {
      retryAfterSeconds,
    });
  };
}

/** Every route registered after this in `app`'s scope: `perMinute` requests per authenticated principal (0: no limit). */
export async function perPrincipalRateLimit(app: FastifyInstance, perMinute: number): Promise<void> {
  if (perMinute <= 0) return;
  await app.register(rateLimit, {
    max: perMinute,
    timeWindow: MINUTE_MS,
    keyGenerator: (request) => (request.principal.scope === 'tenant' ? `tenant:${request.principal.tenant.id}` : `admin:${request.principal.keyId}`),
    errorResponseBuilder: limited('per API client'),
  });
}

/** Every route registered after this in `app`'s scope: `perMinute` requests per client address (0: no limit). */
export async function perAddressRateLimit(app: FastifyInstance, perMinute: number): Promise<void> {
  if (perMinute <= 0) return;
  await app.register(rateLimit, { max: perMinute, timeWindow: MINUTE_MS, errorResponseBuilder: limited('from one address') });
}
