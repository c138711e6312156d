-- CreateTable
CREATE TABLE "job_daily_stats" (
    "day" DATE NOT NULL,
    "jobs" INTEGER NOT NULL,
    "completed" INTEGER NOT NULL,
    "failed" INTEGER NOT NULL,
    "cancelled" INTEGER NOT NULL,
    "pregenerated_completed" INTEGER NOT NULL,
    "pregenerated_failed" INTEGER NOT NULL,
    "cost_usd" DOUBLE PRECISION NOT NULL,
    "job_p50_ms" DOUBLE PRECISION,
    "job_p95_ms" DOUBLE PRECISION,
    "requests" INTEGER NOT NULL,
    "first_audio_p50_ms" DOUBLE PRECISION,
    "first_audio_p95_ms" DOUBLE PRECISION,
    "rolled_up_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "job_daily_stats_pkey" PRIMARY KEY ("day")
);

