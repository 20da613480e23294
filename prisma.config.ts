// Prisma 7 configuration (read by the Prisma CLI: `prisma generate`, and `prisma migrate deploy` on machines
// that have the native schema engine).
//
// Offline development does not use the CLI for migrations: `npm run db:migrate` / `npm run db:migration`
// drive the wasm schema engine (platform/migrate.ts). `prisma generate` works offline through
// scripts/prisma-generate.mjs (run by `npm install`).
//
// The datasource URL is optional on purpose: `prisma generate` needs none, and `env('DATABASE_URL')` would throw
// when the variable is unset. Commands that need a database (`prisma migrate deploy`) read DATABASE_URL.
import { defineConfig } from 'prisma/config';

const url = process.env.DATABASE_URL;

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: {
    path: 'prisma/migrations',
  },
  ...(url ? { datasource: { url } } : {}),
});
