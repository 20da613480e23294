-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "tenant" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "callback_secret" TEXT NOT NULL,
    "settings" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "tenant_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "api_key" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "key_hash" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revoked_at" TIMESTAMP(3),

    CONSTRAINT "api_key_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "idempotency_key" (
    "tenant_id" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "request_hash" TEXT NOT NULL,
    "response_status" INTEGER,
    "response_body" JSONB,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "idempotency_key_pkey" PRIMARY KEY ("tenant_id","key")
);

-- CreateTable
CREATE TABLE "verification" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "workflow_id" TEXT NOT NULL,
    "to" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "purpose" TEXT,
    "locale" TEXT NOT NULL,
    "brand" TEXT,
    "code_length" INTEGER NOT NULL,
    "ttl_seconds" INTEGER NOT NULL,
    "max_attempts" INTEGER NOT NULL,
    "fallback" TEXT NOT NULL DEFAULT 'none',
    "fallback_after_seconds" INTEGER NOT NULL DEFAULT 30,
    "callback_url" TEXT,
    "attempts_remaining" INTEGER NOT NULL,
    "status" TEXT NOT NULL,
    "sends" JSONB NOT NULL DEFAULT '[]',
    "expires_at" TIMESTAMP(3) NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "verification_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "otp_code" (
    "subject_id" TEXT NOT NULL,
    "generation" INTEGER NOT NULL,
    "nonce" TEXT NOT NULL,
    "code_hash" TEXT NOT NULL,
    "expires_at" TIMESTAMP(3) NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "otp_code_pkey" PRIMARY KEY ("subject_id","generation")
);

-- CreateTable
CREATE TABLE "outbound_message" (
    "key" TEXT NOT NULL,
    "workflow_id" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "to" TEXT NOT NULL,
    "provider_message_id" TEXT,
    "status" TEXT NOT NULL,
    "status_at" TIMESTAMP(3),
    "error_code" TEXT,
    "error" JSONB,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "outbound_message_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "inbox_event" (
    "id" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "event_key" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "message_id" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "routed_to" TEXT,
    "processed_at" TIMESTAMP(3),
    "received_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "inbox_event_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "conversation_window" (
    "business_number" TEXT NOT NULL,
    "customer" TEXT NOT NULL,
    "last_inbound_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "conversation_window_pkey" PRIMARY KEY ("business_number","customer")
);

-- CreateTable
CREATE TABLE "conversation_wait" (
    "workflow_id" TEXT NOT NULL,
    "subject_id" TEXT NOT NULL,
    "phone" TEXT NOT NULL,
    "expects" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "conversation_wait_pkey" PRIMARY KEY ("workflow_id")
);

-- CreateTable
CREATE TABLE "send_log" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "phone" TEXT NOT NULL,
    "subject_id" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "send_log_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "api_key_key_hash_key" ON "api_key"("key_hash");

-- CreateIndex
CREATE INDEX "api_key_tenant_id_idx" ON "api_key"("tenant_id");

-- CreateIndex
CREATE UNIQUE INDEX "verification_workflow_id_key" ON "verification"("workflow_id");

-- CreateIndex
CREATE INDEX "verification_tenant_id_created_at_idx" ON "verification"("tenant_id", "created_at");

-- CreateIndex
CREATE INDEX "verification_tenant_id_to_created_at_idx" ON "verification"("tenant_id", "to", "created_at");

-- CreateIndex
CREATE INDEX "outbound_message_provider_message_id_idx" ON "outbound_message"("provider_message_id");

-- CreateIndex
CREATE INDEX "outbound_message_workflow_id_idx" ON "outbound_message"("workflow_id");

-- CreateIndex
CREATE UNIQUE INDEX "inbox_event_event_key_key" ON "inbox_event"("event_key");

-- CreateIndex
CREATE INDEX "inbox_event_message_id_idx" ON "inbox_event"("message_id");

-- CreateIndex
CREATE INDEX "conversation_wait_phone_created_at_idx" ON "conversation_wait"("phone", "created_at");

-- CreateIndex
CREATE INDEX "send_log_tenant_id_phone_created_at_idx" ON "send_log"("tenant_id", "phone", "created_at");

-- AddForeignKey
ALTER TABLE "api_key" ADD CONSTRAINT "api_key_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "idempotency_key" ADD CONSTRAINT "idempotency_key_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "verification" ADD CONSTRAINT "verification_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;
