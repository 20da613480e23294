// `npm run db:migrate`: applies prisma/migrations to DATABASE_URL when set, else to the PGlite database in
// `${DATA_DIR:-./.data}/pglite`. Uses the wasm schema engine (works offline); records migrations in the usual
// `_prisma_migrations` table, so `prisma migrate deploy` (native engine) sees the same history.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { PrismaPg } from '@prisma/adapter-pg';
import { applyMigrations, listMigrations, redactUrl } from '../platform/migrate';

async function main(): Promise<void> {
  const url = process.env.DATABASE_URL;
  const started = Date.now();
  let applied: string[];
  if (url) {
    console.log(`Applying migrations to PostgreSQL ${redactUrl(url)}`);
    applied = await applyMigrations(new PrismaPg({ connectionString: url }));
  } else {
    const dir = resolve(join(process.env.DATA_DIR || './.data', 'pglite'));
    mkdirSync(dir, { recursive: true });
    console.log(`Applying migrations to PGlite ${dir}`);
    const pglite = new PGlite(dir);
    try {
      await pglite.waitReady;
      applied = await applyMigrations(new PrismaPGlite(pglite));
    } finally {
      await pglite.close();
    }
  }
  const all = await listMigrations();
  if (applied.length === 0) {
    console.log(`Database is up to date (${all.length} migration${all.length === 1 ? '' : 's'}).`);
  } else {
    for (const name of applied) console.log(`  applied ${name}`);
    console.log(`Applied ${applied.length} migration${applied.length === 1 ? '' : 's'} in ${Date.now() - started} ms.`);
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(`db:migrate failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
