// The HTTP face of a worker's health: GET (or HEAD) /livez and /readyz, JSON, 200 when every
// check is ok and 503 otherwise. Plain node:http: workers carry no web framework.
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HealthStatus, WorkerHealth } from './worker-health';

export interface HealthServer {
  readonly port: number;
  close(): Promise<void>;
}

function send(res: ServerResponse, code: number, body: unknown, withBody: boolean): void {
  const json = JSON.stringify(body);
  res.writeHead(code, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(json),
    'Cache-Control': 'no-store',
  });
  res.end(withBody ? json : undefined);
}

/** Listens on `port` (0: a free one) on every interface; rejects when it cannot. */
export function startHealthServer(health: WorkerHealth, { port }: { port: number }): Promise<HealthServer> {
  const routes = new Map<string, () => Promise<{ status: HealthStatus }>>([
    ['/livez', async () => health.liveness()],
    ['/readyz', () => health.readiness()],
  ]);
  const server = createServer((req, res) => {
    const route = routes.get(new URL(req.url ?? '/', 'http://health').pathname);
    const withBody = req.method !== 'HEAD';
    if (!route) return send(res, 404, { error: 'not found', endpoints: [...routes.keys()] }, withBody);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      return send(res, 405, { error: 'method not allowed' }, withBody);
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
