-- CreateTable
CREATE TABLE "evidence_bundle" (
    "process_id" TEXT NOT NULL,
    "history_sha256" TEXT NOT NULL,
    "history_event_count" INTEGER NOT NULL,
    "workflow_id" TEXT NOT NULL,
    "run_id" TEXT NOT NULL,
    "evidence_sha256" TEXT NOT NULL,
    "jws_sha256" TEXT NOT NULL,
    "certificate_sha256" TEXT NOT NULL,
    "chain_head" TEXT NOT NULL,
    "issued_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "evidence_bundle_pkey" PRIMARY KEY ("process_id")
);

-- AddForeignKey
ALTER TABLE "evidence_bundle" ADD CONSTRAINT "evidence_bundle_process_id_fkey" FOREIGN KEY ("process_id") REFERENCES "process"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
