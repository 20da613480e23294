-- CreateTable
CREATE TABLE "process" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "workflow_id" TEXT NOT NULL,
    "reference" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "reason" TEXT,
    "step" TEXT NOT NULL DEFAULT 'opt_in',
    "customer_phone" TEXT NOT NULL,
    "customer_name" TEXT NOT NULL,
    "locale" TEXT NOT NULL,
    "identification" JSONB,
    "channel" TEXT NOT NULL,
    "opt_in_mode" TEXT NOT NULL,
    "opt_in_record" JSONB,
    "settings" JSONB NOT NULL,
    "callback_url" TEXT,
    "events" JSONB NOT NULL DEFAULT '[]',
    "messages" JSONB NOT NULL DEFAULT '[]',
    "otp" JSONB,
    "version" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,
    "completed_at" TIMESTAMP(3),

    CONSTRAINT "process_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "process_document" (
    "id" TEXT NOT NULL,
    "process_id" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "sha256" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "pages" INTEGER NOT NULL,
    "signed_sha256" TEXT,
    "signed_size" INTEGER,
    "sealed_at" TIMESTAMP(3),

    CONSTRAINT "process_document_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "opt_in_token" (
    "token_hash" TEXT NOT NULL,
    "process_id" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "opt_in_token_pkey" PRIMARY KEY ("token_hash")
);

-- CreateIndex
CREATE UNIQUE INDEX "process_workflow_id_key" ON "process"("workflow_id");

-- CreateIndex
CREATE INDEX "process_tenant_id_created_at_idx" ON "process"("tenant_id", "created_at");

-- CreateIndex
CREATE INDEX "process_tenant_id_status_created_at_idx" ON "process"("tenant_id", "status", "created_at");

-- CreateIndex
CREATE INDEX "process_tenant_id_reference_idx" ON "process"("tenant_id", "reference");

-- CreateIndex
CREATE UNIQUE INDEX "process_document_process_id_position_key" ON "process_document"("process_id", "position");

-- CreateIndex
CREATE INDEX "opt_in_token_process_id_idx" ON "opt_in_token"("process_id");

-- AddForeignKey
ALTER TABLE "process" ADD CONSTRAINT "process_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "process_document" ADD CONSTRAINT "process_document_process_id_fkey" FOREIGN KEY ("process_id") REFERENCES "process"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "opt_in_token" ADD CONSTRAINT "opt_in_token_process_id_fkey" FOREIGN KEY ("process_id") REFERENCES "process"("id") ON DELETE CASCADE ON UPDATE CASCADE;
