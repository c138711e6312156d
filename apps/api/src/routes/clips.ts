import { ClipSelectionError, clipRequestSchema, selectClips } from '@podfleet/clips';
import type { Clip } from '@podfleet/db';
import {
  clipsCacheKey,
  episodeTopic,
  normaliseClipsRequest,
  submitClipsJob,
  timedTranscript,
} from '@podfleet/pipeline';
import { type ClipFormat, clipMediaSignedPart, clipMediaUrls } from '@podfleet/webhooks';
import { type Request, Router } from 'express';
import { z } from 'zod';
import { HttpProblem, notFound } from '../http/problem';
import { parseBody, parseQuery } from '../http/validate';
import { currentUser, ownerScope } from '../middleware/auth';
import { signedOrUser } from '../middleware/signed-media';
import type { clipSchema } from '../schemas';
import { assertQueueHasRoom } from '../services/backpressure';
import { assertStorageRoom } from '../services/storage-room';
import { serveStoredMedia } from '../services/stored-media';
import type { RouteContext } from './context';

export type ClipView = z.infer<typeof clipSchema>;

const CONTENT_TYPES: Record<ClipFormat, string> = { mp3: 'audio/mpeg', mp4: 'video/mp4' };
const mediaQuerySchema = z.object({ format: z.enum(['mp3', 'mp4']) });

/** A job's (or an episode's) clips in the order they were chosen: newest job first, best clip first. */
const clipOrder = [{ jobId: 'desc' as const }, { score: 'desc' as const }, { startSec: 'asc' as const }];

/** Promo clips of episodes (docs/clips.md): made by a `clips` job, read, downloaded, deleted. */
/**
 * Bytes per second of clip, generously: the MP3 at 128 kbit/s (16 kB), the audiogram (1080×1920
 * H.264 of a mostly still frame, plus AAC) measured at 30–60 kB/s, counted at 100 kB.
 */
const CLIP_BYTES_PER_SEC = { mp3: 16_000, mp4: 100_000 } as const;

/** The most a clips request can store: every clip at its longest, in every format asked for. */
function clipsUpperBoundBytes(request: {
  count: number;
  maxSec: number;
  formats: readonly ClipFormat[];
}): number {
  const perSec = request.formats.reduce((sum, format) => sum + CLIP_BYTES_PER_SEC[format], 0);
  return Math.ceil(request.count * request.maxSec * perSec);
}

