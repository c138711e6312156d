-- AlterTable
ALTER TABLE "users" ADD COLUMN     "high_priority_per_day" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "media_url_version" INTEGER NOT NULL DEFAULT 1;
