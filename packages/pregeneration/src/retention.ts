// Retention: expired episodes and clips are archived, then leave storage and the database;
// artifacts nobody can use any more leave storage. Storage quota: the bytes of a user's live
// episodes and clips against their limit.
import type { BaseConfig } from '@podfleet/config';
import type { JobStatus, PrismaClient } from '@podfleet/db';
import type { PipelineContext } from '@podfleet/pipeline';
import { type ArchiveCounts, archiveExpired, purgeExpired, removeUnreferencedArchive } from './archive';

export interface CleanupOptions {
  now: Date;
  /**
   * ARCHIVE_DAYS: expired episodes and clips are archived and deleted this many days later;
   * 0 deletes them at expiry.
   */
  archiveDays: number;
  /** ARCHIVE_STORAGE_CLASS: the S3 storage class of archived objects. */
  archiveStorageClass?: string;
  /**
   * How long a finished job without an episode (failed, cancelled, or a partial pre-generation)
   * keeps its artifacts, so a retry can still resume from them. Default 7 days.
   */
  orphanGraceMs?: number;
  /** Rows handled per query. */
  batchSize?: number;
}

export interface CleanupResult {
  /** Rows archived (expiresAt < now); none when archiveDays is 0. */
  archived: ArchiveCounts;
  /** Episode rows deleted (past the archive window, or expired when there is no archive). */
  episodes: number;
  /** Clip rows deleted (their own, and those of deleted episodes). */
  clips: number;
  /** Storage objects of those rows removed: live or archived media and their job's artifacts. */
  files: number;
  /** Orphaned artifact objects removed (see isOrphaned), and archive objects no row points at. */
  orphans: number;
}

const DAY_MS = 86_400_000;
const FINISHED: readonly JobStatus[] = ['completed', 'failed', 'cancelled'];
const jobPrefix = (jobId: string) => `jobs/${jobId}/`;

/**
 * Expired episodes and clips (expiresAt < now) move to the archive (see archive.ts); those archived
 * more than `archiveDays` ago are deleted with their objects (episode job rows stay as history).
 * Then orphaned artifacts under `jobs/`: those of a job whose row no longer exists, or of a job
 * that finished more than `orphanGraceMs` ago with neither an episode nor clips. Artifacts of
 * queued/running jobs and of jobs with an episode or clips stay. Last, archive objects no row
 * points at (left by a crash).
 */
export async function cleanupExpired(ctx: PipelineContext, options: CleanupOptions): Promise<CleanupResult> {
  const { now, archiveDays, batchSize } = options;
  const archive =
    archiveDays > 0
      ? await archiveExpired(ctx, {
          now,
          ...(options.archiveStorageClass ? { storageClass: options.archiveStorageClass } : {}),
          ...(batchSize ? { batchSize } : {}),
        })
      : { archived: { episodes: 0, clips: 0 }, files: 0 };
  const purge = await purgeExpired(ctx, { now, archiveDays, ...(batchSize ? { batchSize } : {}) });
  const orphans =
    (await removeOrphanedArtifacts(ctx, now, options.orphanGraceMs ?? 7 * DAY_MS)) +
    (await removeUnreferencedArchive(ctx));
  return {
    archived: archive.archived,
    episodes: purge.deleted.episodes,
    clips: purge.deleted.clips,
    files: archive.files + purge.files,
    orphans,
  };
}

/** The archive settings of a process's configuration (ARCHIVE_DAYS, ARCHIVE_STORAGE_CLASS). */
export function archiveOptions(
  config: BaseConfig,
): Pick<CleanupOptions, 'archiveDays' | 'archiveStorageClass'> {
  return {
    archiveDays: config.ARCHIVE_DAYS,
    ...(config.ARCHIVE_STORAGE_CLASS ? { archiveStorageClass: config.ARCHIVE_STORAGE_CLASS } : {}),
  };
}

/**
 * The `cleanup` task of pipeline's maintenance queue (scheduled daily there):
 * `runWorkerApp(app, config, () => ({ …, maintenanceHandlers: { cleanup: retentionCleanup(archiveOptions(config)) } }))`.
 */
export function retentionCleanup(
  options: Omit<CleanupOptions, 'now'>,
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
      select: {
        id: true,
        status: true,
        completedAt: true,
        episodeId: true,
        producedBy: { select: { id: true } },
      },
    });
    const byId = new Map(jobs.map((j) => [j.id, j]));
    // A clips job produces clips, not an episode: its artifacts hold their media.
    const withClips = new Set(
      (
        await ctx.db.clip.findMany({
          where: { jobId: { in: ids } },
          select: { jobId: true },
          distinct: ['jobId'],
        })
      ).map((c) => c.jobId),
    );
    const stale: string[] = [];
    for (const id of ids) {
      const job = byId.get(id);
      const orphaned =
        !job ||
        (FINISHED.includes(job.status) &&
          job.producedBy === null &&
          !withClips.has(job.id) &&
          // A re-render job's artifacts are a version of its episode (or its edited script).
          job.episodeId === null &&
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

/**
 * Bytes per user that count against their quota: live (not archived) episodes, uploads and clips.
 * Users with none are absent.
 */
export async function storageUsedByUser(db: PrismaClient, userIds: string[]): Promise<Map<string, number>> {
  const [episodes, clips] = await Promise.all([
    db.episode.groupBy({
      by: ['userId'],
      where: { userId: { in: userIds }, archivedAt: null },
      _sum: { sizeBytes: true },
    }),
    db.clip.groupBy({
      by: ['userId'],
      where: { userId: { in: userIds }, archivedAt: null },
      _sum: { sizeBytes: true },
    }),
  ]);
  const used = new Map(episodes.map((r) => [r.userId, r._sum.sizeBytes ?? 0]));
  for (const r of clips) used.set(r.userId, (used.get(r.userId) ?? 0) + Number(r._sum.sizeBytes ?? 0n));
  return used;
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
