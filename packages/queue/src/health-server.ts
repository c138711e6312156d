// The HTTP face of a worker's health: GET (or HEAD) /livez and /readyz, JSON, 200 when every
// check is ok and 503 otherwise; and /metrics, the process's Prometheus metrics. Plain node:http:
// workers carry no web framework.
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HealthStatus, WorkerHealth } from './worker-health';

export interface HealthServer {
  readonly port: number;
  close(): Promise<void>;
}

/** A Prometheus registry as the server reads it (prom-client's Registry). */
export interface MetricsSource {
  readonly contentType: string;
  metrics(): Promise<string>;
}

function send(
  res: ServerResponse,
  code: number,
  body: unknown,
  withBody: boolean,
  contentType = 'application/json; charset=utf-8',
): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(code, {
    'Content-Type': contentType,
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
  });
  res.end(withBody ? text : undefined);
}

/** Listens on `port` (0: a free one) on every interface; rejects when it cannot. */
export function startHealthServer(
  health: WorkerHealth,
  { port, metrics }: { port: number; metrics: MetricsSource },
): Promise<HealthServer> {
  const routes = new Map<string, () => Promise<{ status: HealthStatus }>>([
    ['/livez', async () => health.liveness()],
    ['/readyz', () => health.readiness()],
  ]);
  const endpoints = [...routes.keys(), '/metrics'];
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://health').pathname;
    const route = routes.get(path);
    const withBody = req.method !== 'HEAD';
    if (!route && path !== '/metrics') return send(res, 404, { error: 'not found', endpoints }, withBody);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      return send(res, 405, { error: 'method not allowed' }, withBody);
    }
    if (!route) {
      metrics.metrics().then(
        (text) => send(res, 200, text, withBody, metrics.contentType),
        (err: unknown) =>
          send(res, 500, { error: err instanceof Error ? err.message : String(err) }, withBody),
      );
      return;
    }
    route().then(
      (report) => send(res, report.status === 'ok' ? 200 : 503, report, withBody),
      (err: unknown) =>
        send(
          res,
          503,
          { status: 'unavailable', error: err instanceof Error ? err.message : String(err) },
          withBody,
        ),
    );
  });
  return new Promise((resolve, reject) => {
    server.once('error', (err) =>
      reject(new Error(`health server could not listen on port ${port}: ${err.message}`, { cause: err })),
    );
    server.listen(port, () => {
      resolve({
        port: (server.address() as AddressInfo).port,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            // Probes may hold keep-alive connections; nothing is worth waiting for at exit.
            server.closeAllConnections();
          }),
      });
    });
  });
}
