import corsMiddleware from 'cors';
import type { RequestHandler } from 'express';

const ALLOWED_HEADERS = [
  'Authorization',
  'Content-Type',
  'Idempotency-Key',
  'X-Request-Id',
  'Last-Event-ID',
  'Range',
];
const EXPOSED_HEADERS = [
  'Retry-After',
  'X-Request-Id',
  'Location',
  'Idempotent-Replayed',
  'X-Podfleet-Cache',
  'Content-Range',
  'Accept-Ranges',
];

/** Passes every request on: no CORS headers at all. */
const noCors: RequestHandler = (_req, _res, next) => next();

/**
 * CORS for the listed origins only (`*` allows any); with no origins configured, no CORS headers
 * at all. With a list, every response carries `Vary: Origin` (also one to a request without
 * Origin), so a shared cache never hands an allowed origin a response made without its
 * Access-Control-Allow-Origin.
 */
export function cors(origins: readonly string[]): RequestHandler {
  if (origins.length === 0) return noCors;
  return corsMiddleware({
    origin: origins.includes('*') ? '*' : [...origins],
    methods: ['GET', 'HEAD', 'POST', 'PATCH', 'DELETE', 'OPTIONS'],
    allowedHeaders: ALLOWED_HEADERS,
    exposedHeaders: EXPOSED_HEADERS,
    maxAge: 600,
  });
}
