-- AlterEnum
ALTER TYPE "job_type" ADD VALUE 'clips';
ALTER TYPE "job_type" ADD VALUE 'upload';

-- AlterTable
ALTER TABLE "episodes" ADD COLUMN     "archived_at" TIMESTAMPTZ(3);

-- CreateTable
CREATE TABLE "clips" (
    "id" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "episode_id" TEXT NOT NULL,
    "job_id" TEXT NOT NULL,
    "platform" TEXT NOT NULL,
    "start_sec" DOUBLE PRECISION NOT NULL,
    "end_sec" DOUBLE PRECISION NOT NULL,
    "duration_sec" DOUBLE PRECISION NOT NULL,
    "score" DOUBLE PRECISION NOT NULL,
    "confidence" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "features" JSONB NOT NULL,
    "mp3_key" TEXT,
    "mp4_key" TEXT,
    "size_bytes" BIGINT NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3),
    "archived_at" TIMESTAMPTZ(3),

    CONSTRAINT "clips_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "feedback" (
    "id" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "episode_id" TEXT,
    "clip_id" TEXT,
    "type" TEXT NOT NULL,
    "rating" INTEGER,
    "comment" TEXT,
    "platform" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "feedback_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "clips_episode_id_start_sec_idx" ON "clips"("episode_id", "start_sec");

-- CreateIndex
CREATE INDEX "clips_user_id_created_at_idx" ON "clips"("user_id", "created_at");

-- CreateIndex
CREATE INDEX "clips_job_id_idx" ON "clips"("job_id");

-- CreateIndex
CREATE INDEX "clips_archived_at_idx" ON "clips"("archived_at");

-- CreateIndex
CREATE INDEX "feedback_user_id_created_at_idx" ON "feedback"("user_id", "created_at");

-- CreateIndex
CREATE INDEX "feedback_clip_id_idx" ON "feedback"("clip_id");

-- CreateIndex
CREATE INDEX "feedback_episode_id_idx" ON "feedback"("episode_id");

-- CreateIndex
CREATE INDEX "episodes_archived_at_idx" ON "episodes"("archived_at");

-- AddForeignKey
ALTER TABLE "clips" ADD CONSTRAINT "clips_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "clips" ADD CONSTRAINT "clips_episode_id_fkey" FOREIGN KEY ("episode_id") REFERENCES "episodes"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "feedback" ADD CONSTRAINT "feedback_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "feedback" ADD CONSTRAINT "feedback_episode_id_fkey" FOREIGN KEY ("episode_id") REFERENCES "episodes"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "feedback" ADD CONSTRAINT "feedback_clip_id_fkey" FOREIGN KEY ("clip_id") REFERENCES "clips"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- What the schema language cannot say.
ALTER TABLE "clips" ADD CONSTRAINT "clips_window_check" CHECK ("start_sec" >= 0 AND "end_sec" > "start_sec");
ALTER TABLE "clips" ADD CONSTRAINT "clips_confidence_check" CHECK ("confidence" IN ('high', 'medium', 'low'));
ALTER TABLE "feedback" ADD CONSTRAINT "feedback_type_check" CHECK ("type" IN ('like', 'dislike', 'rating', 'report', 'comment'));
ALTER TABLE "feedback" ADD CONSTRAINT "feedback_rating_check" CHECK ("rating" IS NULL OR "rating" BETWEEN 1 AND 5);
