-- AlterTable
ALTER TABLE "outbound_message" ADD COLUMN     "signalled_statuses" TEXT[] DEFAULT ARRAY['accepted', 'queued', 'sent', 'delivered', 'read', 'failed']::TEXT[];
