// Opening the application database: embedded PGlite (development, tests, single-process demos) or PostgreSQL.
//
// Both go through the Prisma 7 client with a driver adapter (no native engine). Migrations are applied with the
// wasm schema engine (platform/migrate.ts) before the client is handed out, unless `migrate: false`.
import { mkdirSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from '../prisma/generated/client';
import { applyMigrations, redactUrl } from './migrate';

export { redactUrl };

export type DatabaseKind = 'pglite' | 'postgres';

export interface Database {
  prisma: PrismaClient;
  kind: DatabaseKind;
  /** Disconnects the Prisma client and closes the PGlite instance / the PostgreSQL pool. Idempotent. */
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** PostgreSQL URL; when absent, PGlite is used. */
  url?: string;
  /** PGlite data directory (created with its parents when missing); absent → in-memory PGlite. Ignored with url. */
  pgliteDir?: string;
  /** Apply the migrations of prisma/migrations first (default true). */
  migrate?: boolean;
  /** Progress messages (which database, which migrations were applied). */
  log?: (msg: string) => void;
}

export async function openDatabase(opts: OpenDatabaseOptions): Promise<Database> {
  const log = opts.log ?? (() => undefined);
  const migrate = opts.migrate ?? true;
  return opts.url ? openPostgres(opts.url, migrate, log) : openPGlite(opts.pgliteDir, migrate, log);
}

async function openPGlite(dir: string | undefined, migrate: boolean, log: (msg: string) => void): Promise<Database> {
  let pglite: PGlite;
  if (dir) {
    const dataDir = resolve(dir);
    mkdirSync(dataDir, { recursive: true });
    log(`opening PGlite database in ${dataDir}`);
    pglite = new PGlite(dataDir);
  } else {
    log('opening in-memory PGlite database');
    pglite = new PGlite();
  }
  try {
    await pglite.waitReady;
    // One PGlite instance serves both the migration engine and the client (PGlite is single-connection).
    const adapter = new PrismaPGlite(pglite);
    if (migrate) reportApplied(await applyMigrations(adapter), log);
    const prisma = new PrismaClient({ adapter });
    let closed: Promise<void> | undefined;
    return {
      prisma,
      kind: 'pglite',
      close() {
        closed ??= (async () => {
          try {
            await prisma.$disconnect();
          } finally {
            if (!pglite.closed) await pglite.close();
          }
        })();
        return closed;
      },
    };
  } catch (err) {
    if (!pglite.closed) await pglite.close().catch(() => undefined);
    throw err;
  }
}

async function openPostgres(url: string, migrate: boolean, log: (msg: string) => void): Promise<Database> {
  log(`opening PostgreSQL database ${redactUrl(url)}`);
  if (migrate) {
    // The engine connects through its own adapter (and disposes the pool that adapter made).
    reportApplied(await applyMigrations(new PrismaPg({ connectionString: url })), log);
  }
  const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: url }) });
  let closed: Promise<void> | undefined;
  return {
    prisma,
    kind: 'postgres',
    close() {
      // $disconnect disposes the adapter, which ends the pool it created.
      closed ??= prisma.$disconnect();
      return closed;
    },
  };
}

function reportApplied(applied: string[], log: (msg: string) => void): void {
  log(applied.length ? `applied migrations: ${applied.join(', ')}` : 'database schema is up to date');
}

/**
 * Creates a uniquely named, empty database on the PostgreSQL server of `adminUrl` (a role allowed to CREATE
 * DATABASE). Returns its URL and drop(), which terminates its remaining connections and drops it.
 */
export async function createPostgresTestDatabase(adminUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `testigo_test_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  await withAdminClient(adminUrl, (client) => client.query(`CREATE DATABASE "${name}"`));
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  let dropped: Promise<void> | undefined;
  return {
    url: u.toString(),
    drop() {
      dropped ??= withAdminClient(adminUrl, async (client) => {
        await client.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [name]);
        await client.query(`DROP DATABASE IF EXISTS "${name}"`);
      });
      return dropped;
    },
  };
}

async function withAdminClient<T>(adminUrl: string, run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}
