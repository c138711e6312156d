WITH periods(period, since) AS (
  VALUES
    ('last_24h' :: text,(NOW() - '24:00:00' :: INTERVAL)),
    ('all_time' :: text, NULL :: timestamp WITH time zone)
),
job_totals AS (
  SELECT
    p.period,
    p.since,
    (count(j.id)) :: integer AS total,
    (
      count(j.id) FILTER (
        WHERE
          (j.status = 'queued' :: job_status)
      )
    ) :: integer AS queued,
    (
      count(j.id) FILTER (
        WHERE
          (j.status = 'running' :: job_status)
      )
    ) :: integer AS running,
    (
      count(j.id) FILTER (
        WHERE
          (j.status = 'completed' :: job_status)
      )
    ) :: integer AS completed,
    (
      count(j.id) FILTER (
        WHERE
          (j.status = 'failed' :: job_status)
      )
    ) :: integer AS failed,
    (
      count(j.id) FILTER (
        WHERE
          (j.status = 'cancelled' :: job_status)
      )
    ) :: integer AS cancelled,
    COALESCE(sum(j.cost_usd), (0) :: double precision) AS cost_usd,
    avg(d.ms) AS job_avg_ms,
    percentile_cont((0.5) :: double precision) WITHIN GROUP (
      ORDER BY
        d.ms
    ) AS job_p50_ms,
    percentile_cont((0.95) :: double precision) WITHIN GROUP (
      ORDER BY
        d.ms
    ) AS job_p95_ms
  FROM
    (
      (
        periods p
        LEFT JOIN jobs j ON (
          (
            (p.since IS NULL)
            OR (j.created_at >= p.since)
          )
        )
      )
      LEFT JOIN LATERAL (
        SELECT
          (
            (
              EXTRACT(
                epoch
                FROM
                  (j.completed_at - j.created_at)
              )
            ) :: double precision * (1000) :: double precision
          ) AS ms
        WHERE
          (
            (j.status = 'completed' :: job_status)
            AND (j.completed_at IS NOT NULL)
          )
      ) d ON (TRUE)
    )
  GROUP BY
    p.period,
    p.since
),
stage_totals AS (
  SELECT
    p.period,
    s.stage,
    (count(*)) :: integer AS count,
    (avg(s.duration_ms)) :: double precision AS avg_ms,
    percentile_cont((0.5) :: double precision) WITHIN GROUP (
      ORDER BY
        ((s.duration_ms) :: double precision)
    ) AS p50_ms,
    percentile_cont((0.95) :: double precision) WITHIN GROUP (
      ORDER BY
        ((s.duration_ms) :: double precision)
    ) AS p95_ms
  FROM
    (
      periods p
      JOIN job_stages s ON (
        (
          (s.status = 'completed' :: stage_status)
          AND (s.duration_ms IS NOT NULL)
          AND (
            (p.since IS NULL)
            OR (s.finished_at >= p.since)
          )
        )
      )
    )
  GROUP BY
    p.period,
    s.stage
)
SELECT
  t.period,
  t.since,
  t.total,
  t.queued,
  t.running,
  t.completed,
  t.failed,
  t.cancelled,
  (
    (t.completed) :: double precision / (NULLIF((t.completed + t.failed), 0)) :: double precision
  ) AS success_rate,
  t.cost_usd,
  t.job_avg_ms,
  t.job_p50_ms,
  t.job_p95_ms,
  COALESCE(
    (
      SELECT
        jsonb_object_agg(
          st.stage,
          jsonb_build_object(
            'count',
            st.count,
            'avgMs',
            st.avg_ms,
            'p50Ms',
            st.p50_ms,
            'p95Ms',
            st.p95_ms
          )
        ) AS jsonb_object_agg
      FROM
        stage_totals st
      WHERE
        (st.period = t.period)
    ),
    '{}' :: jsonb
  ) AS stages
FROM
  job_totals t;