// What has been failing: every failed stage attempt (stage_failed events, retried ones included)
// grouped by stage, error code and provider, the largest groups first, each with its latest job.
import { Prisma, type PrismaClient } from '@podfleet/db';

export interface FailureGroup {
  stage: string;
  code: string;
  /**
   * Who did the work: recorded with the attempt (script writer, TTS engine, storage driver), or
   * for scrape the kinds of the job's sources (`rss,url`); null when unknown.
   */
  provider: string | null;
  /** Failed attempts in the window. */
  attempts: number;
  /** Distinct jobs among them… */
  jobs: number;
  /** …and how many of those ended failed with this code (the others were retried, or are still trying). */
  jobsFailed: number;
  lastAt: Date;
  example: { jobId: string; message: string };
}

/** The top `limit` failure groups of attempts made since `since`. */
export async function topFailures(
  db: PrismaClient,
  { since, limit = 20 }: { since: Date; limit?: number },
): Promise<FailureGroup[]> {
  const rows = await db.$queryRaw<
    Array<Omit<FailureGroup, 'example'> & { exampleJobId: string; exampleMessage: string | null }>
  >(Prisma.sql`
    WITH failures AS (
      SELECT e.job_id, e.created_at,
             e.data->>'stage' AS stage,
             coalesce(e.data->>'code', 'UNKNOWN') AS code,
             e.data->>'message' AS message,
             coalesce(e.data->>'provider',
                      CASE WHEN e.data->>'stage' = 'scrape' THEN (
                        SELECT string_agg(DISTINCT src->>'kind', ',')
                          FROM jsonb_array_elements(CASE WHEN jsonb_typeof(j.request->'sources') = 'array'
                                                         THEN j.request->'sources' ELSE '[]'::jsonb END) AS src)
                      END) AS provider,
             j.status = 'failed' AND j.error_code = coalesce(e.data->>'code', 'UNKNOWN') AS job_failed
        FROM job_events e JOIN jobs j ON j.id = e.job_id
       WHERE e.type = 'stage_failed' AND e.created_at >= ${since})
    SELECT stage, code, provider,
           count(*)::int AS attempts,
           count(DISTINCT job_id)::int AS jobs,
           count(DISTINCT job_id) FILTER (WHERE job_failed)::int AS "jobsFailed",
           max(created_at) AS "lastAt",
           (array_agg(job_id ORDER BY created_at DESC))[1] AS "exampleJobId",
           (array_agg(message ORDER BY created_at DESC))[1] AS "exampleMessage"
      FROM failures
     GROUP BY stage, code, provider
     ORDER BY attempts DESC, jobs DESC, max(created_at) DESC
     LIMIT ${limit}`);
  return rows.map(({ exampleJobId, exampleMessage, ...group }) => ({
    ...group,
    example: { jobId: exampleJobId, message: exampleMessage ?? '' },
  }));
}
