import { pipeline as pipe } from 'node:stream/promises';
import { buildPodcastFeed, feedValidators } from '@podfleet/pregeneration';
import { feedMediaUrls } from '@podfleet/webhooks';
import { Router } from 'express';
import { isNotModified } from '../http/conditional';
import { newestFirst } from '../http/pagination';
import { notFound } from '../http/problem';
import { feedBaseUrl, feedCoverUrl, loadShowWithCover } from '../services/podcast-show';
import type { RouteContext } from './context';

/** Items in a feed at most (retention usually keeps far fewer). */
const FEED_ITEMS = 200;
/** Feed tokens are UUIDs; anything much longer is not worth a lookup. */
const MAX_TOKEN_LENGTH = 128;
/** Podcast apps poll; the token in the URL must not end up in shared caches. */
const FEED_CACHE_CONTROL = 'private, max-age=300';
const COVER_CACHE_CONTROL = 'private, max-age=86400';

export function feedsRouter(ctx: RouteContext): Router {
  const router = Router();
  const { db } = ctx;

  /** The feed's owner, or 404: the token in the URL is the only credential (podcast apps send no headers). */
  const ownerOf = async (token: string) => {
    const user =
      token.length <= MAX_TOKEN_LENGTH
        ? await db.user.findUnique({
            where: { feedToken: token },
            select: {
              id: true,
              name: true,
              style: true,
              feedToken: true,
              mediaUrlVersion: true,
              podcastShow: true,
            },
          })
        : null;
    if (!user) throw notFound('feed');
    return user;
  };

  /**
   * A user's private podcast feed. Rotating the token (POST /v1/me/feed-token) makes this URL 404.
   * Enclosures, transcripts and chapters are signed URLs that stay valid while the episode is
   * listed (see feedUrlExpiry). Conditional GETs get 304 while the feed is unchanged.
   */
  router.get('/v1/feeds/:token.xml', async (req, res) => {
    const user = await ownerOf(String(req.params.token));
    const { settings, cover } = await loadShowWithCover(ctx, user, user.podcastShow);
    const now = ctx.clock();
    const episodes = await db.episode.findMany({
      where: { userId: user.id, archivedAt: null, OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] },
      orderBy: newestFirst,
      take: FEED_ITEMS,
      omit: { transcript: true },
    });
    const baseUrl = ctx.baseUrl(req);
    const feedBase = feedBaseUrl(baseUrl, user.feedToken);
    // Signatures use real time, like every signed URL (ctx.clock pins only what the feed lists).
    const signedAt = Date.now();
    const xml = buildPodcastFeed({
      show: settings,
      episodes,
      siteUrl: baseUrl,
      feedUrl: `${feedBase}.xml`,
      coverUrl: feedCoverUrl(feedBase, cover),
      mediaUrlsFor: (episode) =>
        feedMediaUrls(episode, {
          baseUrl,
          signer: ctx.mediaSigner,
          ttlSec: ctx.settings.signedUrlTtlSec,
          nowMs: signedAt,
          urlVersion: user.mediaUrlVersion,
        }),
    });
    const { etag, lastModified } = await feedValidators(
      ctx.redis,
      ctx.settings.prefix,
      user.id,
      xml,
      new Date(signedAt),
    );
    res.setHeader('Content-Type', 'application/rss+xml; charset=utf-8');
    res.setHeader('Cache-Control', FEED_CACHE_CONTROL);
    res.setHeader('ETag', etag);
    if (lastModified) res.setHeader('Last-Modified', lastModified.toUTCString());
    if (isNotModified(req, { etag, lastModified })) {
      res.status(304).end();
      return;
    }
    res.send(xml);
  });

  /** The show's cover, as the feed links it (`.png` or `.jpg`, whichever it is). */
  router.get('/v1/feeds/:token/cover.:extension', async (req, res) => {
    const user = await ownerOf(String(req.params.token));
    const { cover } = await loadShowWithCover(ctx, user, user.podcastShow);
    if (req.params.extension !== cover.extension) throw notFound('cover');
    const head = await ctx.storage.head(cover.key);
    if (!head) throw notFound('cover');
    res.setHeader('Content-Type', cover.mimeType);
    res.setHeader('Cache-Control', COVER_CACHE_CONTROL);
    const etag = `"${cover.checksum}"`;
    res.setHeader('ETag', etag);
    if (isNotModified(req, { etag })) {
      res.status(304).end();
      return;
    }
    res.setHeader('Content-Length', String(head.sizeBytes));
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    await pipe(await ctx.storage.get(cover.key), res);
  });

  return router;
}
