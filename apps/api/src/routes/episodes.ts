import { createHash } from 'node:crypto';
import { type Episode, findIdempotentJob, recordListen } from '@podfleet/db';
import { type EpisodeKind, episodeRequestSchema, SubmitError } from '@podfleet/pipeline';
import {
  type CachedAnswer,
  cacheCounterKey,
  type DeliverySource,
  generateEpisode,
  readEpisodeCache,
} from '@podfleet/pregeneration';
import {
  episodeAudioPath,
  episodeChaptersPath,
  episodeTranscriptPath,
  episodeVersionAudioPath,
} from '@podfleet/webhooks';
import { type Request, type Response, Router } from 'express';
import { z } from 'zod';
import { page, pageArgs, pageQuerySchema } from '../http/pagination';
import { HttpProblem, notFound } from '../http/problem';
import { parseBody, parseQuery } from '../http/validate';
import { currentUser, ownerScope } from '../middleware/auth';
import { signedOrUser } from '../middleware/signed-media';
import { idempotencyKeySchema } from '../schemas';
import { assertQueueHasRoom } from '../services/backpressure';
import { CHAPTERS_CONTENT_TYPE, toJsonChapters } from '../services/chapters';
import { beforeHeaders, sentFromStart } from '../services/local-file';
import { enforceRateLimit } from '../services/rate-limit';
import { FleetStorageGauge, requesterWithRoom } from '../services/storage-room';
import { serveStoredMedia } from '../services/stored-media';
import {
  CONTENT_TYPES,
  readSegments,
  type Segment,
  TRANSCRIPT_FORMATS,
  type TranscriptFormat,
  toPodcastJson,
  toSrt,
  toText,
  toVtt,
} from '../services/transcript';
import { checkWebhookUrl } from '../services/webhook-url';
import type { RouteContext } from './context';
import { checkStyle } from './voices';

/** A client's listens of one episode count once per this many seconds. */
const LISTEN_DEDUP_SEC = 3600;
/** High-priority allowances count per UTC day. */
const DAY_MS = 24 * 3600 * 1000;
/** Daily/weekly answers say how the cache answered: hit (Redis), fallback (database), miss, bypass (forceRegenerate). */
export const CACHE_HEADER = 'X-Podfleet-Cache';

/** The value of a settled promise, or its error thrown. */
function settledValue<T>(result: PromiseSettledResult<T>): T {
  if (result.status === 'rejected') throw result.reason;
  return result.value;
}

const transcriptQuerySchema = z.object({ format: z.enum(TRANSCRIPT_FORMATS).default('json') });

