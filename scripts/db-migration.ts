// `npm run db:migration -- <name>`: writes prisma/migrations/<YYYYMMDDHHMMSS>_<name>/migration.sql with the SQL
// that takes the committed migrations to prisma/schema.prisma (replaces `prisma migrate dev --create-only`;
// works offline: the wasm schema engine replays the migrations on an in-memory PGlite shadow database).
import { relative } from 'node:path';
import { createMigration, MIGRATION_NAME_PATTERN } from '../platform/migrate';

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const name = args[0];
  if (args.length !== 1 || !name || !MIGRATION_NAME_PATTERN.test(name) || name.length > 200) {
    console.error('usage: npm run db:migration -- <name>');
    console.error('  <name>: snake_case (lower-case letters, digits, underscores; starts with a letter), e.g. add_user_email');
    if (name !== undefined) console.error(`  got: ${args.map((a) => JSON.stringify(a)).join(' ')}`);
    return 2;
  }
  const result = await createMigration(name);
  if (!result.path) {
    console.log('prisma/schema.prisma matches the migrations: no migration written.');
    return 0;
  }
  console.log(`Wrote ${relative(process.cwd(), result.path)}`);
  console.log('Review it, then apply it with `npm run db:migrate`.');
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`db:migration failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
