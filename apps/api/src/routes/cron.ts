import { runPregeneration } from '@podfleet/pregeneration';
import { Router } from 'express';
import type { RouteContext } from './context';

/**
 * Endpoints for an external scheduler (a platform cron, a CI job) when the fleet's own BullMQ
 * scheduler is not wanted, or to run pre-generation by hand. `Authorization: Bearer CRON_SECRET`.
 */
export function cronRouter(ctx: RouteContext): Router {
  const router = Router();

  /**
   * Every due user now (mode `all`), the same targeting and per-user/day uniqueness as the
   * schedule. Jobs go in at low priority; when the fleet already holds a batch of pre-generated
   * jobs, the rest is handed to a background `pregenerate` job (`deferred`) instead of waiting here.
   */
  router.post('/v1/cron/pregenerate', ctx.guards.cron, async (req, res) => {
    const summary = await runPregeneration(ctx.pipelineFor(req), {
      now: ctx.clock(),
      mode: 'all',
      deferWhenFull: true,
      quotaBytes: ctx.settings.userStorageQuotaBytes,
      fleetQuotaBytes: ctx.settings.fleetStorageQuotaBytes,
    });
    res.setHeader('Cache-Control', 'no-store');
    res.json(summary);
  });

  return router;
}
