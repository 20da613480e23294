// Liveness and readiness probes (PRODUCT.md §3.6).
import { Connection } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import type { PrismaClient } from '../../prisma/generated/client';

const PROBE_TIMEOUT_MS = 2_000;

async function probe(name: string, check: (signal: AbortSignal) => Promise<unknown>) {
  const started = performance.now();
  const signal = AbortSignal.timeout(PROBE_TIMEOUT_MS);
  try {
    await Promise.race([check(signal), new Promise((_, reject) => signal.addEventListener('abort', () => reject(new Error('timed out'))))]);
    return { name, ok: true, ms: Math.round(performance.now() - started) };
  } catch (error) {
    return { name, ok: false, ms: Math.round(performance.now() - started), error: (error as Error).message };
  }
}

export async function healthRoutes(app: FastifyInstance, { prisma, temporalAddress }: { prisma: PrismaClient; temporalAddress: string }) {
  // A connection of its own without the SDK's retry interceptor: a probe must answer "down" once,
  // not keep retrying in the background after it has answered.
  const probeConnection = Connection.lazy({ address: temporalAddress, interceptors: [] });
  app.addHook('onClose', async () => probeConnection.close());

  const schema = { tags: ['operations'] };
  app.get('/healthz', { schema: { ...schema, summary: 'The process is up' } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { ...schema, summary: 'The database and Temporal are reachable' } }, async (_request, reply) => {
    const checks = await Promise.all([
      probe('database', () => prisma.$queryRaw`SELECT 1`),
      probe('temporal', (signal) => probeConnection.withAbortSignal(signal, () => probeConnection.workflowService.getSystemInfo({}))),
    ]);
    const ready = checks.every((c) => c.ok);
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not_ready', checks });
  });
}
