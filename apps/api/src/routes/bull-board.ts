import { createHash } from 'node:crypto';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { QUEUE_NAMES } from '@podfleet/queue';
import { type RequestHandler, Router } from 'express';
import { HttpProblem } from '../http/problem';
import { verifyPassword } from '../services/password-hash';
import type { BoardUser } from '../settings';
import type { RouteContext } from './context';

export const BULL_BOARD_PATH = '/admin/queues';

type Role = 'operator' | 'viewer';

/** A verified Basic credential is trusted this long (scrypt is slow by design; the UI polls). */
const VERIFIED_TTL_MS = 10 * 60_000;
const VERIFIED_MAX = 1_000;

function basicCredentials(header: string | undefined): { name: string; password: string } | null {
  const match = header ? /^basic\s+(\S+)$/i.exec(header) : null;
  if (!match) return null;
  const decoded = Buffer.from(match[1] as string, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon > 0 ? { name: decoded.slice(0, colon), password: decoded.slice(colon + 1) } : null;
}

const askForCredentials = (detail: string) =>
  new HttpProblem(401, {
    type: 'unauthorized',
    detail,
    headers: { 'WWW-Authenticate': 'Basic realm="podfleet bull board", charset="UTF-8"' },
  });

/**
 * Bull Board over every queue of the catalog, for its own operators (BULL_BOARD_USERS: every
 * action) and viewers (BULL_BOARD_VIEWERS: the same pages, every action refused with 405), each
 * with a name and a password checked against its scrypt hash over HTTP Basic (browsers prompt).
 * The admin API key is not a password here. Failed logins share the API's per-address throttle.
 * With neither list set, the board does not exist (404).
 */
export function bullBoardRouter(ctx: RouteContext): Router {
  const router = Router();
  const { bullBoardUsers, bullBoardViewers } = ctx.settings;
  if (bullBoardUsers.length === 0 && bullBoardViewers.length === 0) return router;

  const boardFor = (readOnlyMode: boolean) => {
    const serverAdapter = new ExpressAdapter();
    serverAdapter.setBasePath(BULL_BOARD_PATH);
    createBullBoard({
      queues: QUEUE_NAMES.map((name) => new BullMQAdapter(ctx.pipeline.queues[name], { readOnlyMode })),
      serverAdapter,
      options: { uiConfig: { boardTitle: readOnlyMode ? 'podfleet (read-only)' : 'podfleet' } },
    });
    return serverAdapter.getRouter() as RequestHandler;
  };
  const boards: Record<Role, RequestHandler> = { operator: boardFor(false), viewer: boardFor(true) };

  const accounts = new Map<string, { hash: string; role: Role }>();
  const add = (users: BoardUser[], role: Role) => {
    for (const { name, hash } of users) accounts.set(name, { hash, role });
  };
  add(bullBoardViewers, 'viewer');
  add(bullBoardUsers, 'operator'); // a name in both lists is an operator
  /** sha256 of `name:password:hash` → role; the hash is in it, so a changed password is checked again. */
  const verified = new Map<string, { role: Role; until: number }>();

  const roleOf = async (name: string, password: string): Promise<Role | null> => {
    const account = accounts.get(name);
    if (!account) return null;
    const id = createHash('sha256').update(`${name}:${password}:${account.hash}`).digest('hex');
    const hit = verified.get(id);
    if (hit && hit.until > Date.now()) return hit.role;
    if (!(await verifyPassword(password, account.hash))) return null;
    if (verified.size >= VERIFIED_MAX) verified.delete(verified.keys().next().value as string);
    verified.set(id, { role: account.role, until: Date.now() + VERIFIED_TTL_MS });
    return account.role;
  };

  router.use(BULL_BOARD_PATH, async (req, res, next) => {
    const credentials = basicCredentials(req.headers.authorization);
    if (!credentials) throw askForCredentials('sign in with a Bull Board user name and password');
    await ctx.authenticator.refuseThrottled(req);
    const role = await roleOf(credentials.name, credentials.password);
    if (!role) {
      await ctx.authenticator.countFailure(req);
      throw askForCredentials('unknown Bull Board user or wrong password');
    }
    boards[role](req, res, next);
  });
  return router;
}
