import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '@podfleet/queue';
import type { Express, RequestHandler } from 'express';

declare module 'node:http' {
  interface IncomingMessage {
    /** The request id (X-Request-Id), set by the request-logging middleware. */
    id: string;
    /** A logger that puts `requestId` on every line; made on first use. */
    log: Logger;
  }
}

/** An incoming X-Request-Id is kept when it looks like an id (no spaces, quotes or control characters). */
const SANE_REQUEST_ID = /^[A-Za-z0-9._:@-]{1,128}$/;

export function requestIdFor(req: IncomingMessage, res: ServerResponse): string {
  const incoming = req.headers['x-request-id'];
  const id = typeof incoming === 'string' && SANE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
  res.setHeader('X-Request-Id', id);
  return id;
}

/** Paths probed constantly by infrastructure: logged only when they fail. */
const QUIET_PATHS = new Set(['/health', '/metrics']);

const startedAt = Symbol('startedAt');
const childLogger = Symbol('childLogger');
type LoggedRequest = IncomingMessage & { [startedAt]?: number; [childLogger]?: Logger };

/**
 * Gives each request an id (X-Request-Id, echoed back) and `req.log`, and logs one line per
 * finished request (`request completed`, at error for 5xx) or per request the client left before
 * its answer ended (`request aborted`: an SSE client going away, a download stopped). The child
 * logger is made only when something logs through it: a request that logs nothing allocates no
 * logger, which keeps busy keep-alive connections cheap to hold.
 */
export function requestLogging(app: Express, logger: Logger): RequestHandler {
  Object.defineProperty(app.request, 'log', {
    configurable: true,
    get(this: LoggedRequest): Logger {
      this[childLogger] ??= logger.child({ requestId: this.id });
      return this[childLogger];
    },
  });

  function onClose(this: ServerResponse) {
    const req = this.req as LoggedRequest;
    const finished = this.writableFinished;
    const level = this.statusCode >= 500 ? 'error' : 'info';
    if (!logger.isLevelEnabled(level)) return;
    const url = req.url ?? '';
    if (level === 'info' && finished && QUIET_PATHS.has(url.split('?')[0] ?? '')) return;
    // The middleware stamps the start before it adds this listener.
    const responseTime = Math.round(performance.now() - req[startedAt]!);
    req.log[level](
      {
        req: { method: req.method, url: redactUrl(url) },
        res: { statusCode: this.statusCode },
        responseTime,
      },
      finished ? 'request completed' : 'request aborted',
    );
  }

  return (req, res, next) => {
    (req as LoggedRequest)[startedAt] = performance.now();
    req.id = requestIdFor(req, res);
    res.once('close', onClose);
    next();
  };
}

/** Signed-URL signatures and feed tokens must not end up in logs. */
export function redactUrl(url: string): string {
  return url.replace(/([?&]sig=)[^&]*/g, '$1[redacted]').replace(/(\/v1\/feeds\/)[^/?.]+/g, '$1[redacted]');
}
