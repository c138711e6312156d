import { Prisma } from '@podfleet/db';
import { readDailyFigures, readQueueStats, toJobView, topFailures } from '@podfleet/pipeline';
import { assertRedisReady, QUEUE_NAMES } from '@podfleet/queue';
import { Router } from 'express';
import { z } from 'zod';
import { decodeCursor, encodeCursor, pageQuerySchema } from '../http/pagination';
import { parseQuery } from '../http/validate';
import { QUEUE_STATES } from '../metrics';
import { activeJobsQuerySchema, failuresQuerySchema, statsQuerySchema } from '../schemas';
import { readFeedbackFigures } from '../services/feedback-figures';
import { type CacheAndRuns, readCacheAndRuns, readCostAndLatency } from '../services/pregeneration-figures';
import type { RouteContext } from './context';
import { jobStatusSchema } from './jobs';

const searchQuerySchema = pageQuerySchema.extend({
  userId: z.string().min(1).max(64).optional(),
  status: jobStatusSchema.optional(),
  q: z.string().min(1).max(200).optional(),
  errorCode: z.string().min(1).max(100).optional(),
});

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

export function adminRouter(ctx: RouteContext): Router {
  const router = Router();
  const { db, guards } = ctx;

  /**
   * Finds jobs across users (Bull Board cannot search): by user, status, error code, and `q` matched
   * (ILIKE) against the job id, the user's email, the error message, the episode title and
   * the titles of the request's sources.
   */
  router.get('/v1/admin/jobs', guards.admin, async (req, res) => {
    const query = parseQuery(req, searchQuerySchema);
    const where: Prisma.Sql[] = [];
    if (query.userId) where.push(Prisma.sql`j.user_id = ${query.userId}`);
    if (query.status) where.push(Prisma.sql`j.status = ${query.status}::job_status`);
    if (query.errorCode) where.push(Prisma.sql`j.error_code = ${query.errorCode}`);
    if (query.q) {
      const pattern = `%${escapeLike(query.q)}%`;
      where.push(Prisma.sql`(
        j.id ILIKE ${pattern} OR u.email ILIKE ${pattern} OR j.error_message ILIKE ${pattern}
        OR e.title ILIKE ${pattern}
        OR EXISTS (
          SELECT 1 FROM jsonb_array_elements(
            CASE WHEN jsonb_typeof(j.request->'sources') = 'array' THEN j.request->'sources' ELSE '[]'::jsonb END
          ) AS s WHERE s->>'title' ILIKE ${pattern}))`);
    }
    if (query.cursor) {
      const key = decodeCursor(query.cursor);
      where.push(Prisma.sql`(j.created_at, j.id) < (${key.createdAt.toISOString()}::timestamptz, ${key.id})`);
    }
    const rows = await db.$queryRaw<Array<{ id: string; email: string }>>`
      SELECT j.id, u.email FROM jobs j
        JOIN users u ON u.id = j.user_id
        LEFT JOIN episodes e ON e.id = j.episode_id
       ${where.length > 0 ? Prisma.sql`WHERE ${Prisma.join(where, ' AND ')}` : Prisma.empty}
       ORDER BY j.created_at DESC, j.id DESC
       LIMIT ${query.limit + 1}`;
    const pageRows = rows.slice(0, query.limit);
    const jobs = await db.job.findMany({ where: { id: { in: pageRows.map((r) => r.id) } } });
    const byId = new Map(jobs.map((j) => [j.id, j]));
    const items = pageRows.flatMap((r) => {
      const job = byId.get(r.id);
      if (!job) return [];
      const historyUrl = `${ctx.baseUrl(req)}/v1/jobs/${job.id}/history`;
      return [{ ...toJobView(job), userId: job.userId, userEmail: r.email, historyUrl }];
    });
    const last = pageRows.length > 0 ? byId.get(pageRows[pageRows.length - 1]!.id) : undefined;
    res.json({ items, nextCursor: rows.length > query.limit && last ? encodeCursor(last) : null });
  });

  /** What runs now (the active_generation_jobs view), oldest first. */
  router.get('/v1/admin/active-jobs', guards.admin, async (req, res) => {
    const { limit } = parseQuery(req, activeJobsQuerySchema);
    const [total, rows] = await Promise.all([
      db.activeGenerationJob.count(),
      db.activeGenerationJob.findMany({ orderBy: [{ createdAt: 'asc' }, { jobId: 'asc' }], take: limit }),
    ]);
    const base = ctx.baseUrl(req);
    res.setHeader('Cache-Control', 'no-store');
    res.json({
      total,
      items: rows.map((j) => ({
        jobId: j.jobId,
        userId: j.userId,
        userEmail: j.userEmail,
        type: j.type,
        status: j.status,
        phase: j.phase,
        progress: j.progress,
        currentStep: j.currentStep,
        priority: j.priority,
        pregenerated: j.pregenerated,
        run: j.run,
        attempts: j.attempts,
        createdAt: j.createdAt.toISOString(),
        startedAt: j.startedAt ? j.startedAt.toISOString() : null,
        ageSec: j.ageSec,
        idleSec: j.idleSec,
        historyUrl: `${base}/v1/jobs/${j.jobId}/history`,
      })),
    });
  });

  /** The most frequent failed stage attempts over the last `hours`, by stage, code and provider. */
  router.get('/v1/admin/failures', guards.admin, async (req, res) => {
    const { hours, limit } = parseQuery(req, failuresQuerySchema);
    const since = new Date(ctx.clock().getTime() - hours * 3_600_000);
    const groups = await topFailures(db, { since, limit });
    const base = ctx.baseUrl(req);
    res.setHeader('Cache-Control', 'no-store');
    res.json({
      since: since.toISOString(),
      items: groups.map((g) => ({
        ...g,
        lastAt: g.lastAt.toISOString(),
        example: { ...g.example, historyUrl: `${base}/v1/jobs/${g.example.jobId}/history` },
      })),
    });
  });

  router.get('/v1/queue/stats', guards.admin, async (_req, res) => {
    assertRedisReady(ctx.redis); // 503 at once rather than commands queued until Redis is back
    const now = Date.now();
    const queues = await readQueueStats(db, ctx.pipeline.queues, now);
    res.setHeader('Cache-Control', 'no-store');
    res.json({ at: new Date(now).toISOString(), queues });
  });

  router.get('/v1/stats', guards.admin, async (req, res) => {
    const { days } = parseQuery(req, statsQuerySchema);
    const until = ctx.clock();
    const since = new Date(until.getTime() - (days - 1) * 86_400_000);
    const [periods, queues, redisFigures, costAndLatency, history, feedback] = await Promise.all([
      db.generationJobStats.findMany({ orderBy: { period: 'asc' } }),
      queueCounts(ctx).catch((err: unknown) => {
        req.log.warn({ err }, 'stats: queue counts unavailable');
        return {};
      }),
      readRedisFigures(ctx).catch((err: unknown): CacheAndRuns => {
        req.log.warn({ err }, 'stats: cache counters and pre-generation runs unavailable');
        return NO_REDIS_FIGURES;
      }),
      readCostAndLatency(db, ctx.clock()),
      readDailyFigures(db, { since, until }),
      // Over the same UTC days as the history.
      readFeedbackFigures(db, new Date(`${since.toISOString().slice(0, 10)}T00:00:00Z`)),
    ]);
    res.json({
      periods: periods.map((p) => ({
        period: p.period,
        since: p.since ? p.since.toISOString() : null,
        jobs: {
          total: p.total,
          queued: p.queued,
          running: p.running,
          completed: p.completed,
          failed: p.failed,
          cancelled: p.cancelled,
        },
        successRate: p.successRate,
        costUsd: p.costUsd,
        durationMs: { avg: p.jobAvgMs, p50: p.jobP50Ms, p95: p.jobP95Ms },
        stages: p.stages,
      })),
      queues,
      cache: redisFigures.cache,
      pregeneration: { ...redisFigures.pregeneration, outcomes: costAndLatency.pregenerationOutcomes },
      costPerUserPerDay: costAndLatency.costPerUserPerDay,
      timeToFirstAudio: costAndLatency.timeToFirstAudio,
      history: { since: since.toISOString().slice(0, 10), days: history },
      feedback,
    });
  });

  return router;
}

/** While Redis is down: empty figures rather than no stats at all. */
const NO_REDIS_FIGURES: CacheAndRuns = {
  cache: { hits: 0, fallbacks: 0, misses: 0, hitRate: null },
  pregeneration: {
    lastRun: null,
    recent: { runs: 0, total: 0, successful: 0, failed: 0, skipped: 0, deferred: 0 },
    runs: [],
  },
};

async function readRedisFigures(ctx: RouteContext): Promise<CacheAndRuns> {
  assertRedisReady(ctx.redis); // fail now rather than queue the reads until Redis is back
  return readCacheAndRuns(ctx.redis, ctx.settings.prefix);
}

async function queueCounts(ctx: RouteContext): Promise<Record<string, Record<string, number>>> {
  assertRedisReady(ctx.redis);
  const counts = await Promise.all(
    QUEUE_NAMES.map((q) => ctx.pipeline.queues[q].getJobCounts(...QUEUE_STATES)),
  );
  return Object.fromEntries(QUEUE_NAMES.map((q, i) => [q, counts[i] ?? {}]));
}
