SELECT
  j.id AS job_id,
  j.user_id,
  u.email AS user_email,
  j.type,
  j.status,
  j.phase,
  j.progress,
  j.current_step,
  j.priority,
  j.pregenerated,
  j.run,
  j.attempts,
  j.created_at,
  j.started_at,
  j.updated_at,
  (
    EXTRACT(
      epoch
      FROM
        (NOW() - j.created_at)
    )
  ) :: double precision AS age_sec,
  (
    EXTRACT(
      epoch
      FROM
        (NOW() - j.updated_at)
    )
  ) :: double precision AS idle_sec
FROM
  (
    jobs j
    JOIN users u ON ((u.id = j.user_id))
  )
WHERE
  (
    j.status = ANY (
      ARRAY ['queued'::job_status, 'running'::job_status]
    )
  );