// Storage (#16): what is stored against which quota (GET /v1/storage/stats) and the admin's
// restore of archived episodes and clips (see @podfleet/pregeneration archive.ts).
import { type RestoreOutcome, restoreClip, restoreEpisode, storageUsage } from '@podfleet/pregeneration';
import { type Request, Router } from 'express';
import { HttpProblem, notFound } from '../http/problem';
import { parseQuery } from '../http/validate';
import { archiveQuerySchema } from '../schemas';
import type { RouteContext } from './context';

const remaining = (usedBytes: number, quotaBytes: number) =>
  quotaBytes > 0 ? Math.max(0, quotaBytes - usedBytes) : null;

export function storageRouter(ctx: RouteContext): Router {
  const router = Router();
  const { db, guards, settings } = ctx;

  router.get('/v1/storage/stats', guards.userOrAdmin, async (req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    const p = req.principal;
    if (p?.kind !== 'user') {
      const fleet = await storageUsage(db);
      res.json({
        scope: 'fleet',
        usage: fleet.byKind,
        usedBytes: fleet.totalBytes,
        quotaBytes: settings.fleetStorageQuotaBytes,
        remainingBytes: remaining(fleet.totalBytes, settings.fleetStorageQuotaBytes),
        userQuotaBytes: settings.userStorageQuotaBytes,
        archiveDays: settings.archiveDays,
      });
      return;
    }
    const [mine, user] = await Promise.all([
      storageUsage(db, { userId: p.userId }),
      db.user.findUnique({ where: { id: p.userId }, select: { storageQuotaBytes: true } }),
    ]);
    const quotaBytes =
      user?.storageQuotaBytes === null || user?.storageQuotaBytes === undefined
        ? settings.userStorageQuotaBytes
        : Number(user.storageQuotaBytes);
    const { episodes, uploads, clips } = mine.byKind;
    res.json({
      scope: 'user',
      usage: { episodes, uploads, clips },
      usedBytes: mine.liveBytes,
      quotaBytes,
      remainingBytes: remaining(mine.liveBytes, quotaBytes),
    });
  });

  /** What an operator can restore, and until when. */
  router.get('/v1/admin/archive', guards.admin, async (req, res) => {
    const { userId, limit } = parseQuery(req, archiveQuerySchema);
    const where = { archivedAt: { not: null }, ...(userId ? { userId } : {}) };
    const orderBy = [{ archivedAt: 'desc' as const }, { id: 'desc' as const }];
    const [episodes, clips] = await Promise.all([
      db.episode.findMany({
        where,
        orderBy,
        take: limit,
        select: { id: true, userId: true, type: true, title: true, sizeBytes: true, archivedAt: true },
      }),
      db.clip.findMany({
        where,
        orderBy,
        take: limit,
        select: {
          id: true,
          userId: true,
          episodeId: true,
          platform: true,
          title: true,
          sizeBytes: true,
          archivedAt: true,
        },
      }),
    ]);
    const window = (archivedAt: Date | null) => {
      const at = archivedAt ?? new Date(0); // never null: selected by archivedAt
      return {
        archivedAt: at.toISOString(),
        restorableUntil: new Date(at.getTime() + settings.archiveDays * 86_400_000).toISOString(),
      };
    };
    res.setHeader('Cache-Control', 'no-store');
    res.json({
      episodes: episodes.map((e) => ({ ...e, ...window(e.archivedAt) })),
      clips: clips.map((c) => ({ ...c, sizeBytes: Number(c.sizeBytes), ...window(c.archivedAt) })),
    });
  });

  /** The restored row, or the problem: 404 unknown, 409 not archived, 410 past the window. */
  const restored = <T>(what: string, outcome: RestoreOutcome<T>): T => {
    switch (outcome.status) {
      case 'restored':
        return outcome.row;
      case 'not-found':
        throw notFound(what);
      case 'not-archived':
        throw new HttpProblem(409, { type: 'not-archived', detail: `this ${what} is not archived` });
      case 'gone':
        throw new HttpProblem(410, {
          type: 'archive-expired',
          detail: `this ${what} can no longer be restored: ${outcome.detail}`,
        });
    }
  };
  const restoreOptions = () => ({
    now: ctx.clock(),
    archiveDays: settings.archiveDays,
    retentionDays: ctx.pipeline.retentionDays,
  });
  const mediaVersionOf = async (userId: string) =>
    (await db.user.findUnique({ where: { id: userId }, select: { mediaUrlVersion: true } }))
      ?.mediaUrlVersion ?? 1;

  router.post('/v1/admin/episodes/:id/restore', guards.admin, async (req: Request, res) => {
    const outcome = await restoreEpisode(ctx.pipelineFor(req), String(req.params.id), restoreOptions());
    const episode = restored('episode', outcome);
    req.log.info({ episodeId: episode.id }, 'episode restored from the archive');
    res.json(ctx.episodeView(req, episode, await mediaVersionOf(episode.userId)));
  });

  router.post('/v1/admin/clips/:id/restore', guards.admin, async (req: Request, res) => {
    const outcome = await restoreClip(ctx.pipelineFor(req), String(req.params.id), restoreOptions());
    const clip = restored('clip', outcome);
    req.log.info({ clipId: clip.id }, 'clip restored from the archive');
    res.json({
      id: clip.id,
      episodeId: clip.episodeId,
      userId: clip.userId,
      expiresAt: clip.expiresAt ? clip.expiresAt.toISOString() : null,
    });
  });

  return router;
}
