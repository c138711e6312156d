-- DropIndex
DROP INDEX "jobs_episode_id_key";

-- AlterTable
ALTER TABLE "episodes" ADD COLUMN     "render_job_id" TEXT,
ADD COLUMN     "rendered_at" TIMESTAMPTZ(3),
ADD COLUMN     "script_key" TEXT,
ADD COLUMN     "script_version" INTEGER NOT NULL DEFAULT 1,
ADD COLUMN     "version" INTEGER NOT NULL DEFAULT 1;

-- CreateTable
CREATE TABLE "episode_versions" (
    "id" TEXT NOT NULL,
    "episode_id" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "job_id" TEXT NOT NULL,
    "audio_key" TEXT NOT NULL,
    "transcript_key" TEXT,
    "script_key" TEXT NOT NULL,
    "size_bytes" INTEGER NOT NULL,
    "duration_sec" DOUBLE PRECISION NOT NULL,
    "mime_type" TEXT NOT NULL DEFAULT 'audio/mpeg',
    "chapters" JSONB NOT NULL DEFAULT '[]',
    "transcript" JSONB NOT NULL DEFAULT '[]',
    "rendered_at" TIMESTAMPTZ(3) NOT NULL,
    "replaced_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "episode_versions_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "episode_versions_episode_id_version_key" ON "episode_versions"("episode_id", "version");

-- CreateIndex
CREATE INDEX "jobs_episode_id_idx" ON "jobs"("episode_id");

-- AddForeignKey
ALTER TABLE "episode_versions" ADD CONSTRAINT "episode_versions_episode_id_fkey" FOREIGN KEY ("episode_id") REFERENCES "episodes"("id") ON DELETE CASCADE ON UPDATE CASCADE;
