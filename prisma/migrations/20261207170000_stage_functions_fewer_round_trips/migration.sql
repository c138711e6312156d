-- Hand-written migration.
-- Two round trips fewer per job. start_stage also answers the artifacts the job's completed
-- stages recorded (the upload stage checks the audio against its recorded checksum: it read it
-- with a statement of its own), and publish_episode also starts the user's waiting jobs that the
-- finished job's slot lets in (claim_waiting_jobs, under the same slot lock, was a statement of
-- its own right after it).

DROP FUNCTION "start_stage"(TEXT, INTEGER, "stage", INTEGER, BOOLEAN);

-- start_stage: as before (see 20261207150000_stage_functions), with `artifacts` instead of the
-- recorded key and checksum: {stage: {key, checksum}} of every completed stage with an artifact,
-- as they stood when it began (this stage's own for 'recorded').
CREATE FUNCTION "start_stage"(
    p_job_id TEXT,
    p_run INTEGER,
    p_stage "stage",
    p_progress INTEGER,
    p_restart BOOLEAN
) RETURNS TABLE ("outcome" TEXT, "artifacts" JSONB, "job" "jobs")
LANGUAGE plpgsql AS $$
DECLARE
    v_job "jobs";
    v_attempts INTEGER;
    v_artifacts JSONB;
BEGIN
    SELECT * INTO v_job FROM "jobs" WHERE "id" = p_job_id;
    IF NOT FOUND OR v_job."run" <> p_run THEN
        RETURN QUERY SELECT 'old_run'::TEXT, NULL::JSONB, v_job;
        RETURN;
    END IF;
    SELECT COALESCE(jsonb_object_agg(s."stage", jsonb_build_object('key', s."artifact_key", 'checksum', s."checksum")),
                    '{}'::JSONB)
      INTO v_artifacts
      FROM "job_stages" s
     WHERE s."job_id" = p_job_id AND s."status" = 'completed'
       AND s."artifact_key" IS NOT NULL AND s."checksum" IS NOT NULL;
    IF NOT p_restart AND v_artifacts ? p_stage::TEXT THEN
        RETURN QUERY SELECT 'recorded'::TEXT, v_artifacts, v_job;
        RETURN;
    END IF;
    SELECT * INTO v_job FROM "jobs" WHERE "id" = p_job_id FOR UPDATE;
    IF NOT FOUND OR v_job."status" NOT IN ('queued', 'running') THEN
        RETURN QUERY SELECT 'inactive'::TEXT, NULL::JSONB, v_job;
        RETURN;
    END IF;
    UPDATE "job_stages"
       SET "status" = 'running', "attempts" = "attempts" + 1, "started_at" = now(), "finished_at" = NULL,
           "duration_ms" = NULL, "error_code" = NULL, "error_message" = NULL
     WHERE "job_id" = p_job_id AND "stage" = p_stage
    RETURNING "attempts" INTO v_attempts;
    UPDATE "jobs"
       SET "status" = 'running', "phase" = p_stage, "attempts" = v_attempts,
           "started_at" = COALESCE("started_at", now()), "progress" = GREATEST("progress", p_progress),
           "updated_at" = now()
     WHERE "id" = p_job_id
    RETURNING * INTO v_job;
    INSERT INTO "job_events" ("job_id", "type", "data")
    VALUES (p_job_id, 'stage_started', jsonb_build_object('stage', p_stage, 'attempt', v_attempts));
    RETURN QUERY SELECT 'started'::TEXT, v_artifacts - p_stage::TEXT, v_job;
END
$$;

DROP FUNCTION "publish_episode"(TEXT, TEXT, TEXT, "job_type", TEXT, TEXT, TEXT, TEXT, INTEGER,
    DOUBLE PRECISION, TEXT, JSONB, JSONB, JSONB, TEXT, TIMESTAMPTZ);

-- publish_episode: as before, then the user's waiting jobs claimed into the freed slots (as
-- claim_waiting_jobs, of p_max_active_jobs). The first row is the completed job and its episode;
-- each further row a claimed job (episode NULL), for the caller to enqueue. No row: not active.
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
    p_expires_at TIMESTAMPTZ,
    p_max_active_jobs INTEGER
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
    RETURN QUERY SELECT c, NULL::"episodes" FROM claim_waiting_jobs(v_job."user_id", p_max_active_jobs) c;
END
$$;
