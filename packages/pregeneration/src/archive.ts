// The archive (#16): expiry moves an episode's or a clip's objects under `archive/` instead of
// deleting them; an admin may restore them for ARCHIVE_DAYS, then they are deleted.
//
// Every move is crash-safe and can run again: copy first, then the row, then delete the source.
// A crash after the copy leaves the row as it was (the next run copies again); a crash after the
// row update leaves a stale source, which the purge deletes with the rest. An archived row's
// objects live at `archive/<key>` under the keys its row keeps.
import type { Clip, Episode } from '@podfleet/db';
import type { PipelineContext } from '@podfleet/pipeline';
import { invalidateEpisodeCache } from './cache';

export const ARCHIVE_PREFIX = 'archive/';
const DAY_MS = 86_400_000;

/** Where an archived object lives. */
export const archiveKeyOf = (key: string): string => `${ARCHIVE_PREFIX}${key}`;

const jobPrefix = (jobId: string) => `jobs/${jobId}/`;

type EpisodeObjects = Pick<
  Episode,
  'id' | 'jobId' | 'userId' | 'type' | 'localDate' | 'audioKey' | 'transcriptKey'
>;
type ClipObjects = Pick<Clip, 'id' | 'mp3Key' | 'mp4Key'>;

const EPISODE_OBJECTS = {
  id: true,
  jobId: true,
  userId: true,
  type: true,
  localDate: true,
  audioKey: true,
  transcriptKey: true,
} as const;
const CLIP_OBJECTS = { id: true, mp3Key: true, mp4Key: true } as const;

const keysOf = (keys: Array<string | null>): string[] => keys.filter((k): k is string => k !== null);
const episodeKeys = (e: EpisodeObjects) => keysOf([e.audioKey, e.transcriptKey]);
const clipKeys = (c: ClipObjects) => keysOf([c.mp3Key, c.mp4Key]);

/** The end of the restore window: rows archived before it are deleted and cannot be restored. */
export const archiveCutoff = (now: Date, archiveDays: number): Date =>
  new Date(now.getTime() - archiveDays * DAY_MS);

export interface ArchiveCounts {
  episodes: number;
  clips: number;
}

/**
 * Handles each row `nextBatch` reads, batch after batch, until a batch comes back empty: a
 * handled row leaves what `nextBatch` selects.
 */
async function eachInBatches<Row>(nextBatch: () => Promise<Row[]>, handle: (row: Row) => Promise<void>) {
  for (;;) {
    const rows = await nextBatch();
    if (rows.length === 0) return;
    for (const row of rows) await handle(row);
  }
}

/**
 * Copies each key to the archive (a key already moved by an interrupted run is fine). A key
 * missing in both places was lost before: logged, and the row is archived all the same.
 */
async function copyToArchive(ctx: PipelineContext, keys: string[], storageClass: string | undefined) {
  for (const key of keys) {
    if (await ctx.storage.head(key)) {
      await ctx.storage.copy(key, archiveKeyOf(key), storageClass ? { storageClass } : {});
    } else if (!(await ctx.storage.head(archiveKeyOf(key)))) {
      ctx.logger.warn({ key }, 'archive: object missing, nothing to move');
    }
  }
}

/** Deletes the keys that exist; returns how many did. */
async function deleteKeys(ctx: PipelineContext, keys: string[]): Promise<number> {
  let deleted = 0;
  for (const key of keys) {
    if (await ctx.storage.head(key)) {
      await ctx.storage.delete(key);
      deleted += 1;
    }
  }
  return deleted;
}

/**
 * The episode job's objects (its artifacts and live media) but those of its clips, which keep
 * their own expiry and may be stored under the same job prefix.
 */
async function deleteJobArtifacts(ctx: PipelineContext, episode: EpisodeObjects): Promise<number> {
  const clips = await ctx.db.clip.findMany({ where: { episodeId: episode.id }, select: CLIP_OBJECTS });
  const kept = new Set(clips.flatMap(clipKeys));
  const doomed = (await ctx.storage.list(jobPrefix(episode.jobId))).filter((key) => !kept.has(key));
  for (const key of doomed) await ctx.storage.delete(key);
  return doomed.length;
}

