import { COVER_MAX_BYTES, inspectCover, removeUploadedCover, saveUploadedCover } from '@podfleet/artwork';
import { showUpdateData, showUpdateSchema } from '@podfleet/pregeneration';
import express, { type Request, Router } from 'express';
import { HttpProblem } from '../http/problem';
import { parseBody } from '../http/validate';
import { currentUserId } from '../middleware/auth';
import { feedBaseUrl, feedCoverUrl, loadShowWithCover } from '../services/podcast-show';
import type { RouteContext } from './context';

/** Upload types taken; the bytes decide what the image is. */
const COVER_UPLOAD_TYPES = ['image/png', 'image/jpeg', 'application/octet-stream'];
/** Read past the cover limit, so an image somewhat too large is told its size (422), not a bare 413. */
const COVER_READ_LIMIT_BYTES = 2 * COVER_MAX_BYTES;

/** How the user's feed presents their show: GET/PATCH the settings, PUT/DELETE their own cover. */
export function podcastShowRouter(ctx: RouteContext): Router {
  const router = Router();
  const { db, guards } = ctx;

  const loadUser = async (req: Request) => {
    const user = await db.user.findUnique({
      where: { id: currentUserId(req) },
      select: { id: true, name: true, style: true, feedToken: true, podcastShow: true },
    });
    if (!user)
      throw new HttpProblem(401, { type: 'unauthorized', detail: 'the user of this key no longer exists' });
    return user;
  };

  /** The show as its feed presents it (defaults filled in), with its cover and feed URLs. */
  const view = async (req: Request) => {
    const user = await loadUser(req);
    const { settings, cover } = await loadShowWithCover(ctx, user, user.podcastShow);
    const feedBase = feedBaseUrl(ctx.baseUrl(req), user.feedToken);
    return {
      ...settings,
      cover: { url: feedCoverUrl(feedBase, cover), mimeType: cover.mimeType, uploaded: cover.uploaded },
      feedUrl: `${feedBase}.xml`,
    };
  };

  router.get('/v1/me/podcast', guards.user, async (req, res) => {
    res.json(await view(req));
  });

  router.patch('/v1/me/podcast', guards.user, async (req, res) => {
    const data = showUpdateData(parseBody(req, showUpdateSchema));
    const userId = currentUserId(req);
    await db.podcastShow.upsert({ where: { userId }, create: { ...data, userId }, update: data });
    res.json(await view(req));
  });

  router.put(
    '/v1/me/podcast/cover',
    guards.user,
    (req, _res, next) => {
      if (!req.is(COVER_UPLOAD_TYPES)) {
        throw new HttpProblem(415, {
          type: 'unsupported-media-type',
          detail: 'send the image itself as the body (Content-Type image/png or image/jpeg)',
        });
      }
      next();
    },
    express.raw({ type: COVER_UPLOAD_TYPES, limit: COVER_READ_LIMIT_BYTES }),
    async (req, res) => {
      const bytes = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const check = inspectCover(bytes);
      if (!check.ok) {
        throw new HttpProblem(422, {
          type: 'validation',
          detail: `the cover is not accepted: ${check.problems.join('; ')}`,
          errors: check.problems.map((message) => ({ path: '(body)', message })),
        });
      }
      await saveUploadedCover(ctx, currentUserId(req), bytes, check.image);
      res.json(await view(req));
    },
  );

  router.delete('/v1/me/podcast/cover', guards.user, async (req, res) => {
    await removeUploadedCover(ctx, currentUserId(req));
    res.json(await view(req));
  });

  return router;
}
