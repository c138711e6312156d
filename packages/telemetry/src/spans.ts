// Spans and trace context as the rest of podfleet uses them. Every function works whether tracing
// was started or not: without a registered SDK the API hands out non-recording spans.
import {
  type Attributes,
  type Context,
  context,
  type Link,
  propagation,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';

export { type Attributes, type Span, SpanKind } from '@opentelemetry/api';

export interface SpanOptions {
  kind?: SpanKind;
  attributes?: Attributes;
  /** The parent; the active context by default. */
  parent?: Context;
  links?: Link[];
  /** Whether a throw marks the span failed; every throw does by default. */
  isFailure?: (err: unknown) => boolean;
}

// Looked up per span rather than once: a tracer taken before the SDK registers would stay a
// no-op (the API's proxy caches its first delegate), and tests start and stop tracing repeatedly.
const tracer = () => trace.getTracer('podfleet');

/** Marks the span failed with the error, the way every span here reports a throw. */
function recordFailure(span: Span, err: unknown): void {
  span.recordException(err instanceof Error ? err : String(err));
  span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
}

/**
 * Runs `fn` inside a new span (the parent of every span started while `fn` runs) and ends it when
 * `fn` settles; a throw marks the span failed (unless `isFailure` says otherwise) and is rethrown.
 */
export async function withSpan<T>(
  name: string,
  options: SpanOptions,
  fn: (span: Span) => Promise<T>,
): Promise<T> {
  const parent = options.parent ?? context.active();
  const span = tracer().startSpan(
    name,
    {
      kind: options.kind ?? SpanKind.INTERNAL,
      ...(options.attributes ? { attributes: options.attributes } : {}),
      ...(options.links ? { links: options.links } : {}),
    },
    parent,
  );
  try {
    return await context.with(trace.setSpan(parent, span), () => fn(span));
  } catch (err) {
    if (options.isFailure?.(err) ?? true) recordFailure(span, err);
    throw err;
  } finally {
    span.end();
  }
}

/**
 * A span that starts a trace of its own, linked to the current one. For work one trace causes
 * but that deserves its own: a job promoted when another ends, a re-enqueue by the reconciler.
 */
export function inNewTrace<T>(
  name: string,
  options: SpanOptions,
  fn: (span: Span) => Promise<T>,
): Promise<T> {
  const cause = trace.getSpanContext(context.active());
  return withSpan(
    name,
    { ...options, parent: ROOT_CONTEXT, ...(cause ? { links: [{ context: cause }] } : {}) },
    fn,
  );
}

/** The active span's W3C `traceparent`, to carry in a job payload; undefined when not tracing. */
export function currentTraceparent(): string | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent;
}

/** The context a job payload's `traceparent` names (the root context without one). */
export function contextFromTraceparent(traceparent: string | undefined): Context {
  return traceparent ? propagation.extract(ROOT_CONTEXT, { traceparent }) : ROOT_CONTEXT;
}

/** Sets attributes on the active span, if any (outcomes known only deep inside the work). */
export function setActiveSpanAttributes(attributes: Attributes): void {
  trace.getActiveSpan()?.setAttributes(attributes);
}

/** `trace_id` and `span_id` of the active span for a log line; nothing outside a trace. */
export function traceLogFields(): { trace_id?: string; span_id?: string } {
  const span = trace.getSpanContext(context.active());
  if (!span || !trace.isSpanContextValid(span)) return {};
  return { trace_id: span.traceId, span_id: span.spanId };
}
