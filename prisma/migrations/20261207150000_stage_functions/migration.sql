-- Hand-written migration.
-- The state changes every stage of every job makes, one statement each (one round trip, run as a
-- prepared statement) instead of an interactive transaction of five to nine: the worker side's
-- counterpart of submit_job. PL/pgSQL takes a fresh snapshot per statement, as the transactions
-- did, and locks the job row where they did.

-- start_stage: a stage attempt of run p_run begins. In order: an older run's stage does nothing
-- ('old_run'); a stage already recorded completed is reported with its artifact so the caller
-- can check it is still stored ('recorded', unless p_restart); a job no longer queued/running is
-- left alone ('inactive'); otherwise the stage row is marked running (one more attempt), the job
-- running in that phase, and a stage_started event logged ('started'). `job` is the job row as it
-- now stands (NULL when the job does not exist).
CREATE FUNCTION "start_stage"(
    p_job_id TEXT,
    p_run INTEGER,
    p_stage "stage",
    p_progress INTEGER,
    p_restart BOOLEAN
) RETURNS TABLE ("outcome" TEXT, "recorded_key" TEXT, "recorded_checksum" TEXT, "job" "jobs")
LANGUAGE plpgsql AS $$
DECLARE
    v_job "jobs";
    v_stage "job_stages";
BEGIN
    SELECT * INTO v_job FROM "jobs" WHERE "id" = p_job_id;
    IF NOT FOUND OR v_job."run" <> p_run THEN
        RETURN QUERY SELECT 'old_run'::TEXT, NULL::TEXT, NULL::TEXT, v_job;
        RETURN;
    END IF;
    SELECT * INTO v_stage FROM "job_stages" WHERE "job_id" = p_job_id AND "stage" = p_stage;
    IF NOT p_restart AND v_stage."status" = 'completed' AND v_stage."artifact_key" IS NOT NULL
       AND v_stage."checksum" IS NOT NULL THEN
        RETURN QUERY SELECT 'recorded'::TEXT, v_stage."artifact_key", v_stage."checksum", v_job;
        RETURN;
    END IF;
    SELECT * INTO v_job FROM "jobs" WHERE "id" = p_job_id FOR UPDATE;
    IF NOT FOUND OR v_job."status" NOT IN ('queued', 'running') THEN
        RETURN QUERY SELECT 'inactive'::TEXT, NULL::TEXT, NULL::TEXT, v_job;
        RETURN;
    END IF;
    UPDATE "job_stages"
       SET "status" = 'running', "attempts" = "attempts" + 1, "started_at" = now(), "finished_at" = NULL,
           "duration_ms" = NULL, "error_code" = NULL, "error_message" = NULL
     WHERE "job_id" = p_job_id AND "stage" = p_stage
    RETURNING * INTO v_stage;
    UPDATE "jobs"
       SET "status" = 'running', "phase" = p_stage, "attempts" = v_stage."attempts",
           "started_at" = COALESCE("started_at", now()), "progress" = GREATEST("progress", p_progress),
           "updated_at" = now()
     WHERE "id" = p_job_id
    RETURNING * INTO v_job;
    INSERT INTO "job_events" ("job_id", "type", "data")
    VALUES (p_job_id, 'stage_started', jsonb_build_object('stage', p_stage, 'attempt', v_stage."attempts"));
    RETURN QUERY SELECT 'started'::TEXT, NULL::TEXT, NULL::TEXT, v_job;
END
$$;

-- complete_stage: a stage finished and wrote its artifact. The stage row records the artifact
-- (even when the job was cancelled meanwhile: the artifact exists), the job's progress, cost,
-- word count and providers move on while it is active, and a stage_completed event is logged.
-- Returns the stage row.
CREATE FUNCTION "complete_stage"(
    p_job_id TEXT,
    p_stage "stage",
    p_artifact_key TEXT,
    p_checksum TEXT,
    p_progress INTEGER,
    p_cost_usd DOUBLE PRECISION,
    p_word_count INTEGER,
    p_providers JSONB
) RETURNS SETOF "job_stages"
LANGUAGE plpgsql AS $$
DECLARE
    v_stage "job_stages";
BEGIN
    UPDATE "job_stages"
       SET "status" = 'completed', "artifact_key" = p_artifact_key, "checksum" = p_checksum,
           "finished_at" = now(), "duration_ms" = (EXTRACT(EPOCH FROM (now() - "started_at")) * 1000)::INTEGER,
           "error_code" = NULL, "error_message" = NULL
     WHERE "job_id" = p_job_id AND "stage" = p_stage
    RETURNING * INTO v_stage;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'job % has no % stage', p_job_id, p_stage;
    END IF;
    UPDATE "jobs"
       SET "progress" = GREATEST("progress", p_progress),
           "cost_usd" = "cost_usd" + p_cost_usd,
           "word_count" = COALESCE(p_word_count, "word_count"),
           "providers" = COALESCE("providers", '{}'::JSONB) || p_providers,
           "updated_at" = now()
     WHERE "id" = p_job_id AND "status" IN ('queued', 'running');
    INSERT INTO "job_events" ("job_id", "type", "data")
    VALUES (p_job_id, 'stage_completed',
            jsonb_build_object('stage', p_stage, 'durationMs', v_stage."duration_ms", 'artifactKey', p_artifact_key));
    RETURN NEXT v_stage;
