-- Hand-written migration.
-- A user's active jobs (queued or running), indexed apart from their history: the slot count of
-- every submit and the pick of waiting jobs read only these rows, however many finished jobs the
-- user has. (The planner otherwise ANDs the whole-table status index with the user index.)
CREATE INDEX "jobs_user_id_active_idx" ON "jobs" ("user_id", "enqueued_at") WHERE "status" IN ('queued', 'running');
