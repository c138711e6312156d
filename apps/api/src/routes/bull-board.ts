import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { QUEUE_NAMES } from '@podfleet/queue';
import { Router } from 'express';
import type { RouteContext } from './context';

export const BULL_BOARD_PATH = '/admin/queues';

/** Bull Board over every queue of the catalog, behind admin HTTP Basic auth (browsers prompt for it). */
export function bullBoardRouter(ctx: RouteContext): Router {
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(BULL_BOARD_PATH);
  createBullBoard({
    queues: QUEUE_NAMES.map((name) => new BullMQAdapter(ctx.pipeline.queues[name])),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'podfleet' } },
  });
  const router = Router();
  router.use(BULL_BOARD_PATH, ctx.guards.adminBasic, serverAdapter.getRouter());
  return router;
}
