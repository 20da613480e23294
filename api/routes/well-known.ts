// GET /.well-known/testigo-ca.pem: the seal's trust anchor, and GET /.well-known/jwks.json: its key for evidence JWS; public, so that anyone holding a sealed PDF can check
// it with pdfsig, pyHanko or Acrobat (PRODUCT.md; issue 7 §4). No authentication: a CA certificate is not a secret.
import type { FastifyInstance } from 'fastify';

export interface WellKnownOptions {
  /** PEM of the CA that issued the seal certificate (SealIdentity.caPem) */
  caPem: string;
  /** the seal key as a JWK Set (evidence JWS are verified against it); absent when the seal key is not EC P-256 */
  jwks?: { keys: object[] };
}

export async function wellKnownRoutes(app: FastifyInstance, { caPem, jwks }: WellKnownOptions) {
  if (jwks) {
    app.get(
      '/.well-known/jwks.json',
      { schema: { tags: ['operations'], summary: 'The seal key as a JWK Set: verifies the evidence JWS (ES256, kid = RFC 7638 thumbprint, x5c)' } },
      async (_request, reply) => reply.header('content-type', 'application/jwk-set+json').header('cache-control', 'public, max-age=3600').send(jwks),
    );
  }

  app.get(
    '/.well-known/testigo-ca.pem',
    { schema: { tags: ['operations'], summary: 'The CA certificate that issued the seal certificate (PEM)', produces: ['application/x-pem-file'] } },
    async (_request, reply) =>
      reply
        .header('content-type', 'application/x-pem-file')
        .header('content-disposition', 'inline; filename="testigo-ca.pem"')
        // It changes only when the operator changes SEAL_P12: caches may keep it a while.
        .header('cache-control', 'public, max-age=3600')
        .send(caPem),
  );
}
