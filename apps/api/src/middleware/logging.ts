import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '@podfleet/queue';
import { pinoHttp } from 'pino-http';

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

/**
 * pino-http: gives each request an id (X-Request-Id, echoed back) and a child logger `req.log`
 * that puts `requestId` on every line, and logs one line per finished request.
 */
export function requestLogging(logger: Logger) {
  return pinoHttp({
    logger,
    genReqId: requestIdFor,
    customAttributeKeys: { reqId: 'requestId' },
    quietReqLogger: true, // req.log binds only requestId; the completion line adds req/res
    customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : 'info'),
    autoLogging: {
      ignore: (req) => QUIET_PATHS.has((req.url ?? '').split('?')[0] ?? ''),
    },
    serializers: {
      req: (req: { id: unknown; method: string; url: string }) => ({
        method: req.method,
        url: redactUrl(req.url),
      }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
  });
}

/** Signed-URL signatures and feed tokens must not end up in logs. */
export function redactUrl(url: string): string {
  return url.replace(/([?&]sig=)[^&]*/g, '$1[redacted]').replace(/(\/v1\/feeds\/)[^/?.]+/g, '$1[redacted]');
}