/**
 * Archives episodes and clips whose expiresAt is before `now`: objects copied under `archive/`
 * (in `storageClass` on S3), archivedAt set, then the live objects (and the episode job's other
 * artifacts) deleted and the episode's cache key dropped. Returns the rows archived and the live
 * objects deleted.
 */
export async function archiveExpired(
  ctx: PipelineContext,
  options: { now: Date; storageClass?: string; batchSize?: number },
): Promise<{ archived: ArchiveCounts; files: number }> {
  const { now, storageClass } = options;
  const take = options.batchSize ?? 100;
  const result = { archived: { episodes: 0, clips: 0 }, files: 0 };
  const expired = { expiresAt: { lt: now }, archivedAt: null };
  const archived = { archivedAt: now };
  await eachInBatches(
    () =>
      ctx.db.episode.findMany({
        where: expired,
        select: EPISODE_OBJECTS,
        orderBy: { expiresAt: 'asc' },
        take,
      }),
    async (episode) => {
      await copyToArchive(ctx, episodeKeys(episode), storageClass);
      const { count } = await ctx.db.episode.updateMany({
        where: { id: episode.id, archivedAt: null },
        data: archived,
      });
      if (count === 0) return; // restored or deleted meanwhile: its objects are someone else's now
      result.archived.episodes += 1;
      result.files += await deleteJobArtifacts(ctx, episode);
      result.files += await deleteKeys(ctx, episodeKeys(episode));
      await invalidateEpisodeCache(ctx, episode);
    },
  );
  await eachInBatches(
    () => ctx.db.clip.findMany({ where: expired, select: CLIP_OBJECTS, orderBy: { expiresAt: 'asc' }, take }),
    async (clip) => {
      await copyToArchive(ctx, clipKeys(clip), storageClass);
      const { count } = await ctx.db.clip.updateMany({
        where: { id: clip.id, archivedAt: null },
        data: archived,
      });
      if (count === 0) return;
      result.archived.clips += 1;
      result.files += await deleteKeys(ctx, clipKeys(clip));
    },
  );
  return result;
}

/** Rows past the archive window, or (no archive) past their expiry. */
type Doomed = { expiresAt?: { lt: Date }; archivedAt: null | { lt: Date } };

/**
 * Deletes for good the rows `where` selects, with every object they may have anywhere (live,
 * archived, the episode job's artifacts, the episode's clips). The row goes first, claimed by
 * `where` (a restore that won the race keeps its objects); a crash before the objects leaves
 * unreferenced ones that removeUnreferencedArchive and the orphaned-artifact sweep find.
 */
async function deleteEpisodes(
  ctx: PipelineContext,
  where: Doomed,
  take: number,
): Promise<{ deleted: ArchiveCounts; files: number }> {
  const result = { deleted: { episodes: 0, clips: 0 }, files: 0 };
  const select = { ...EPISODE_OBJECTS, clips: { select: CLIP_OBJECTS } };
  await eachInBatches(
    () => ctx.db.episode.findMany({ where, select, orderBy: { createdAt: 'asc' }, take }),
    async (episode) => {
      // Its re-render jobs hold its versions (audio, transcript, edited script); read before the
      // row goes, which unlinks them.
      const rerenders = await ctx.db.job.findMany({
        where: { episodeId: episode.id, id: { not: episode.jobId } },
        select: { id: true },
      });
      const { count } = await ctx.db.episode.deleteMany({ where: { ...where, id: episode.id } });
      if (count === 0) return;
      result.deleted.episodes += 1;
      result.deleted.clips += episode.clips.length; // cascaded with the row
      const keys = [...episodeKeys(episode), ...episode.clips.flatMap(clipKeys)];
      for (const jobId of [episode.jobId, ...rerenders.map((j) => j.id)]) {
        result.files += await ctx.storage.deletePrefix(jobPrefix(jobId));
      }
      result.files += await deleteKeys(ctx, [...keys, ...keys.map(archiveKeyOf)]);
      await invalidateEpisodeCache(ctx, episode);
    },
  );
  return result;
}

