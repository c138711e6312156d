import { createApiKey, revokeApiKey } from '@podfleet/db';
import { Router } from 'express';
import { notFound } from '../http/problem';
import { parseBody } from '../http/validate';
import { currentUserId } from '../middleware/auth';
import { createKeyBodySchema } from '../schemas';
import { toApiKeyView } from '../services/views';
import type { RouteContext } from './context';

export function keysRouter({ db, guards, authenticator }: RouteContext): Router {
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
    const { apiKey, key } = await createApiKey(db, currentUserId(req), body.name ?? null);
    res.status(201).json({ apiKey: key, key: toApiKeyView(apiKey) });
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
