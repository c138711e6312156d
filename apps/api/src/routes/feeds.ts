import { buildPodcastFeed } from '@podfleet/pregeneration';
import { episodeUrls } from '@podfleet/webhooks';
import { Router } from 'express';
import { newestFirst } from '../http/pagination';
import { notFound } from '../http/problem';
import type { RouteContext } from './context';

/** Items in a feed at most (retention usually keeps far fewer). */
const FEED_ITEMS = 200;
/** Feed tokens are UUIDs; anything much longer is not worth a lookup. */
const MAX_TOKEN_LENGTH = 128;

export function feedsRouter(ctx: RouteContext): Router {
  const router = Router();
  const { db } = ctx;

  /**
   * A user's private podcast feed. The token in the URL is the only credential (podcast apps send
   * no headers); rotating it (POST /v1/me/feed-token) makes this URL 404. Audio URLs are signed,
   * so episodes play without an Authorization header either.
   */
  router.get('/v1/feeds/:token.xml', async (req, res) => {
    const token = String(req.params.token);
    const user =
      token.length <= MAX_TOKEN_LENGTH
        ? await db.user.findUnique({
            where: { feedToken: token },
            select: { id: true, name: true, email: true },
          })
        : null;
    if (!user) throw notFound('feed');
    const now = ctx.clock();
    const episodes = await db.episode.findMany({
      where: { userId: user.id, OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] },
      orderBy: newestFirst,
      take: FEED_ITEMS,
      omit: { transcript: true },
    });
    const baseUrl = ctx.baseUrl(req);
    const xml = buildPodcastFeed({
      user,
      episodes,
      baseUrl,
      feedUrl: `${baseUrl}/v1/feeds/${encodeURIComponent(token)}.xml`,
      audioUrlFor: (episode) => episodeUrls(episode.id, { baseUrl, signer: ctx.mediaSigner }).audioUrl,
    });
    res.setHeader('Content-Type', 'application/rss+xml; charset=utf-8');
    // Podcast apps poll; the token must not end up in shared caches.
    res.setHeader('Cache-Control', 'private, max-age=300');
    res.send(xml);
  });

  return router;
}