async function deleteClips(
  ctx: PipelineContext,
  where: Doomed,
  take: number,
): Promise<{ deleted: number; files: number }> {
  const result = { deleted: 0, files: 0 };
  await eachInBatches(
    () => ctx.db.clip.findMany({ where, select: CLIP_OBJECTS, orderBy: { createdAt: 'asc' }, take }),
    async (clip) => {
      const { count } = await ctx.db.clip.deleteMany({ where: { ...where, id: clip.id } });
      if (count === 0) return;
      result.deleted += 1;
      const keys = clipKeys(clip);
      result.files += await deleteKeys(ctx, [...keys, ...keys.map(archiveKeyOf)]);
    },
  );
  return result;
}

/**
 * The end of the road: with `archiveDays` 0 expired rows are deleted at once (no archive);
 * otherwise rows archived more than `archiveDays` before `now` are.
 */
export async function purgeExpired(
  ctx: PipelineContext,
  options: { now: Date; archiveDays: number; batchSize?: number },
): Promise<{ deleted: ArchiveCounts; files: number }> {
  const take = options.batchSize ?? 100;
  const result = { deleted: { episodes: 0, clips: 0 }, files: 0 };
  const wheres: Doomed[] = [{ archivedAt: { lt: archiveCutoff(options.now, options.archiveDays) } }];
  if (options.archiveDays === 0) wheres.push({ expiresAt: { lt: options.now }, archivedAt: null });
  for (const where of wheres) {
    const episodes = await deleteEpisodes(ctx, where, take);
    const clips = await deleteClips(ctx, where, take);
    result.deleted.episodes += episodes.deleted.episodes;
    result.deleted.clips += episodes.deleted.clips + clips.deleted;
    result.files += episodes.files + clips.files;
  }
  return result;
}

/**
 * Objects under `archive/` no archived row points at: left by a crash (an archive copy whose
 * row update never came, a restore that died before deleting its archive copy, a purge that died
 * after deleting its row). Deleted; returns how many.
 */
export async function removeUnreferencedArchive(ctx: PipelineContext): Promise<number> {
  const archived = await ctx.storage.list(ARCHIVE_PREFIX);
  let removed = 0;
  for (let i = 0; i < archived.length; i += 500) {
    const keys = archived.slice(i, i + 500).map((k) => k.slice(ARCHIVE_PREFIX.length));
    const [episodes, clips] = await Promise.all([
      ctx.db.episode.findMany({
        where: {
          archivedAt: { not: null },
          OR: [{ audioKey: { in: keys } }, { transcriptKey: { in: keys } }],
        },
        select: { audioKey: true, transcriptKey: true },
      }),
      ctx.db.clip.findMany({
        where: { archivedAt: { not: null }, OR: [{ mp3Key: { in: keys } }, { mp4Key: { in: keys } }] },
        select: { mp3Key: true, mp4Key: true },
      }),
    ]);
    const referenced = new Set([
      ...episodes.flatMap((e) => keysOf([e.audioKey, e.transcriptKey])),
      ...clips.flatMap((c) => keysOf([c.mp3Key, c.mp4Key])),
    ]);
    for (const key of keys) {
      if (referenced.has(key)) continue;
      await ctx.storage.delete(archiveKeyOf(key));
      removed += 1;
    }
  }
  return removed;
}

export type RestoreOutcome<T> =
  | { status: 'restored'; row: T }
  | { status: 'not-found' }
  | { status: 'not-archived' }
  | { status: 'gone'; detail: string };

export interface RestoreOptions {
  now: Date;
  archiveDays: number;
  /** EPISODE_RETENTION_DAYS: the restored row expires this long after `now` (0: never). */
  retentionDays: number;
}

interface Restorable {
  id: string;
  archivedAt: Date | null;
}

