-- AlterTable
ALTER TABLE "jobs" ADD COLUMN     "enqueued_at" TIMESTAMPTZ(3);
