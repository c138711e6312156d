-- Hand-written migration.
-- submit_job takes the job's stages: a job's stages depend on its type (an episode's four, a
-- clips job's one), so the caller names them in pipeline order, one id each. Otherwise as before
-- (see 20261126133000_submit_job_function).
DROP FUNCTION "submit_job"(TEXT, TEXT[], TEXT, "job_type", JSONB, "job_priority", TEXT, TEXT, BOOLEAN,
    BOOLEAN, TEXT, BOOLEAN, INTEGER);

CREATE FUNCTION "submit_job"(
    p_id TEXT,
    p_stage_ids TEXT[],
    p_stages "stage"[],
    p_user_id TEXT,
    p_type "job_type",
    p_request JSONB,
    p_priority "job_priority",
    p_idempotency_key TEXT,
    p_cache_key TEXT,
    p_pregenerated BOOLEAN,
    p_partial BOOLEAN,
    p_webhook_url TEXT,
    p_dedupe_in_flight BOOLEAN,
    p_max_active_jobs INTEGER
) RETURNS SETOF "jobs"
LANGUAGE plpgsql AS $$
DECLARE
    v_active INTEGER;
    v_has_room BOOLEAN;
BEGIN
    IF cardinality(p_stages) = 0 OR cardinality(p_stages) <> cardinality(p_stage_ids) THEN
        RAISE EXCEPTION 'submit_job needs one id per stage (% ids, % stages)',
            cardinality(p_stage_ids), cardinality(p_stages);
    END IF;
    PERFORM pg_advisory_xact_lock(hashtext('podfleet:user-slots:' || p_user_id));
    IF p_dedupe_in_flight AND p_cache_key IS NOT NULL THEN
        RETURN QUERY
            SELECT * FROM "jobs"
             WHERE "cache_key" = p_cache_key AND "status" IN ('queued', 'running') AND NOT "partial"
             ORDER BY "created_at" LIMIT 1;
        IF FOUND THEN RETURN; END IF;
    END IF;
    SELECT count(*) INTO v_active FROM "jobs"
     WHERE "user_id" = p_user_id AND "status" IN ('queued', 'running') AND "enqueued_at" IS NOT NULL;
    v_has_room := v_active < p_max_active_jobs;
    INSERT INTO "jobs" ("id", "user_id", "type", "request", "priority", "idempotency_key", "cache_key",
                        "pregenerated", "partial", "webhook_url", "enqueued_at", "run")
    VALUES (p_id, p_user_id, p_type, p_request, p_priority, p_idempotency_key, p_cache_key,
            p_pregenerated, p_partial, p_webhook_url,
            CASE WHEN v_has_room THEN now() END, CASE WHEN v_has_room THEN 1 ELSE 0 END);
    INSERT INTO "job_stages" ("id", "job_id", "stage")
    SELECT stage_ids.id, p_id, stage_ids.stage
      FROM unnest(p_stage_ids, p_stages) AS stage_ids(id, stage);
    INSERT INTO "job_events" ("job_id", "type", "data")
    VALUES (p_id, 'created', jsonb_build_object('type', p_type, 'priority', p_priority, 'pregenerated', p_pregenerated));
    RETURN QUERY SELECT * FROM "jobs" WHERE "id" = p_id;
END
$$;
