-- Hand-written: what Prisma's schema language cannot express. Prisma reads the views through
-- `view` blocks in schema.prisma (preview feature "views"), which it never migrates.

-- Progress is a percentage.
ALTER TABLE "jobs" ADD CONSTRAINT "jobs_progress_range" CHECK ("progress" BETWEEN 0 AND 100);

-- Jobs queued or running, with their user and age (admin dashboards, the reconciler).
CREATE VIEW "active_generation_jobs" AS
SELECT
  j."id" AS "job_id",
  j."user_id",
  u."email" AS "user_email",
  j."type",
  j."status",
  j."phase",
  j."progress",
  j."current_step",
  j."priority",
  j."pregenerated",
  j."run",
  j."attempts",
  j."created_at",
  j."started_at",
  j."updated_at",
  EXTRACT(EPOCH FROM (now() - j."created_at"))::double precision AS "age_sec",
  EXTRACT(EPOCH FROM (now() - j."updated_at"))::double precision AS "idle_sec"
FROM "jobs" j
JOIN "users" u ON u."id" = j."user_id"
WHERE j."status" IN ('queued', 'running');

-- One row per period ('last_24h': jobs created / stages finished in the last 24 hours,
-- 'all_time'), shaped for GET /v1/stats. Durations in whole milliseconds; job durations are
-- created → completed of completed jobs; stage durations are JobStage.duration_ms of completed
-- stage runs. Counts are int4 so Prisma reads them as numbers, not BigInt.
CREATE VIEW "generation_job_stats" AS
WITH "periods" ("period", "since") AS (
  VALUES ('last_24h'::text, now() - interval '24 hours'), ('all_time'::text, NULL::timestamptz)
),
"job_totals" AS (
  SELECT
    p."period",
    p."since",
    count(j."id")::int AS "total",
    count(j."id") FILTER (WHERE j."status" = 'queued')::int AS "queued",
    count(j."id") FILTER (WHERE j."status" = 'running')::int AS "running",
    count(j."id") FILTER (WHERE j."status" = 'completed')::int AS "completed",
    count(j."id") FILTER (WHERE j."status" = 'failed')::int AS "failed",
    count(j."id") FILTER (WHERE j."status" = 'cancelled')::int AS "cancelled",
    COALESCE(sum(j."cost_usd"), 0)::double precision AS "cost_usd",
    round(avg(d."ms"))::double precision AS "job_avg_ms",
    round(percentile_cont(0.5) WITHIN GROUP (ORDER BY d."ms"))::double precision AS "job_p50_ms",
    round(percentile_cont(0.95) WITHIN GROUP (ORDER BY d."ms"))::double precision AS "job_p95_ms"
  FROM "periods" p
  LEFT JOIN "jobs" j ON p."since" IS NULL OR j."created_at" >= p."since"
  -- NULL unless the job completed, so the aggregates below only see completed jobs.
  LEFT JOIN LATERAL (
    SELECT EXTRACT(EPOCH FROM (j."completed_at" - j."created_at"))::double precision * 1000 AS "ms"
    WHERE j."status" = 'completed' AND j."completed_at" IS NOT NULL
  ) d ON true
  GROUP BY p."period", p."since"
),
"stage_totals" AS (
  SELECT
    p."period",
    s."stage",
    count(*)::int AS "count",
    round(avg(s."duration_ms"))::double precision AS "avg_ms",
    round(percentile_cont(0.5) WITHIN GROUP (ORDER BY s."duration_ms"))::double precision AS "p50_ms",
    round(percentile_cont(0.95) WITHIN GROUP (ORDER BY s."duration_ms"))::double precision AS "p95_ms"
  FROM "periods" p
  JOIN "job_stages" s
    ON s."status" = 'completed' AND s."duration_ms" IS NOT NULL
   AND (p."since" IS NULL OR s."finished_at" >= p."since")
  GROUP BY p."period", s."stage"
)
SELECT
  t."period",
  t."since",
  t."total",
  t."queued",
  t."running",
  t."completed",
  t."failed",
  t."cancelled",
  t."completed"::double precision / NULLIF(t."completed" + t."failed", 0) AS "success_rate",
  t."cost_usd",
  t."job_avg_ms",
  t."job_p50_ms",
  t."job_p95_ms",
  COALESCE(
    (SELECT jsonb_object_agg(
              st."stage",
              jsonb_build_object('count', st."count", 'avgMs', st."avg_ms", 'p50Ms', st."p50_ms", 'p95Ms', st."p95_ms"))
       FROM "stage_totals" st
      WHERE st."period" = t."period"),
    '{}'::jsonb) AS "stages"
FROM "job_totals" t;
