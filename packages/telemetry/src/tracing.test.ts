import { waitFor } from '@podfleet/test-kit';
import { contextFromTraceparent, currentTraceparent, inNewTrace, traceLogFields, withSpan } from './spans';
import { startOtlpReceiver } from './testing';
import { startTracing, tracesUrl } from './tracing';

describe('tracing', () => {
  it('stays off without an endpoint: spans record nothing and carry no context', async () => {
    const tracing = startTracing({ serviceName: 'test' });
    expect(tracing.enabled).toBe(false);
    await withSpan('work', {}, async (span) => {
      expect(span.isRecording()).toBe(false);
      expect(currentTraceparent()).toBeUndefined();
      expect(traceLogFields()).toEqual({});
    });
    await tracing.shutdown();
  });

  it('appends /v1/traces to the endpoint as the OTLP spec does', () => {
    expect(tracesUrl('http://collector:4318')).toBe('http://collector:4318/v1/traces');
    expect(tracesUrl('https://otlp.example.com/otlp/')).toBe('https://otlp.example.com/otlp/v1/traces');
  });

  it('exports spans over OTLP/HTTP JSON; a traceparent carried in a payload continues the trace', async () => {
    const receiver = await startOtlpReceiver();
    const tracing = startTracing({
      serviceName: 'tracing-test',
      endpoint: receiver.endpoint,
      headers: { 'x-api-key': 'k' },
    });
    try {
      let carried: string | undefined;
      let logged: ReturnType<typeof traceLogFields> = {};
      await withSpan('enqueue', {}, async () => {
        carried = currentTraceparent();
      });
      expect(carried).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
      // Another process, later: only the payload's traceparent links the two.
      await withSpan('process', { parent: contextFromTraceparent(carried) }, async () => {
        await withSpan('provider call', {}, async () => {
          logged = traceLogFields();
        });
        await inNewTrace('promoted job', {}, async () => {});
      });
      await expect(withSpan('fails', {}, async () => Promise.reject(new Error('boom')))).rejects.toThrow(
        'boom',
      );
      await tracing.flush();
      const spans = await waitFor(() => (receiver.spans().length >= 5 ? receiver.spans() : undefined), {
        what: 'five exported spans',
      });
      const byName = new Map(spans.map((s) => [s.name, s]));
      const enqueue = byName.get('enqueue')!;
      const process = byName.get('process')!;
      const call = byName.get('provider call')!;
      const promoted = byName.get('promoted job')!;
      expect(process.traceId).toBe(enqueue.traceId);
      expect(process.parentSpanId).toBe(enqueue.spanId);
      expect(call.parentSpanId).toBe(process.spanId);
      expect(logged).toEqual({ trace_id: enqueue.traceId, span_id: call.spanId });
      expect(promoted.traceId).not.toBe(enqueue.traceId);
      expect(promoted.parentSpanId).toBe('');
      expect(promoted.links).toEqual([{ traceId: enqueue.traceId, spanId: process.spanId }]);
      expect(byName.get('fails')?.statusCode).toBe(2);
      expect(enqueue.statusCode).toBe(0);
      expect(new Set(spans.map((s) => s.service))).toEqual(new Set(['tracing-test']));
      expect(receiver.rejected()).toBe(0);
      expect(receiver.requests()[0]?.headers['x-api-key']).toBe('k');
    } finally {
      await tracing.shutdown();
      await receiver.close();
    }
    // Stopped: the global API is back to no-ops.
    await withSpan('after', {}, async (span) => expect(span.isRecording()).toBe(false));
  });
});
