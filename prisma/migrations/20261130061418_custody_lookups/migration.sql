-- CreateIndex
CREATE INDEX "process_document_signed_sha256_idx" ON "process_document"("signed_sha256");

-- CreateIndex
CREATE INDEX "process_document_sha256_idx" ON "process_document"("sha256");
