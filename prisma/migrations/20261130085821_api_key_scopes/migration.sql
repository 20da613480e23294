-- AlterTable
ALTER TABLE "api_key" ADD COLUMN     "last_used_at" TIMESTAMP(3),
ADD COLUMN     "scope" TEXT NOT NULL DEFAULT 'tenant',
ALTER COLUMN "tenant_id" DROP NOT NULL;

-- A tenant key belongs to a tenant and an admin key to none: anything else would be a key whose powers the code
-- cannot tell (Prisma does not model CHECK constraints, and its schema diff ignores them).
ALTER TABLE "api_key" ADD CONSTRAINT "api_key_scope_tenant" CHECK (
  ("scope" = 'tenant' AND "tenant_id" IS NOT NULL) OR ("scope" = 'admin' AND "tenant_id" IS NULL)
);
