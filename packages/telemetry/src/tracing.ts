// Starts and stops OpenTelemetry tracing for one process. Without an endpoint nothing starts: the
// @opentelemetry/api calls the code makes stay no-ops (no span objects recorded, no exporter).
import { hostname } from 'node:os';
import { context, propagation, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';

export interface TracingOptions {
  /** `service.name` of every span: the app (api, scraper, audio, uploader). */
  serviceName: string;
  /** OTEL_EXPORTER_OTLP_ENDPOINT: the collector's OTLP/HTTP base URL; unset, tracing stays off. */
  endpoint?: string | undefined;
  /** OTEL_EXPORTER_OTLP_HEADERS, e.g. a hosted backend's API key. */
  headers?: Record<string, string> | undefined;
}

export interface Tracing {
  readonly enabled: boolean;
  /** Exports every span ended so far (tests; shutdown does it too). */
  flush(): Promise<void>;
  /** Exports what is left and unregisters the global tracer, context manager and propagator. */
  shutdown(): Promise<void>;
}

const OFF: Tracing = { enabled: false, flush: async () => {}, shutdown: async () => {} };

/** `http://collector:4318` → `http://collector:4318/v1/traces`, as the OTLP spec appends it. */
export function tracesUrl(endpoint: string): string {
  return `${endpoint.replace(/\/+$/, '')}/v1/traces`;
}

/**
 * Registers a tracer provider exporting OTLP/HTTP (JSON) in batches, with W3C trace-context
 * propagation and an AsyncLocalStorage context manager, so a span started in a job's processor is
 * the parent of everything awaited inside it.
 */
export function startTracing({ serviceName, endpoint, headers }: TracingOptions): Tracing {
  if (!endpoint) return OFF;
  const exporter = new OTLPTraceExporter({ url: tracesUrl(endpoint), headers: headers ?? {} });
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({
      [ATTR_SERVICE_NAME]: serviceName,
      // semconv's incubating service.instance.id: tells replicas of one app apart.
      'service.instance.id': `${hostname()}:${process.pid}`,
    }),
    spanProcessors: [new BatchSpanProcessor(exporter)],
  });
  provider.register();
  let stopped: Promise<void> | undefined;
  return {
    enabled: true,
    flush: () => provider.forceFlush(),
    shutdown() {
      stopped ??= provider.shutdown().finally(() => {
        trace.disable();
        context.disable();
        propagation.disable();
      });
      return stopped;
    },
  };
}
