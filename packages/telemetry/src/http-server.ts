// A server span per HTTP request, for the API: what it enqueues continues the request's trace.
// Plain node:http types, so it serves as Express middleware without depending on Express.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';

/**
 * Runs `next` inside a server span continuing the caller's `traceparent` header, if any. The span
 * is named `METHOD route` once the response closes (`route()` is the matched pattern, never the
 * raw URL: ids and signed tokens stay out of traces). Request and response events run in the
 * span's context too, so handlers behind a body parser and the request's log line see it.
 */
export function traceHttpRequest(
  req: IncomingMessage,
  res: ServerResponse,
  route: () => string,
  next: () => void,
): void {
  const method = req.method ?? 'GET';
  const parent = propagation.extract(ROOT_CONTEXT, req.headers);
  const span = trace
    .getTracer('podfleet')
    .startSpan(method, { kind: SpanKind.SERVER, attributes: { 'http.request.method': method } }, parent);
  if (!span.isRecording()) {
    next();
    return;
  }
  const active = trace.setSpan(parent, span);
  context.bind(active, req);
  context.bind(active, res);
  res.once('close', () => {
    const pattern = route();
    span.updateName(`${method} ${pattern}`);
    span.setAttributes({ 'http.route': pattern, 'http.response.status_code': res.statusCode });
    if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
  });
  context.with(active, next);
}
