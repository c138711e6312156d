import { type Job, type PrismaClient, STAGE_ORDER } from '@podfleet/db';
import { toJobView } from '@podfleet/pipeline';
import type { z } from 'zod';
import type { jobHistorySchema } from '../schemas';

export type JobHistoryView = z.infer<typeof jobHistorySchema>;

/** Events returned at most, oldest first (a job writes a few dozen; the cap bounds a pathological one). */
export const HISTORY_EVENTS_MAX = 1000;

const iso = (at: Date | null) => (at ? at.toISOString() : null);

/** Everything recorded about one job: its events, its stage rows and its webhook deliveries. */
export async function readJobHistory(db: PrismaClient, job: Job): Promise<JobHistoryView> {
  const [events, stages, deliveries] = await Promise.all([
    db.jobEvent.findMany({ where: { jobId: job.id }, orderBy: { id: 'asc' }, take: HISTORY_EVENTS_MAX + 1 }),
    db.jobStage.findMany({ where: { jobId: job.id } }),
    db.webhookDelivery.findMany({ where: { jobId: job.id }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] }),
  ]);
  return {
    job: toJobView(job),
    events: events.slice(0, HISTORY_EVENTS_MAX).map((e) => ({
      id: String(e.id),
      type: e.type,
      data: (e.data ?? {}) as Record<string, unknown>,
      createdAt: e.createdAt.toISOString(),
    })),
    eventsTruncated: events.length > HISTORY_EVENTS_MAX,
    stages: stages
      .sort((a, b) => STAGE_ORDER.indexOf(a.stage) - STAGE_ORDER.indexOf(b.stage))
      .map((s) => ({
        stage: s.stage,
        status: s.status,
        attempts: s.attempts,
        startedAt: iso(s.startedAt),
        finishedAt: iso(s.finishedAt),
        durationMs: s.durationMs,
        artifact: s.artifactKey ? { key: s.artifactKey, checksum: s.checksum } : null,
        error: s.errorCode ? { code: s.errorCode, message: s.errorMessage ?? '' } : null,
      })),
    webhookDeliveries: deliveries.map((d) => ({
      id: d.id,
      event: d.event,
      url: d.webhookUrl,
      attempt: d.attempt,
      statusCode: d.statusCode,
      error: d.error,
      durationMs: d.durationMs,
      createdAt: d.createdAt.toISOString(),
      deliveredAt: iso(d.deliveredAt),
    })),
  };
}
