// A local OTLP/HTTP receiver for tests (`@podfleet/telemetry/testing`): it stands in for a
// collector, decodes the JSON export requests and lists the spans. Never used by production code.
import { type FakeServer, type RecordedRequest, startHttpServer } from '@podfleet/test-kit';

type AttributeValue = string | number | boolean;

export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  /** '' for a trace's root span. */
  parentSpanId: string;
  name: string;
  /** OTLP SpanKind: 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number;
  /** OTLP status code: 0 unset, 1 ok, 2 error. */
  statusCode: number;
  /** The exporting process's `service.name`. */
  service: string;
  attributes: Record<string, AttributeValue>;
  links: Array<{ traceId: string; spanId: string }>;
}

export interface OtlpReceiver {
  /** What OTEL_EXPORTER_OTLP_ENDPOINT would be set to. */
  endpoint: string;
  /** Every span received so far, in arrival order. */
  spans(): ReceivedSpan[];
  /** How many export requests were not JSON-encoded OTLP traces on /v1/traces. */
  rejected(): number;
  /** The export requests as received (headers, raw body). */
  requests(): RecordedRequest[];
  close(): Promise<void>;
}

interface OtlpKeyValue {
  key: string;
  value: { stringValue?: string; intValue?: number | string; doubleValue?: number; boolValue?: boolean };
}

interface OtlpExport {
  resourceSpans?: Array<{
    resource?: { attributes?: OtlpKeyValue[] };
    scopeSpans?: Array<{
      spans?: Array<{
        traceId: string;
        spanId: string;
        parentSpanId?: string;
        name: string;
        kind: number;
        status?: { code?: number };
        attributes?: OtlpKeyValue[];
        links?: Array<{ traceId: string; spanId: string }>;
      }>;
    }>;
  }>;
}

function attributes(list: OtlpKeyValue[] | undefined): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  for (const { key, value } of list ?? []) {
    const v = value.stringValue ?? value.boolValue ?? value.doubleValue ?? value.intValue;
    if (v !== undefined) out[key] = typeof v === 'string' && value.intValue !== undefined ? Number(v) : v;
  }
  return out;
}

function decode(body: OtlpExport): ReceivedSpan[] {
  return (body.resourceSpans ?? []).flatMap((rs) => {
    const service = String(attributes(rs.resource?.attributes)['service.name'] ?? '');
    return (rs.scopeSpans ?? []).flatMap((ss) =>
      (ss.spans ?? []).map((s) => ({
        traceId: s.traceId,
        spanId: s.spanId,
        parentSpanId: s.parentSpanId ?? '',
        name: s.name,
        kind: s.kind,
        statusCode: s.status?.code ?? 0,
        service,
        attributes: attributes(s.attributes),
        links: (s.links ?? []).map((l) => ({ traceId: l.traceId, spanId: l.spanId })),
      })),
    );
  });
}

export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const received: ReceivedSpan[] = [];
  let rejected = 0;
  const server: FakeServer = await startHttpServer((req, res) => {
    const json = String(req.headers['content-type'] ?? '').startsWith('application/json');
    if (req.method !== 'POST' || req.url !== '/v1/traces' || !json) {
      rejected++;
      res.writeHead(415).end();
      return;
    }
    received.push(...decode(JSON.parse(req.body.toString('utf8')) as OtlpExport));
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
  return {
    endpoint: server.url,
    spans: () => [...received],
    rejected: () => rejected,
    requests: () => [...server.requests],
    close: () => server.close(),
  };
}
