import { traceHttpRequest } from '@podfleet/telemetry';
import type { Request, RequestHandler } from 'express';

/** The route pattern that matched (`/v1/jobs/:id`), never the raw URL: ids would explode metric labels and span names. */
export function routePattern(req: Request): string {
  return req.route ? `${req.baseUrl}${String(req.route.path)}` : req.baseUrl || 'unmatched';
}

/**
 * A server span per request when tracing is on; a job it submits continues the request's trace
 * through the API, the four stages and the webhook. First in the chain, so every other
 * middleware and the request's log line run inside it.
 */
export const requestTracing: RequestHandler = (req, res, next) =>
  traceHttpRequest(
    req,
    res,
    () => routePattern(req),
    () => next(),
  );
