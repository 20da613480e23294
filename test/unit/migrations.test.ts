// Migrations: they apply (idempotently) on PGlite and PostgreSQL, and prisma/schema.prisma has none pending.
import assert from 'node:assert/strict';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import pg from 'pg';
import { applyMigrations, listMigrations, pendingSchemaDiff } from '../../platform/migrate';
import { createPostgresTestDatabase, openDatabase } from '../../platform/db';

describe('database migrations', function () {
  this.timeout(120_000);

  it('has at least one committed migration', async () => {
    assert.ok((await listMigrations()).length > 0, 'prisma/migrations holds no migration');
  });

  it('apply on a fresh in-memory PGlite, and a second apply applies nothing', async () => {
    const pglite = new PGlite();
    try {
      const adapter = new PrismaPGlite(pglite);
      const applied = await applyMigrations(adapter);
      assert.deepEqual(applied, await listMigrations());
      const again = await applyMigrations(adapter);
      assert.deepEqual(again, []);
      const { rows } = await pglite.query<{ migration_name: string }>(
        'SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL ORDER BY migration_name',
      );
      assert.deepEqual(
        rows.map((r) => r.migration_name),
        applied,
      );
    } finally {
      await pglite.close();
    }
  });

  it('match prisma/schema.prisma (run `npm run db:migration -- <name>` after editing the schema)', async () => {
    const sql = await pendingSchemaDiff();
    assert.equal(sql, '', 'prisma/schema.prisma changed without a migration; run `npm run db:migration -- <name>`. Pending SQL:\n' + sql);
  });

  it('give a working Prisma client through openDatabase (in-memory PGlite)', async () => {
    const db = await openDatabase({});
    try {
      assert.equal(db.kind, 'pglite');
      await db.prisma.tenant.create({ data: { id: 't_pglite', name: 'PGlite tenant', callbackSecret: 's' } });
      const row = await db.prisma.tenant.findUnique({ where: { id: 't_pglite' } });
      assert.equal(row?.name, 'PGlite tenant');
    } finally {
      await db.close();
    }
  });

  const adminUrl = process.env.TEST_DATABASE_URL;
  if (adminUrl) {
    // Only defined when a PostgreSQL server is available (TEST_DATABASE_URL: a role allowed to CREATE DATABASE).
    it('apply on a fresh PostgreSQL database (TEST_DATABASE_URL), with a working Prisma client', async () => {
      const testDb = await createPostgresTestDatabase(adminUrl);
      try {
        const logs: string[] = [];
        const db = await openDatabase({ url: testDb.url, log: (m) => logs.push(m) });
        try {
          assert.equal(db.kind, 'postgres');
          assert.ok(
            logs.some((l) => l.startsWith('applied migrations:')),
            `migrations were not applied: ${logs.join(' | ')}`,
          );
          await db.prisma.tenant.create({ data: { id: 't_pg', name: 'PostgreSQL tenant', callbackSecret: 's' } });
          const row = await db.prisma.tenant.findUniqueOrThrow({ where: { id: 't_pg' } });
          assert.equal(row.name, 'PostgreSQL tenant');
          assert.ok(row.createdAt instanceof Date);
        } finally {
          await db.close();
        }
        // Reopening applies nothing.
        const reopenLogs: string[] = [];
        const reopened = await openDatabase({ url: testDb.url, log: (m) => reopenLogs.push(m) });
        try {
          assert.ok(reopenLogs.includes('database schema is up to date'), reopenLogs.join(' | '));
          assert.equal(await reopened.prisma.tenant.count(), 1);
        } finally {
          await reopened.close();
        }
      } finally {
        await testDb.drop();
      }
      const dbName = new URL(testDb.url).pathname.slice(1);
      const admin = new pg.Client({ connectionString: adminUrl });
      await admin.connect();
      try {
        const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [dbName]);
        assert.equal(rowCount, 0, `test database ${dbName} was not dropped`);
      } finally {
        await admin.end();
      }
    });
  }
});
