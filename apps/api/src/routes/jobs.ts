import type { Job } from '@podfleet/db';
import { cancelEpisodeJob, retryEpisodeJob, toJobView } from '@podfleet/pipeline';
import { type Request, Router } from 'express';
import { z } from 'zod';
import { page, pageArgs, pageQuerySchema } from '../http/pagination';
import { conflict, notFound } from '../http/problem';
import { parseQuery } from '../http/validate';
import { ownerScope } from '../middleware/auth';
import { readJobHistory } from '../services/job-history';
import type { RouteContext } from './context';

export const jobStatusSchema = z.enum(['queued', 'running', 'completed', 'failed', 'cancelled']);
const listQuerySchema = pageQuerySchema.extend({ status: jobStatusSchema.optional() });

export function jobsRouter(ctx: RouteContext): Router {
  const router = Router();
  const { db, guards } = ctx;

  /** The job if the caller may see it (a user: their own; the admin: any); 404 otherwise. */
  const findJob = async (req: Request): Promise<Job> => {
    const job = await db.job.findFirst({ where: { id: String(req.params.id), ...ownerScope(req) } });
    if (!job) throw notFound('job');
    return job;
  };

  router.get('/v1/jobs', guards.userOrAdmin, async (req, res) => {
    const query = parseQuery(req, listQuerySchema);
    const where = { ...ownerScope(req), ...(query.status ? { status: query.status } : {}) };
    const rows = await db.job.findMany(pageArgs(query, where));
    const { items, nextCursor } = page(rows, query.limit);
    res.json({ items: items.map(toJobView), nextCursor });
  });

  router.get('/v1/jobs/:id', guards.userOrAdmin, async (req, res) => {
    res.json(toJobView(await findJob(req)));
  });

  /** What happened to the job: events, stage attempts and artifacts, webhook deliveries. */
  router.get('/v1/jobs/:id/history', guards.userOrAdmin, async (req, res) => {
    res.json(await readJobHistory(db, await findJob(req)));
  });

  router.get('/v1/jobs/:id/events', guards.userOrAdmin, async (req, res) => {
    await ctx.streams.serve(req, res, String(req.params.id), ownerScope(req));
  });

  router.delete('/v1/jobs/:id', guards.userOrAdmin, async (req, res) => {
    const job = await findJob(req);
    const cancelled = await cancelEpisodeJob(ctx.pipelineFor(req), job.id);
    if (!cancelled) throw conflict(`the job is already ${await currentStatus(job.id)}`);
    res.json(toJobView(cancelled));
  });

  router.post('/v1/jobs/:id/retry', guards.userOrAdmin, async (req, res) => {
    const job = await findJob(req);
    const retried = await retryEpisodeJob(ctx.pipelineFor(req), job.id);
    if (!retried)
      throw conflict(
        `only failed or cancelled jobs can be retried; this one is ${await currentStatus(job.id)}`,
      );
    res.status(202).json(toJobView(retried));
  });

  const currentStatus = async (id: string) =>
    (await db.job.findUnique({ where: { id }, select: { status: true } }))?.status ?? 'gone';

  return router;
}
