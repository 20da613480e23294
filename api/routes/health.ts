// Liveness and readiness probes (PRODUCT.md §3.6).
import type { Client } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import type { PrismaClient } from '../../prisma/generated/client';

const PROBE_TIMEOUT_MS = 2_000;

async function probe(name: string, check: () => Promise<unknown>) {
  const started = performance.now();
  try {
    await Promise.race([check(), new Promise((_, reject) => setTimeout(() => reject(new Error('timed out')), PROBE_TIMEOUT_MS).unref())]);
    return { name, ok: true, ms: Math.round(performance.now() - started) };
  } catch (error) {
    return { name, ok: false, ms: Math.round(performance.now() - started), error: (error as Error).message };
  }
}

export async function healthRoutes(app: FastifyInstance, { prisma, temporal }: { prisma: PrismaClient; temporal: Client }) {
  const schema = { tags: ['operations'] };
  app.get('/healthz', { schema: { ...schema, summary: 'The process is up' } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { ...schema, summary: 'The database and Temporal are reachable' } }, async (_request, reply) => {
    const checks = await Promise.all([
      probe('database', () => prisma.$queryRaw`SELECT 1`),
      // The abort signal also ends the SDK's own retries, which would otherwise outlive the probe.
      probe('temporal', () => temporal.withAbortSignal(AbortSignal.timeout(PROBE_TIMEOUT_MS), () => temporal.workflowService.getSystemInfo({}))),
    ]);
    const ready = checks.every((c) => c.ok);
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not_ready', checks });
  });
}
