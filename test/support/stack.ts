// A complete application stack for integration tests: the real API over loopback HTTP, a real
// worker, the shared Temporal dev server, and a fresh database (in-memory PGlite, or a new
// PostgreSQL database when TEST_DATABASE_URL is set). Nothing of our own is mocked.
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Writable } from 'node:stream';
import { VerificationService } from '../../services/verifications';
import { tenantContext, type TenantContext } from '../../domain/tenants';
import { loadConfig } from '../../platform/config';
import { createPostgresTestDatabase, openDatabase, type DatabaseKind } from '../../platform/db';
import { freePort, type DevServer } from '../../platform/dev-server';
import { startStack, type Stack } from '../../app/stack';
import { captureStream } from './logs';
import { testDevServer } from './dev-server';

/** The databases the integration suites run against: always PGlite, PostgreSQL when configured. */
export function databases(): DatabaseKind[] {
  return process.env.TEST_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];
}

export interface TestStack {
  stack: Stack;
  url: string;
  apiKey: string;
  tenantId: string;
  /** the PostgreSQL database's URL (postgres kind only): a second process's connection, as a second worker would have */
  databaseUrl?: string;
  request(
    method: string,
    path: string,
    options?: { body?: unknown; headers?: Record<string, string>; apiKey?: string | null },
  ): Promise<{ status: number; headers: Headers; body: any }>;
  stop(): Promise<void>;
}

/** For callers outside the test run (the benchmarks): their own dev server, PostgreSQL server and log sink. */
export interface TestStackOptions {
  /** default: the test run's shared dev server */
  devServer?: DevServer;
  /** the PostgreSQL server a 'postgres' stack creates its database on (default TEST_DATABASE_URL) */
  postgresUrl?: string;
  /** default: captured (test/support/logs.ts) */
  logStream?: Writable;
}

export async function startTestStack(kind: DatabaseKind, env: Record<string, string> = {}, options: TestStackOptions = {}): Promise<TestStack> {
  const devServer = options.devServer ?? (await testDevServer());
  const pg = kind === 'postgres' ? await createPostgresTestDatabase(options.postgresUrl ?? process.env.TEST_DATABASE_URL!) : undefined;
  const database = await openDatabase({ url: pg?.url });
  const apiKey = `tsk_test_${randomBytes(16).toString('hex')}`;
  const config = loadConfig({
    PORT: String(await freePort()),
    DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'testigo-test-')),
    TEMPORAL_ADDRESS: devServer.address,
    TEMPORAL_TASK_QUEUE: `testigo-test-${randomBytes(4).toString('hex')}`,
    API_KEY: apiKey,
    LOG_LEVEL: 'debug',
    ...env,
  });
  const stack = await startStack({ config, api: true, worker: true, database, logStream: options.logStream ?? captureStream(), sandboxInMemory: true });
  const url = stack.url!;
  return {
    stack,
    url,
    apiKey,
    tenantId: 'default',
    databaseUrl: pg?.url,
    async request(method, route, options = {}) {
      const headers: Record<string, string> = { ...(options.headers ?? {}) };
      const key = options.apiKey === undefined ? apiKey : options.apiKey;
      if (key !== null) headers.authorization = `Bearer ${key}`;
      if (options.body !== undefined) headers['content-type'] = 'application/json';
      const response = await fetch(`${url}${route}`, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
      const text = await response.text();
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        /* not JSON: keep the text */
      }
      return { status: response.status, headers: response.headers, body };
    },
    async stop() {
      await stack.stop();
      const started = Date.now();
      await database.close();
      await pg?.drop();
      if (Date.now() - started > 5_000) console.error(`test stack: closing the database took ${Date.now() - started} ms`);
    },
  };
}

/** The stack's tenant as a request acting for it has it (its name and settings). */
export function tenantOf(t: TestStack): Promise<TenantContext> {
  return tenantContext(t.stack.db.prisma, t.tenantId);
}

/**
 * The verification service exactly as the API builds it, for the few knobs the HTTP schema keeps fixed
 * (a TTL under 60 s, a shorter resend cool-down), so tests need no long sleeps.
 */
export function verificationService(t: TestStack): VerificationService {
  return new VerificationService({ prisma: t.stack.db.prisma, temporal: t.stack.client, taskQueue: t.stack.config.temporal.taskQueue, keys: t.stack.keys });
}

/**
 * A second API process on a PostgreSQL test stack's database: its own Fastify app, connection pool and Temporal client
 * (no worker), sharing nothing with the first but the database and the task queue — as two API processes behind a load
 * balancer. PGlite lives inside one process, so only for the 'postgres' kind.
 */
export async function startSecondApi(t: TestStack): Promise<{ url: string; stop(): Promise<void> }> {
  if (!t.databaseUrl) throw new Error('a second API process needs a PostgreSQL test stack');
  const database = await openDatabase({ url: t.databaseUrl, migrate: false });
  const stack = await startStack({
    config: { ...t.stack.config, port: await freePort() },
    api: true,
    database,
    logStream: captureStream(),
    sandboxInMemory: true,
  });
  return {
    url: stack.url!,
    async stop() {
      await stack.stop();
      await database.close();
    },
  };
}

/** Polls until `probe` returns a value (not undefined), for effects that arrive asynchronously. */
export async function eventually<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 15_000, pollMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, pollMs));
  }
}