export function clipsRouter(ctx: RouteContext): Router {
  const router = Router();
  const { db, guards, settings } = ctx;

  /** The clips' views, their media URLs signed under each owner's media URL version. */
  const views = async (req: Request, clips: Clip[]): Promise<ClipView[]> => {
    const owners = await db.user.findMany({
      where: { id: { in: [...new Set(clips.map((c) => c.userId))] } },
      select: { id: true, mediaUrlVersion: true },
    });
    const versions = new Map(owners.map((o) => [o.id, o.mediaUrlVersion]));
    const baseUrl = ctx.baseUrl(req);
    return clips.map((clip) =>
      toClipView(
        clip,
        clipMediaUrls(clip, {
          baseUrl,
          signer: ctx.mediaSigner,
          urlVersion: versions.get(clip.userId) ?? 1,
        }),
      ),
    );
  };

  const findClip = async (req: Request): Promise<Clip> => {
    const clip = await db.clip.findFirst({
      where: { id: String(req.params.id), ...ownerScope(req), archivedAt: null },
    });
    if (!clip) throw notFound('clip');
    return clip;
  };

  const findEpisode = async (req: Request) => {
    const episode = await db.episode.findFirst({
      where: { id: String(req.params.id), ...ownerScope(req), archivedAt: null },
    });
    if (!episode) throw notFound('episode');
    return episode;
  };

  router.post('/v1/episodes/:id/clips', guards.user, async (req, res) => {
    const { userId } = currentUser(req);
    const body = parseBody(req, clipRequestSchema);
    const episode = await findEpisode(req);
    const { segments, timed } = timedTranscript(episode.transcript);
    if (!timed) {
      throw new HttpProblem(409, {
        type: 'transcript-needed',
        detail: 'a transcript is needed: this episode has no timed transcript to cut clips from',
      });
    }
    const request = normaliseClipsRequest(episode.id, body);
    // Refused before anything is enqueued when no window of the asked length fits.
    try {
      selectClips({ segments, topic: episodeTopic(episode), request: { ...request, count: 1 } });
    } catch (err) {
      if (!(err instanceof ClipSelectionError)) throw err;
      throw new HttpProblem(422, {
        type: 'episode-too-short',
        detail: err.message,
        extra: { code: err.code },
      });
    }

    // The same request already served: its clips, while they last.
    const served = await db.job.findFirst({
      where: { userId, type: 'clips', cacheKey: clipsCacheKey(request), status: 'completed' },
      orderBy: { completedAt: 'desc' },
      select: { id: true },
    });
    if (served) {
      const clips = await db.clip.findMany({
        where: { jobId: served.id, archivedAt: null },
        orderBy: clipOrder,
      });
      if (clips.length > 0) {
        res.json({ items: await views(req, clips) });
        return;
      }
    }

    // The most the clips could take (413 over the user's quota, 507 over the fleet's), before
    // the job is made.
    await assertStorageRoom(db, settings, { userId, incomingBytes: clipsUpperBoundBytes(request) });

    await assertQueueHasRoom(ctx.queueDepth, settings.maxQueueSize);
    const { job, deduplicated } = await submitClipsJob(ctx.pipelineFor(req), { userId, request });
    const pollUrl = `${ctx.baseUrl(req)}/v1/jobs/${job.id}`;
    res
      .status(202)
      .location(pollUrl)
      .json({ jobId: job.id, status: job.status, pollUrl, eventsUrl: `${pollUrl}/events`, deduplicated });
  });

  router.get('/v1/episodes/:id/clips', guards.userOrAdmin, async (req, res) => {
    const episode = await findEpisode(req);
    const clips = await db.clip.findMany({
      where: { episodeId: episode.id, archivedAt: null },
      orderBy: clipOrder,
    });
    res.json({ items: await views(req, clips) });
  });

  router.get('/v1/clips/:id', guards.userOrAdmin, async (req, res) => {
    res.json((await views(req, [await findClip(req)]))[0]);
  });

  /** A valid `?exp=&sig=` for this clip's medium stands in for the Authorization header (players send none). */
  const signedClipOrUser = signedOrUser(ctx, 'the clip', async (req) => {
    const { format } = parseQuery(req, mediaQuerySchema);
    const id = String(req.params.id);
    const owner = await db.clip.findUnique({
      where: { id },
      select: { user: { select: { mediaUrlVersion: true } } },
    });
    return (
      owner && { signedPart: clipMediaSignedPart(id, format), mediaUrlVersion: owner.user.mediaUrlVersion }
    );
  });

  router.get('/v1/clips/:id/media', signedClipOrUser, async (req, res) => {
    const { format } = parseQuery(req, mediaQuerySchema);
    const clip = await findClip(req);
    const key = format === 'mp3' ? clip.mp3Key : clip.mp4Key;
    if (!key) throw notFound(`${format} of this clip (it was rendered without it)`);
    await serveStoredMedia(ctx.storage, res, {
      key,
      contentType: CONTENT_TYPES[format],
      what: `clip ${format}`,
    });
  });

  router.delete('/v1/clips/:id', guards.userOrAdmin, async (req, res) => {
    const clip = await findClip(req);
    // Objects first: a failure leaves the row, so the delete can be repeated.
    for (const key of [clip.mp3Key, clip.mp4Key]) if (key) await ctx.storage.delete(key);
    await db.clip.deleteMany({ where: { id: clip.id } });
    res.status(204).end();
  });

  return router;
}

function toClipView(clip: Clip, media: ClipView['media']): ClipView {
  return {
    id: clip.id,
    episodeId: clip.episodeId,
    platform: clip.platform as ClipView['platform'],
    startSec: clip.startSec,
    endSec: clip.endSec,
    durationSec: clip.durationSec,
    score: clip.score,
    confidence: clip.confidence as ClipView['confidence'],
    title: clip.title,
    text: clip.text,
    features: clip.features as ClipView['features'],
    media,
    createdAt: clip.createdAt.toISOString(),
  };
}