/** An object a restore brings back; without a required one (the audio, a clip's media) it is 410. */
interface RestoredObject {
  key: string;
  required: boolean;
}

/** The row update of a restore: only a row still archived within the window comes back. */
const restoreUpdate = (id: string, cutoff: Date, expiresAt: Date | null) => ({
  where: { id, archivedAt: { gte: cutoff } },
  data: { archivedAt: null, expiresAt },
});

/**
 * The shared steps of a restore: window check, objects copied back (an interrupted restore's
 * copies are fine), the row updated only if still archived within the window, archive copies
 * deleted. `markRestored` runs the row update under `restoreUpdate`'s condition; `find` reads the row.
 */
async function restore<T extends Restorable>(
  ctx: PipelineContext,
  options: RestoreOptions,
  steps: {
    find: () => Promise<T | null>;
    objects: (row: T) => RestoredObject[];
    markRestored: (update: ReturnType<typeof restoreUpdate>) => Promise<{ count: number }>;
  },
): Promise<RestoreOutcome<T>> {
  const { find, objects, markRestored } = steps;
  const row = await find();
  if (!row) return { status: 'not-found' };
  if (!row.archivedAt) return { status: 'not-archived' };
  const cutoff = archiveCutoff(options.now, options.archiveDays);
  const deadline = new Date(row.archivedAt.getTime() + options.archiveDays * DAY_MS).toISOString();
  if (row.archivedAt < cutoff) {
    return { status: 'gone', detail: `the restore window (ARCHIVE_DAYS) ended at ${deadline}` };
  }
  const copied: string[] = [];
  for (const { key, required } of objects(row)) {
    if (await ctx.storage.head(archiveKeyOf(key))) {
      await ctx.storage.copy(archiveKeyOf(key), key);
      copied.push(key);
      continue;
    }
    if (await ctx.storage.head(key)) continue; // copied back by an interrupted restore
    if (required) return { status: 'gone', detail: `its object ${key} is no longer stored` };
    ctx.logger.warn({ key }, 'restore: object missing, restoring without it');
  }
  const expiresAt =
    options.retentionDays > 0 ? new Date(options.now.getTime() + options.retentionDays * DAY_MS) : null;
  const { count } = await markRestored(restoreUpdate(row.id, cutoff, expiresAt));
  const restored = count === 1 ? await find() : null;
  if (!restored) {
    const current = await find();
    if (current && !current.archivedAt) return { status: 'not-archived' }; // a concurrent restore won
    // Purged meanwhile: what was copied back belongs to no row.
    for (const key of copied) await ctx.storage.delete(key);
    return { status: 'gone', detail: `the restore window (ARCHIVE_DAYS) ended at ${deadline}` };
  }
  for (const { key } of objects(row)) await ctx.storage.delete(archiveKeyOf(key));
  return { status: 'restored', row: restored };
}

/** A restore of one kind of row by its id. */
type Restore<T> = (ctx: PipelineContext, id: string, options: RestoreOptions) => Promise<RestoreOutcome<T>>;

/** Brings an archived episode back: objects, feeds and lists; it expires again per retention. */
export const restoreEpisode: Restore<Episode> = (ctx, id, options) =>
  restore(ctx, options, {
    find: () => ctx.db.episode.findUnique({ where: { id } }),
    // The transcript file is secondary: the row holds the segments too.
    objects: (e) => [
      { key: e.audioKey, required: true },
      ...keysOf([e.transcriptKey]).map((key) => ({ key, required: false })),
    ],
    markRestored: (update) => ctx.db.episode.updateMany(update),
  });

/** Brings an archived clip back; it expires again per retention. */
export const restoreClip: Restore<Clip> = (ctx, id, options) =>
  restore(ctx, options, {
    find: () => ctx.db.clip.findUnique({ where: { id } }),
    objects: (c) => clipKeys(c).map((key) => ({ key, required: true })),
    markRestored: (update) => ctx.db.clip.updateMany(update),
  });
