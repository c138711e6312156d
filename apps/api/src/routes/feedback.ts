import type { Feedback } from '@podfleet/db';
import { Router } from 'express';
import type { z } from 'zod';
import { page, pageArgs } from '../http/pagination';
import { HttpProblem, notFound } from '../http/problem';
import { parseBody, parseQuery } from '../http/validate';
import { currentUserId } from '../middleware/auth';
import { feedbackBodySchema, feedbackQuerySchema, type feedbackSchema } from '../schemas';
import { enforceRateLimit } from '../services/rate-limit';
import type { RouteContext } from './context';

const toFeedbackView = (f: Feedback): z.infer<typeof feedbackSchema> => ({
  id: f.id,
  type: f.type as z.infer<typeof feedbackSchema>['type'],
  episodeId: f.episodeId,
  clipId: f.clipId,
  platform: f.platform as z.infer<typeof feedbackSchema>['platform'],
  rating: f.rating,
  comment: f.comment,
  createdAt: f.createdAt.toISOString(),
});

/**
 * POST /v1/feedback and GET /v1/feedback: a user's likes, dislikes, ratings, reports and comments
 * on their own episodes and clips. Clip likes and ratings teach that user's clip weights for the
 * clip's platform (learnedClipWeights in @podfleet/pipeline).
 */
export function feedbackRouter(ctx: RouteContext): Router {
  const router = Router();
  const { db, guards, settings } = ctx;

  router.post('/v1/feedback', guards.user, async (req, res) => {
    const userId = currentUserId(req);
    const body = parseBody(req, feedbackBodySchema);
    // Counted once the body is valid: the cap is on feedback given, not on mistakes.
    enforceRateLimit(
      res,
      await ctx.rateLimiter.hit(`feedback:${userId}`, settings.userFeedbackPerMinute),
      'pieces of feedback',
    );

    // Another user's episode or clip is "not found", as everywhere (ids are not confirmed).
    const [clip, episode] = await Promise.all([
      body.clipId
        ? db.clip.findFirst({
            where: { id: body.clipId, userId },
            select: { episodeId: true, platform: true },
          })
        : null,
      body.episodeId
        ? db.episode.findFirst({ where: { id: body.episodeId, userId }, select: { id: true } })
        : null,
    ]);
    if (body.clipId && !clip) throw notFound('clip');
    if (body.episodeId && !episode) throw notFound('episode');
    if (clip && body.episodeId && clip.episodeId !== body.episodeId) {
      throw new HttpProblem(422, {
        type: 'validation',
        detail: 'the clip is not one of this episode',
        errors: [{ path: 'episodeId', message: `clip ${body.clipId} was cut from another episode` }],
      });
    }

    const feedback = await db.feedback.create({
      data: {
        userId,
        episodeId: clip?.episodeId ?? body.episodeId ?? null,
        clipId: body.clipId ?? null,
        type: body.type,
        rating: body.rating ?? null,
        comment: body.comment ?? null,
        platform: clip?.platform ?? null,
      },
    });
    res.status(201).json(toFeedbackView(feedback));
  });

  router.get('/v1/feedback', guards.user, async (req, res) => {
    const query = parseQuery(req, feedbackQuerySchema);
    const rows = await db.feedback.findMany(
      pageArgs(query, {
        userId: currentUserId(req),
        ...(query.episodeId ? { episodeId: query.episodeId } : {}),
        ...(query.clipId ? { clipId: query.clipId } : {}),
      }),
    );
    const { items, nextCursor } = page(rows, query.limit);
    res.json({ items: items.map(toFeedbackView), nextCursor });
  });

  return router;
}
