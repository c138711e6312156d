import { createApiKey, revokeApiKey } from '@podfleet/db';
import { Router } from 'express';
import { conflict, notFound } from '../http/problem';
import { parseBody } from '../http/validate';
import { currentUserId } from '../middleware/auth';
import { createKeyBodySchema } from '../schemas';
import { toApiKeyView } from '../services/views';
import type { RouteContext } from './context';

export function keysRouter({ db, guards, authenticator, settings }: RouteContext): Router {
  const router = Router();

  router.get('/v1/keys', guards.user, async (req, res) => {
    const keys = await db.apiKey.findMany({
      where: { userId: currentUserId(req), revokedAt: null },
      orderBy: { createdAt: 'desc' },
    });
    res.json({ items: keys.map(toApiKeyView) });
  });

  router.post('/v1/keys', guards.user, async (req, res) => {
    const body = parseBody(req, createKeyBodySchema);
    const userId = currentUserId(req);
    const limit = settings.userMaxApiKeys;
    const created = await db.$transaction(async (tx) => {
      // The user's row lock makes count-then-create one step: concurrent requests cannot both pass.
      await tx.$executeRaw`SELECT 1 FROM users WHERE id = ${userId} FOR UPDATE`;
      const active = await tx.apiKey.count({ where: { userId, revokedAt: null } });
      return active >= limit ? null : createApiKey(tx, userId, body.name ?? null);
    });
    if (!created) {
      throw conflict(
        `you have ${limit} active API keys, the most allowed; revoke one (DELETE /v1/keys/:id) first`,
      );
    }
    res.status(201).json({ apiKey: created.key, key: toApiKeyView(created.apiKey) });
  });

  router.delete('/v1/keys/:id', guards.user, async (req, res) => {
    const id = String(req.params.id);
    const revoked = await revokeApiKey(db, currentUserId(req), id);
    if (!revoked) throw notFound('API key');
    authenticator.forgetKey(id);
    res.status(204).end();
  });

  return router;
}
