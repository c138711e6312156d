-- CreateTable
CREATE TABLE "episode_requests" (
    "id" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "type" "job_type" NOT NULL,
    "source" TEXT NOT NULL,
    "job_id" TEXT,
    "episode_id" TEXT,
    "requested_at" TIMESTAMPTZ(3) NOT NULL,
    "answer_ms" INTEGER NOT NULL,

    CONSTRAINT "episode_requests_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "episode_requests_source_check" CHECK ("source" IN ('cache', 'generated', 'joined'))
);

-- CreateIndex
CREATE INDEX "episode_requests_requested_at_idx" ON "episode_requests"("requested_at");

-- CreateIndex
CREATE INDEX "episode_requests_job_id_idx" ON "episode_requests"("job_id");

-- AddForeignKey
ALTER TABLE "episode_requests" ADD CONSTRAINT "episode_requests_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "episode_requests" ADD CONSTRAINT "episode_requests_job_id_fkey" FOREIGN KEY ("job_id") REFERENCES "jobs"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- Hand-written: failed stage attempts by time, for GET /v1/admin/failures and the failure-rate
-- alert (job_events is otherwise read per job).
CREATE INDEX "job_events_stage_failed_idx" ON "job_events" ("created_at") WHERE "type" = 'stage_failed';
