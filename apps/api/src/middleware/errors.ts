import { DATABASE_SOCKET_FAILURES } from '@podfleet/db';
import { isTransientDbError } from '@podfleet/pipeline';
import type { NextFunction, Request, Response } from 'express';
import { HttpProblem, serviceUnavailable } from '../http/problem';

/** Seconds a client should wait before retrying after a dependency failure. */
const DEPENDENCY_RETRY_AFTER_SEC = 5;

function prop(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

/** Walks `cause` links (driver errors arrive wrapped). */
function* causes(err: unknown): Generator<unknown> {
  for (let e = err, depth = 0; e && depth < 6; e = prop(e, 'cause'), depth++) yield e;
}

const REDIS_DOWN = /enableOfflineQueue|Connection is closed|Stream isn't writeable|Reached the max retries/;

function isRedisDown(err: unknown): boolean {
  for (const e of causes(err)) {
    if (prop(e, 'code') === 'REDIS_UNAVAILABLE' || prop(e, 'name') === 'MaxRetriesPerRequestError')
      return true;
    const message = prop(e, 'message');
    if (typeof message === 'string' && REDIS_DOWN.test(message)) return true;
  }
  return false;
}

/** The workers' classification (Prisma codes, adapter kinds, SQLSTATEs, pg's messages) plus bare sockets. */
function isDatabaseDown(err: unknown): boolean {
  if (isTransientDbError(err)) return true;
  for (const e of causes(err)) {
    if (prop(e, 'name') === 'PrismaClientInitializationError') return true;
    const code = prop(e, 'code');
    if (typeof code === 'string' && DATABASE_SOCKET_FAILURES.has(code)) return true;
  }
  return false;
}

const bodyTooLarge = (limit: string) =>
  new HttpProblem(413, { type: 'body-too-large', detail: `the request body is larger than ${limit}` });

/** Errors of express.json (body-parser) carry `type` and `status`. */
function bodyParserProblem(err: unknown): HttpProblem | null {
  const type = prop(err, 'type');
  if (type === 'entity.parse.failed') {
    return new HttpProblem(400, { type: 'malformed-json', detail: 'the request body is not valid JSON' });
  }
  if (type === 'entity.too.large') {
    const limit = prop(err, 'limit');
    return bodyTooLarge(typeof limit === 'number' ? `${limit} bytes` : 'allowed');
  }
  if (type === 'encoding.unsupported' || type === 'charset.unsupported') {
    return new HttpProblem(415, { type: 'unsupported-media-type', detail: String(prop(err, 'message')) });
  }
  const status = prop(err, 'status');
  if (typeof type === 'string' && typeof status === 'number' && status >= 400 && status < 500) {
    return new HttpProblem(status, { type: 'bad-request', detail: String(prop(err, 'message')) });
  }
  return null;
}

export function toProblem(err: unknown): HttpProblem | null {
  if (err instanceof HttpProblem) return err;
  const parsed = bodyParserProblem(err);
  if (parsed) return parsed;
  if (isRedisDown(err)) {
    return serviceUnavailable(
      'Redis is unavailable; try again shortly',
      DEPENDENCY_RETRY_AFTER_SEC,
      'redis-unavailable',
    );
  }
  if (isDatabaseDown(err)) {
    return serviceUnavailable(
      'the database is unavailable; try again shortly',
      DEPENDENCY_RETRY_AFTER_SEC,
      'database-unavailable',
    );
  }
  return null;
}

export function sendProblem(req: Request, res: Response, problem: HttpProblem): void {
  for (const [name, value] of Object.entries(problem.headers)) res.setHeader(name, value);
  res
    .status(problem.status)
    .type('application/problem+json')
    .send(JSON.stringify(problem.body(req.originalUrl.split('?')[0] ?? '/', String(req.id ?? ''))));
}

/** Unknown routes: a 404 problem like every other error. */
export function notFoundHandler(req: Request, res: Response): void {
  sendProblem(
    req,
    res,
    new HttpProblem(404, { type: 'not-found', detail: `no route for ${req.method} ${req.path}` }),
  );
}

/**
 * A path with a NUL or an escape that is not UTF-8 cannot name any resource; answering 404 here
 * keeps such bytes away from handlers and from PostgreSQL (which refuses them in text).
 */
export function rejectUnreadablePaths(req: Request, res: Response, next: NextFunction): void {
  let readable: boolean;
  try {
    readable = !decodeURIComponent(req.path).includes('\u0000');
  } catch {
    readable = false;
  }
  if (readable) next();
  else
    sendProblem(req, res, new HttpProblem(404, { type: 'not-found', detail: 'no resource has this path' }));
}

/** 413 for a body whose Content-Length is over `limitBytes`, whatever its type (express.json only sees JSON). */
export function refuseOversizedBodies(limitBytes: number) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const length = Number(req.headers['content-length'] ?? 0);
    if (!(length > limitBytes)) {
      next();
      return;
    }
    sendProblem(req, res, bodyTooLarge(`${limitBytes} bytes`));
  };
}

/** Last middleware: known errors become their problem, anything else a 500 whose details stay in the logs. */
export function errorHandler(err: unknown, req: Request, res: Response, next: NextFunction): void {
  if (res.headersSent) {
    req.log.error({ err }, 'error after the response started');
    next(err); // Express closes the connection
    return;
  }
  const problem = toProblem(err);
  if (problem) {
    if (problem.status >= 500) req.log.warn({ err }, problem.detail);
    sendProblem(req, res, problem);
    return;
  }
  req.log.error({ err }, 'unhandled error');
  sendProblem(
    req,
    res,
    new HttpProblem(500, {
      type: 'internal',
      detail: `an unexpected error occurred; quote request id ${String(req.id)} when reporting it`,
    }),
  );
}