export function episodesRouter(ctx: RouteContext): Router {
  const router = Router();
  const { db, guards, settings } = ctx;

  const findEpisode = async (req: Request): Promise<Episode> => {
    // Archived (expired) episodes are gone for their users: their objects sit under archive/.
    const episode = await db.episode.findFirst({
      where: { id: String(req.params.id), archivedAt: null, ...ownerScope(req) },
    });
    if (!episode) throw notFound('episode');
    return episode;
  };

  /** Each owner's media URL version: a user's comes with their key; the admin's views read them. */
  const urlVersionsOf = async (req: Request, userIds: string[]): Promise<(userId: string) => number> => {
    const p = req.principal;
    if (p?.kind === 'user') return () => p.mediaUrlVersion;
    const rows = await db.user.findMany({
      where: { id: { in: [...new Set(userIds)] } },
      select: { id: true, mediaUrlVersion: true },
    });
    const versions = new Map(rows.map((r) => [r.id, r.mediaUrlVersion]));
    return (userId) => versions.get(userId) ?? 1;
  };

  const ticket = (
    req: Request,
    res: Response,
    job: { id: string; status: string },
    deduplicated: boolean,
    replayed: boolean,
  ) => {
    const base = ctx.baseUrl(req);
    const pollUrl = `${base}/v1/jobs/${job.id}`;
    if (replayed) res.setHeader('Idempotent-Replayed', 'true');
    // A replay repeats the first answer, which made the job: `queued` (where it is now, pollUrl says).
    const status = replayed ? 'queued' : job.status;
    res
      .status(202)
      .location(pollUrl)
      .json({ jobId: job.id, status, pollUrl, eventsUrl: `${pollUrl}/events`, deduplicated });
  };

  /** CONTRACT: a cached episode is 200 `{cached, source: "cache", episode}`; the header tells Redis from the database. */
  const cachedAnswer = (req: Request, res: Response, answer: CachedAnswer) => {
    res.setHeader(CACHE_HEADER, answer.source === 'cache' ? 'hit' : 'fallback');
    res.json({
      cached: true,
      source: 'cache',
      episode: ctx.episodeView(req, answer.episode, currentUser(req).mediaUrlVersion),
    });
  };

  const fleetStorage = new FleetStorageGauge(db, settings.fleetStorageQuotaBytes);

  /**
   * What generateEpisode needs of the user, read fresh (saved sources and style, the current
   * timezone), once its storage quota is known to have room: 409 naming both figures otherwise;
   * 507 when the fleet's quota (STORAGE_QUOTA_BYTES) is used up.
   */
  const loadRequester = async (userId: string) => {
    const user = await requesterWithRoom(
      db,
      settings,
      userId,
      'new episodes can be made once older ones expire',
    );
    await fleetStorage.assertRoom();
    return user;
  };

  /** The Idempotency-Key header, validated (400 when malformed). */
  const idempotencyKeyOf = (req: Request): string | undefined => {
    const rawKey = req.get('idempotency-key');
    if (rawKey === undefined) return undefined;
    const parsed = idempotencyKeySchema.safeParse(rawKey);
    if (parsed.success) return parsed.data;
    throw new HttpProblem(400, {
      type: 'validation',
      detail: 'the Idempotency-Key header is invalid',
      errors: [{ path: 'Idempotency-Key', message: parsed.error.issues[0]?.message ?? 'invalid' }],
    });
  };

  /**
   * Jumping the queue takes an allowance the admin grants (PATCH /v1/users/:id
   * highPriorityPerDay): 403 without one or once today's is used up. Counted when asked for.
   */
  const useHighPriority = async (userId: string, perDay: number) => {
    const refused = (detail: string) =>
      new HttpProblem(403, { type: 'priority-not-allowed', detail, extra: { highPriorityPerDay: perDay } });
    if (perDay === 0) {
      throw refused('priority "high" needs an allowance the admin grants; ask without it (normal)');
    }
    const used = await ctx.rateLimiter.hit(`priority:${userId}`, perDay, Date.now(), DAY_MS);
    if (!used.allowed) {
      throw refused(`your ${perDay} high-priority requests for today are used up; ask with priority normal`);
    }
  };

  router.post('/v1/episodes', guards.user, async (req, res) => {
    const started = performance.now();
    const principal = currentUser(req);
    const userId = principal.userId;
    const request = parseBody(req, episodeRequestSchema);
    await checkStyle(ctx, request.style);
    const idempotencyKey = idempotencyKeyOf(req);
    const now = ctx.clock();
    const kind: EpisodeKind | null = request.type === 'custom' ? null : request.type;
    const cacheable = kind !== null && !request.forceRegenerate;
    const pipeline = ctx.pipelineFor(req);
    const lookUp = (k: EpisodeKind) =>
      readEpisodeCache(pipeline, { id: userId, timezone: principal.timezone }, k, now);
    /** After the answer is sent: how it was answered and how fast (time to first audio). */
    const delivered = (source: DeliverySource, ids: { jobId: string } | { episodeId: string }) =>
      ctx.deliveries.record(
        {
          userId,
          kind: request.type,
          source,
          ...ids,
          requestedAt: now,
          answerMs: performance.now() - started,
        },
        req.log,
      );

    // The rate limit leaves together with the first read the request needs (one round trip, not
    // two): today's episode from the cache, or the requester when a job is to be made. A request
    // with an Idempotency-Key first looks for its earlier job, after the limit.
    const cacheRead = kind && cacheable && !idempotencyKey ? lookUp(kind) : null;
    const requesterRead = !idempotencyKey && !cacheable ? loadRequester(userId) : null;
    const [limit, cached, requester] = await Promise.allSettled([
      ctx.rateLimiter.hit(`episodes:${userId}`, settings.userRequestsPerMinute),
      cacheRead,
      requesterRead,
    ]);
    const quota = settledValue(limit);
    if (!quota.allowed && cacheRead && cached.status === 'fulfilled') {
      // The lookup counted an answer that this refused request does not get.
      const counter = cached.value === null ? 'miss' : cached.value.source === 'cache' ? 'hit' : 'fallback';
      ctx.redis
        .decr(cacheCounterKey(settings.prefix, counter))
        .catch((err: unknown) => req.log.warn({ err }, 'could not take back a cache count'));
    }
    enforceRateLimit(res, quota, 'episode requests');

    if (idempotencyKey) {
      // A replay answers like the first request did, even while the queue is full.
      const first = await findIdempotentJob(db, userId, idempotencyKey);
      if (first) {
        ticket(req, res, first, true, true);
        delivered('joined', { jobId: first.id });
        return;
      }
    }

    // Today's (this week's) episode comes from the cache before any gate: a hit costs no quota
    // check, passes a full queue and never touches the database or BullMQ (the timezone comes
    // with the key lookup, cached in-process). Only a miss goes on to generate.
    if (kind) {
      const hit = !cacheable ? null : cacheRead ? settledValue(cached) : await lookUp(kind);
      if (hit) {
        cachedAnswer(req, res, hit);
        delivered('cache', { episodeId: hit.episode.id });
        return;
      }
      res.setHeader(CACHE_HEADER, cacheable ? 'miss' : 'bypass');
    }

    const user = settledValue(requester) ?? (await loadRequester(userId));
    if (request.priority === 'high') await useHighPriority(userId, user.highPriorityPerDay);
    if (request.webhookUrl) await checkWebhookUrl(request.webhookUrl, settings.allowPrivateUrls, req.log);
    await assertQueueHasRoom(ctx.queueDepth, settings.maxQueueSize);
    try {
      // The cache was looked in above: a miss (or a bypass) goes straight to making the job.
      const answer = await generateEpisode(pipeline, {
        user,
        request,
        now,
        ...(idempotencyKey ? { idempotencyKey } : {}),
      });
      if (answer.reusedFrom) {
        req.log.info(
          { jobId: answer.job.id, reusedFrom: answer.reusedFrom },
          'reusing the pre-generated script',
        );
      }
      const replayed =
        answer.deduplicated && !!idempotencyKey && answer.job.idempotencyKey === idempotencyKey;
      ticket(req, res, answer.job, answer.deduplicated, replayed);
      delivered(answer.deduplicated ? 'joined' : 'generated', { jobId: answer.job.id });
    } catch (err) {
      if (err instanceof SubmitError && err.code === 'NO_SOURCES') {
        throw new HttpProblem(422, {
          type: 'validation',
          detail: err.message,
          errors: [{ path: 'sources', message: 'name sources, or save some with PATCH /v1/me' }],
        });
      }
      throw err;
    }
  });

  router.get('/v1/episodes', guards.userOrAdmin, async (req, res) => {
    const query = parseQuery(req, pageQuerySchema);
    const rows = await db.episode.findMany(pageArgs(query, { ...ownerScope(req), archivedAt: null }));
    const { items, nextCursor } = page(rows, query.limit);
    const versionOf = await urlVersionsOf(
      req,
      items.map((e) => e.userId),
    );
    res.json({ items: items.map((e) => ctx.episodeView(req, e, versionOf(e.userId))), nextCursor });
  });

  router.get('/v1/episodes/:id', guards.userOrAdmin, async (req, res) => {
    const episode = await findEpisode(req);
    const versionOf = await urlVersionsOf(req, [episode.userId]);
    res.json(ctx.episodeView(req, episode, versionOf(episode.userId)));
  });

  /**
   * A valid `?exp=&sig=` for this episode's `pathOf` stands in for the Authorization header
   * (podcast apps send none): the audio, transcripts and chapters that feeds link.
   */
  const signedEpisodeOrUser = (pathOf: (episodeId: string, req: Request) => string) =>
    signedOrUser(ctx, 'the episode (or the feed)', async (req) => {
      const id = String(req.params.id);
      const owner = await db.episode.findUnique({
        where: { id },
        select: { user: { select: { mediaUrlVersion: true } } },
      });
      return owner && { signedPart: pathOf(id, req), mediaUrlVersion: owner.user.mediaUrlVersion };
    });

  /** Sends one version's MP3 (or redirects to it on S3); an audio fetch from the start counts as a listen. */
  const sendAudio = async (
    req: Request,
    res: Response,
    episode: Episode,
    media: { audioKey: string; mimeType: string },
  ) => {
    // Counted as the answer starts, not when it ends: a player that preloads the start and then
    // stops reading keeps that answer open until it drops the connection, maybe never.
    beforeHeaders(res, () => countListen(req, episode, sentFromStart(res, 1024)));
    const outcome = await serveStoredMedia(ctx.storage, res, {
      key: media.audioKey,
      contentType: media.mimeType,
      what: 'episode audio',
    });
    if (outcome === 'redirected') countListen(req, episode, true);
  };

  router.get('/v1/episodes/:id/audio', signedEpisodeOrUser(episodeAudioPath), async (req, res) => {
    const episode = await findEpisode(req);
    await sendAudio(req, res, episode, episode);
  });

  /**
   * One version's MP3: the current one (a re-rendered episode's feed enclosure) or one a
   * re-render replaced, until retention removes the episode.
   */
  router.get(
    '/v1/episodes/:id/versions/:version/audio',
    signedEpisodeOrUser((id, req) => episodeVersionAudioPath(id, Number(req.params.version))),
    async (req, res) => {
      const episode = await findEpisode(req);
      const version = Number(req.params.version);
      if (version === episode.version) {
        await sendAudio(req, res, episode, episode);
        return;
      }
      const replaced = Number.isSafeInteger(version)
        ? await db.episodeVersion.findUnique({
            where: { episodeId_version: { episodeId: episode.id, version } },
          })
        : null;
      if (!replaced) throw notFound('episode version');
      await sendAudio(req, res, episode, replaced);
    },
  );

  /**
   * An audio fetch from the start counts as a listen for pre-generation targeting (players'
   * tiny probe ranges and later seeks do not). Best effort: never fails the download.
   */
  const countListen = (req: Request, episode: Episode, fromStart: boolean) => {
    if (req.method !== 'GET' || !fromStart) return;
    recordListenOnce(req, episode).catch((err: unknown) =>
      req.log.warn({ err, episodeId: episode.id }, 'could not record the listen'),
    );
  };

  /**
   * Records a listen unless this client (its address) was counted for this episode within the
   * hour: replays, players that fetch twice and scripted loops do not inflate the figures.
   */
  const recordListenOnce = async (req: Request, episode: Episode): Promise<void> => {
    const client = createHash('sha256')
      .update(req.ip ?? req.socket.remoteAddress ?? '')
      .digest('base64url');
    const key = `${settings.prefix}:listened:${episode.id}:${client}`;
    if ((await ctx.redis.set(key, '1', 'EX', LISTEN_DEDUP_SEC, 'NX')) !== 'OK') return;
    try {
      await recordListen(db, episode.userId, episode.id);
    } catch (err) {
      // Not counted after all: the next fetch or POST from this client may count it.
      await ctx.redis.del(key).catch(() => {});
      throw err;
    }
  };

  const transcriptBodies: Record<TranscriptFormat, (episode: Episode, segments: Segment[]) => string> = {
    json: (episode, segments) => JSON.stringify({ episodeId: episode.id, segments }),
    'podcast-json': (_episode, segments) => toPodcastJson(segments),
    vtt: (_episode, segments) => toVtt(segments),
    srt: (_episode, segments) => toSrt(segments),
    txt: (_episode, segments) => toText(segments),
  };

  router.get('/v1/episodes/:id/transcript', signedEpisodeOrUser(episodeTranscriptPath), async (req, res) => {
    const { format } = parseQuery(req, transcriptQuerySchema);
    const episode = await findEpisode(req);
    res.type(CONTENT_TYPES[format]);
    res.send(transcriptBodies[format](episode, readSegments(episode.transcript)));
  });

  router.get('/v1/episodes/:id/chapters', signedEpisodeOrUser(episodeChaptersPath), async (req, res) => {
    const episode = await findEpisode(req);
    res.type(CHAPTERS_CONTENT_TYPE);
    res.send(toJsonChapters(episode.chapters));
  });

  router.post('/v1/episodes/:id/listens', guards.user, async (req, res) => {
    const episode = await findEpisode(req);
    await recordListenOnce(req, episode);
    res.status(204).end();
  });

  return router;
}
