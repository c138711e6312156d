import {
  createApiKey,
  isUniqueViolation,
  Prisma,
  revokeApiKey,
  rotateFeedToken,
  type User,
} from '@podfleet/db';
import { quotaStatus, storageUsedByUser } from '@podfleet/pregeneration';
import { userWebhookSecret } from '@podfleet/webhooks';
import { type Request, Router } from 'express';
import { page, pageArgs } from '../http/pagination';
import { conflict, HttpProblem, notFound } from '../http/problem';
import { parseBody, parseQuery } from '../http/validate';
import { currentUserId } from '../middleware/auth';
import { createUserBodySchema, updateMeBodySchema, updateUserBodySchema, usersQuerySchema } from '../schemas';
import { toApiKeyView, toUserView } from '../services/views';
import { checkWebhookUrl } from '../services/webhook-url';
import type { RouteContext } from './context';
import { checkStyle } from './voices';

/** The column holds bytes as bigint; null means the fleet default. */
const quotaColumn = (bytes: number | null) => (bytes === null ? null : BigInt(bytes));

export function usersRouter(ctx: RouteContext): Router {
  const router = Router();
  const { db, guards } = ctx;

  const me = (req: Request, user: User) => ({
    user: toUserView(user),
    feedUrl: `${ctx.baseUrl(req)}/v1/feeds/${user.feedToken}.xml`,
    webhookSecret: userWebhookSecret(ctx.webhookKey, user.id),
  });

  router.post('/v1/users', guards.admin, async (req, res) => {
    const body = parseBody(req, createUserBodySchema);
    if (body.webhookUrl) await checkWebhookUrl(body.webhookUrl, ctx.settings.allowPrivateUrls, req.log);
    await checkStyle(ctx, body.style);
    try {
      const { user, apiKey, key } = await db.$transaction(async (tx) => {
        const user = await tx.user.create({
          data: {
            email: body.email.toLowerCase(),
            name: body.name ?? null,
            ...(body.timezone ? { timezone: body.timezone } : {}),
            ...(body.dailyEnabled === undefined ? {} : { dailyEnabled: body.dailyEnabled }),
            ...(body.weeklyEnabled === undefined ? {} : { weeklyEnabled: body.weeklyEnabled }),
            ...(body.sources ? { sources: body.sources as Prisma.InputJsonValue } : {}),
            ...(body.style ? { style: body.style as Prisma.InputJsonValue } : {}),
            webhookUrl: body.webhookUrl ?? null,
            ...(body.pregenerateTier ? { pregenerateTier: body.pregenerateTier } : {}),
            ...(body.storageQuotaBytes === undefined
              ? {}
              : { storageQuotaBytes: quotaColumn(body.storageQuotaBytes) }),
          },
        });
        return { user, ...(await createApiKey(tx, user.id, 'default')) };
      });
      res.status(201).json({ user: toUserView(user), apiKey: key, key: toApiKeyView(apiKey) });
    } catch (err) {
      // The only other unique column, feed_token, is random: a violation here is the email.
      if (isUniqueViolation(err)) {
        throw conflict(`a user with email ${body.email.toLowerCase()} already exists`);
      }
      throw err;
    }
  });

  /** The admin's view of a user: the profile and where they stand against their storage quota. */
  const adminView = async (user: User) => {
    const used = await storageUsedByUser(db, [user.id]);
    const quota = quotaStatus(
      used.get(user.id) ?? 0,
      user.storageQuotaBytes,
      ctx.settings.userStorageQuotaBytes,
    );
    return { user: toUserView(user), storage: quota };
  };

  router.get('/v1/users', guards.admin, async (req, res) => {
    const query = parseQuery(req, usersQuerySchema);
    const where = query.q ? { email: { contains: query.q, mode: 'insensitive' as const } } : {};
    const rows = await db.user.findMany(pageArgs(query, where));
    const { items, nextCursor } = page(rows, query.limit);
    res.json({ items: items.map(toUserView), nextCursor });
  });

  // A user's keys as the operator sees them: prefixes only, and revocable (a leaked key).
  router.get('/v1/users/:id/keys', guards.admin, async (req, res) => {
    const user = await db.user.findUnique({ where: { id: String(req.params.id) }, select: { id: true } });
    if (!user) throw notFound('user');
    const keys = await db.apiKey.findMany({
      where: { userId: user.id, revokedAt: null },
      orderBy: { createdAt: 'desc' },
    });
    res.json({ items: keys.map(toApiKeyView) });
  });

  router.delete('/v1/users/:id/keys/:keyId', guards.admin, async (req, res) => {
    const keyId = String(req.params.keyId);
    const revoked = await revokeApiKey(db, String(req.params.id), keyId);
    if (!revoked) throw notFound('API key');
    ctx.authenticator.forgetKey(keyId);
    res.status(204).end();
  });

  router.get('/v1/users/:id', guards.admin, async (req, res) => {
    const user = await db.user.findUnique({ where: { id: String(req.params.id) } });
    if (!user) throw notFound('user');
    res.json(await adminView(user));
  });

  /** Operators set what users cannot: pre-generation tier, storage quota, high-priority allowance. */
  router.patch('/v1/users/:id', guards.admin, async (req, res) => {
    const body = parseBody(req, updateUserBodySchema);
    const { count } = await db.user.updateMany({
      where: { id: String(req.params.id) },
      data: {
        ...(body.pregenerateTier ? { pregenerateTier: body.pregenerateTier } : {}),
        ...(body.storageQuotaBytes === undefined
          ? {}
          : { storageQuotaBytes: quotaColumn(body.storageQuotaBytes) }),
        ...(body.highPriorityPerDay === undefined ? {} : { highPriorityPerDay: body.highPriorityPerDay }),
      },
    });
    const user = count === 1 ? await db.user.findUnique({ where: { id: String(req.params.id) } }) : null;
    if (!user) throw notFound('user');
    res.json(await adminView(user));
  });

  /** Read fresh: the key lookup may come from a cache, the profile must not. */
  const loadUser = async (req: Request): Promise<User> => {
    const user = await db.user.findUnique({ where: { id: currentUserId(req) } });
    if (!user)
      throw new HttpProblem(401, { type: 'unauthorized', detail: 'the user of this key no longer exists' });
    return user;
  };

  router.get('/v1/me', guards.user, async (req, res) => {
    res.json(me(req, await loadUser(req)));
  });

  router.patch('/v1/me', guards.user, async (req, res) => {
    const body = parseBody(req, updateMeBodySchema);
    if (body.webhookUrl) await checkWebhookUrl(body.webhookUrl, ctx.settings.allowPrivateUrls, req.log);
    await checkStyle(ctx, body.style);
    const user = await db.user.update({
      where: { id: currentUserId(req) },
      data: {
        ...(body.name === undefined ? {} : { name: body.name }),
        ...(body.timezone === undefined ? {} : { timezone: body.timezone }),
        ...(body.dailyEnabled === undefined ? {} : { dailyEnabled: body.dailyEnabled }),
        ...(body.weeklyEnabled === undefined ? {} : { weeklyEnabled: body.weeklyEnabled }),
        ...(body.sources === undefined ? {} : { sources: body.sources as Prisma.InputJsonValue }),
        ...(body.style === undefined
          ? {}
          : { style: body.style === null ? Prisma.DbNull : (body.style as Prisma.InputJsonValue) }),
        ...(body.webhookUrl === undefined ? {} : { webhookUrl: body.webhookUrl }),
      },
    });
    // The key cache holds the timezone (it decides which day's cached episode answers).
    if (body.timezone !== undefined) ctx.authenticator.forgetUser(user.id);
    res.json(me(req, user));
  });

  /**
   * Rotates the feed token: the old feed URL stops working at once, and so does every signed media
   * URL handed out before (the media URL version moves; cached key lookups of the user are dropped).
   */
  router.post('/v1/me/feed-token', guards.user, async (req, res) => {
    await rotateFeedToken(db, currentUserId(req));
    ctx.authenticator.forgetUser(currentUserId(req));
    res.json(me(req, await loadUser(req)));
  });

  return router;
}
