// Retention: expired episodes (and their promo clips) leave storage and the database; artifacts nobody can use any more
// leave storage. Storage quota: the bytes of a user's stored episodes against their limit.
import type { JobStatus, PrismaClient } from '@podfleet/db';
import type { PipelineContext } from '@podfleet/pipeline';
import { invalidateEpisodeCache } from './cache';

export interface CleanupOptions {
  now: Date;
  /**
   * How long a finished job without an episode (failed, cancelled, or a partial pre-generation)
   * keeps its artifacts, so a retry can still resume from them. Default 7 days.
   */
  orphanGraceMs?: number;
  /** Episodes handled per query. */
  batchSize?: number;
}

export interface CleanupResult {
  /** Episode rows removed (expiresAt < now). */
  episodes: number;
  /** Storage objects of those episodes removed: audio, transcript, their job's artifacts and their clips' media. */
  files: number;
  /** Orphaned artifact objects removed (see isOrphaned). */
  orphans: number;
}

const DAY_MS = 86_400_000;
const FINISHED: readonly JobStatus[] = ['completed', 'failed', 'cancelled'];
const jobPrefix = (jobId: string) => `jobs/${jobId}/`;

/**
 * Removes episodes whose `expiresAt` is before `now` (their objects first, then the row, then
 * their cache key; the Job row stays as history), then orphaned artifacts under `jobs/`: those
 * of a job whose row no longer exists, or of a job that finished more than `orphanGraceMs` ago
 * without an episode. Artifacts of queued/running jobs and of jobs with an episode stay.
 */
export async function cleanupExpired(ctx: PipelineContext, options: CleanupOptions): Promise<CleanupResult> {
  const { now } = options;
  const batchSize = options.batchSize ?? 100;
  const result: CleanupResult = { episodes: 0, files: 0, orphans: 0 };

  for (;;) {
    const expired = await ctx.db.episode.findMany({
      where: { expiresAt: { lt: now } },
      select: {
        id: true,
        jobId: true,
        userId: true,
        type: true,
        localDate: true,
        audioKey: true,
        transcriptKey: true,
      },
      orderBy: { expiresAt: 'asc' },
      take: batchSize,
    });
    if (expired.length === 0) break;
    for (const episode of expired) {
      const prefix = jobPrefix(episode.jobId);
      result.files += await ctx.storage.deletePrefix(prefix);
      for (const key of [episode.audioKey, episode.transcriptKey]) {
        if (key && !key.startsWith(prefix) && (await ctx.storage.head(key))) {
          await ctx.storage.delete(key);
          result.files += 1;
        }
      }
      // Its promo clips go with it (their rows by cascade): their media first.
      const clips = await ctx.db.clip.findMany({
        where: { episodeId: episode.id },
        select: { mp3Key: true, mp4Key: true },
      });
      for (const key of clips.flatMap((c) => [c.mp3Key, c.mp4Key])) {
        if (key && (await ctx.storage.head(key))) {
          await ctx.storage.delete(key);
          result.files += 1;
        }
      }
      const { count } = await ctx.db.episode.deleteMany({ where: { id: episode.id } });
      result.episodes += count;
      await invalidateEpisodeCache(ctx, episode);
    }
  }

  result.orphans = await removeOrphanedArtifacts(ctx, now, options.orphanGraceMs ?? 7 * DAY_MS);
  return result;
}

/**
 * The `cleanup` task of pipeline's maintenance queue (scheduled daily there):
 * `runWorkerApp(app, config, () => ({ …, maintenanceHandlers: { cleanup: retentionCleanup() } }))`.
 */
export function retentionCleanup(
  options: Omit<CleanupOptions, 'now'> = {},
): (ctx: PipelineContext) => Promise<CleanupResult> {
  return async (ctx) => {
    const result = await cleanupExpired(ctx, { ...options, now: new Date() });
    ctx.logger.info(result, 'retention cleanup finished');
    return result;
  };
}

async function removeOrphanedArtifacts(ctx: PipelineContext, now: Date, graceMs: number): Promise<number> {
  const jobIds = [...new Set((await ctx.storage.list('jobs/')).map((key) => key.split('/')[1] ?? ''))].filter(
    (id) => id.length > 0,
  );
  let removed = 0;
  for (let i = 0; i < jobIds.length; i += 500) {
    const ids = jobIds.slice(i, i + 500);
    const jobs = await ctx.db.job.findMany({
      where: { id: { in: ids } },
      select: { id: true, status: true, completedAt: true, producedBy: { select: { id: true } } },
    });
    const byId = new Map(jobs.map((j) => [j.id, j]));
    const stale: string[] = [];
    for (const id of ids) {
      const job = byId.get(id);
      const orphaned =
        !job ||
        (FINISHED.includes(job.status) &&
          job.producedBy === null &&
          job.completedAt !== null &&
          now.getTime() - job.completedAt.getTime() > graceMs);
      if (!orphaned) continue;
      removed += await ctx.storage.deletePrefix(jobPrefix(id));
      if (job) stale.push(id);
    }
    if (stale.length > 0) {
      // Their recorded artifacts are gone: a later retry must run those stages again.
      await ctx.db.jobStage.updateMany({
        where: { jobId: { in: stale }, status: 'completed' },
        data: { status: 'pending', artifactKey: null, checksum: null },
      });
    }
  }
  return removed;
}

/** Bytes of stored episodes per user (users without episodes are absent). */
export async function storageUsedByUser(db: PrismaClient, userIds: string[]): Promise<Map<string, number>> {
  const rows = await db.episode.groupBy({
    by: ['userId'],
    where: { userId: { in: userIds } },
    _sum: { sizeBytes: true },
  });
  return new Map(rows.map((r) => [r.userId, r._sum.sizeBytes ?? 0]));
}

export interface QuotaStatus {
  usedBytes: number;
  /** The user's own limit (User.storageQuotaBytes) or the default given; 0 means unlimited. */
  quotaBytes: number;
  /** True when used ≥ quota (a limit of 0 is never exceeded): refuse new episodes. */
  exceeded: boolean;
}

/** `usedBytes` against the user's own limit (null: `defaultQuotaBytes`; 0: unlimited). */
export function quotaStatus(
  usedBytes: number,
  userQuotaBytes: bigint | number | null,
  defaultQuotaBytes: number,
): QuotaStatus {
  const quota = userQuotaBytes === null ? defaultQuotaBytes : Number(userQuotaBytes);
  return { usedBytes, quotaBytes: quota, exceeded: quota > 0 && usedBytes >= quota };
}