END
$$;

-- publish_episode: under the job's row lock, an active job gets its episode (once: episodes.job_id
-- is unique; the first creation bumps the user's counters) and is completed, with a `completed`
-- event. A job no longer active publishes nothing: no row. Returns the job and its episode.
CREATE FUNCTION "publish_episode"(
    p_job_id TEXT,
    p_episode_id TEXT,
    p_user_id TEXT,
    p_type "job_type",
    p_title TEXT,
    p_description TEXT,
    p_audio_key TEXT,
    p_transcript_key TEXT,
    p_size_bytes INTEGER,
    p_duration_sec DOUBLE PRECISION,
    p_mime_type TEXT,
    p_chapters JSONB,
    p_transcript JSONB,
    p_sources JSONB,
    p_local_date TEXT,
    p_expires_at TIMESTAMPTZ
) RETURNS TABLE ("job" "jobs", "episode" "episodes")
LANGUAGE plpgsql AS $$
DECLARE
    v_status "job_status";
    v_job "jobs";
    v_episode "episodes";
BEGIN
    SELECT "status" INTO v_status FROM "jobs" WHERE "id" = p_job_id FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'job % not found', p_job_id;
    END IF;
    IF v_status NOT IN ('queued', 'running') THEN
        RETURN;
    END IF;
    -- ON CONFLICT DO NOTHING waits for a concurrent insert of the same job's episode, then skips.
    INSERT INTO "episodes" ("id", "job_id", "user_id", "type", "title", "description", "audio_key",
                            "transcript_key", "size_bytes", "duration_sec", "mime_type", "chapters",
                            "transcript", "sources", "local_date", "expires_at")
    VALUES (p_episode_id, p_job_id, p_user_id, p_type, p_title, p_description, p_audio_key,
            p_transcript_key, p_size_bytes, p_duration_sec, p_mime_type, p_chapters,
            p_transcript, p_sources, p_local_date, p_expires_at)
    ON CONFLICT DO NOTHING;
    IF FOUND THEN
        UPDATE "users"
           SET "episodes_generated" = "episodes_generated" + 1, "last_generated_at" = now(), "updated_at" = now()
         WHERE "id" = p_user_id;
    END IF;
    SELECT * INTO v_episode FROM "episodes" WHERE "job_id" = p_job_id;
    UPDATE "jobs"
       SET "status" = 'completed', "progress" = 100, "current_step" = NULL, "completed_at" = now(),
           "episode_id" = v_episode."id", "error_code" = NULL, "error_message" = NULL, "updated_at" = now()
     WHERE "id" = p_job_id
    RETURNING * INTO v_job;
    INSERT INTO "job_events" ("job_id", "type", "data")
    VALUES (p_job_id, 'completed', jsonb_build_object('episodeId', v_episode."id"));
    RETURN QUERY SELECT v_job, v_episode;
END
$$;

-- claim_waiting_jobs: under the user's slot lock (submit_job's), the user's oldest waiting jobs,
-- highest priority first, as many as the user has free slots, are marked enqueued under a new
-- run. Returns them; the caller adds their flows.
CREATE FUNCTION "claim_waiting_jobs"(p_user_id TEXT, p_max_active_jobs INTEGER) RETURNS SETOF "jobs"
LANGUAGE plpgsql AS $$
DECLARE
    v_active INTEGER;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('podfleet:user-slots:' || p_user_id));
    SELECT count(*) INTO v_active FROM "jobs"
     WHERE "user_id" = p_user_id AND "status" IN ('queued', 'running') AND "enqueued_at" IS NOT NULL;
    IF v_active >= p_max_active_jobs THEN
        RETURN;
    END IF;
    RETURN QUERY
        UPDATE "jobs" SET "enqueued_at" = now(), "run" = "run" + 1, "updated_at" = now()
         WHERE "id" IN (SELECT "id" FROM "jobs"
                         WHERE "user_id" = p_user_id AND "status" = 'queued' AND "enqueued_at" IS NULL
                         ORDER BY CASE "priority" WHEN 'high' THEN 0 WHEN 'normal' THEN 1 ELSE 2 END, "created_at"
                         LIMIT p_max_active_jobs - v_active)
        RETURNING *;
END
$$;
