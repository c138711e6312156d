import { probeStorage } from '@podfleet/providers';
import { Router } from 'express';
import { HttpProblem } from '../http/problem';
import { parseQuery } from '../http/validate';
import { bearerToken, secretsEqual } from '../middleware/auth';
import { sendProblem } from '../middleware/errors';
import { openApiDocument } from '../openapi';
import { metricsQuerySchema } from '../schemas';
import type { RouteContext } from './context';

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

export function systemRouter(ctx: RouteContext): Router {
  const router = Router();
  let spec: object | undefined;

  /**
   * Redis PING, PostgreSQL SELECT 1 and the storage probe (see probeStorage), each with a short
   * timeout; 503 names what is down.
   */
  router.get('/health', async (req, res) => {
    const timeout = ctx.settings.healthTimeoutMs;
    const check = (what: string, probe: () => Promise<unknown>) =>
      withTimeout(probe(), timeout, what).then(
        () => 'ok' as const,
        (err: unknown) => {
          req.log.warn({ err }, `health: ${what} is down`);
          return 'down' as const;
        },
      );
    const [redis, db, storage] = await Promise.all([
      check('redis', () => ctx.redis.ping()),
      check('db', () => ctx.db.$queryRaw`SELECT 1`),
      check('storage', () => probeStorage(ctx.storage)),
    ]);
    res.setHeader('Cache-Control', 'no-store');
    if (redis === 'ok' && db === 'ok' && storage === 'ok') {
      res.json({ status: 'ok', redis, db, storage });
      return;
    }
    const names = Object.entries({ redis, db, storage }).flatMap(([name, state]) =>
      state === 'down' ? [name] : [],
    );
    const down = names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names.at(-1)}` : (names[0] ?? '');
    sendProblem(
      req,
      res,
      new HttpProblem(503, {
        type: 'unhealthy',
        detail: `${down} ${names.length > 1 ? 'are' : 'is'} down`,
        headers: { 'Retry-After': '5' },
        extra: { redis, db, storage },
      }),
    );
  });

  // `?name=` reads only those metrics: the latency histogram can be read often (a benchmark
  // round, a fast scrape) without the collectors that query PostgreSQL and Redis.
  router.get('/metrics', async (req, res) => {
    const { metricsToken } = ctx.settings;
    if (metricsToken !== undefined) {
      // Its own token, so a scraper holds nothing that opens the API (nor the admin key).
      await ctx.authenticator.refuseThrottled(req);
      const token = bearerToken(req.headers.authorization);
      if (token === null || !secretsEqual(token, metricsToken)) {
        await ctx.authenticator.countFailure(req);
        throw new HttpProblem(401, {
          type: 'unauthorized',
          detail: 'send METRICS_TOKEN as Authorization: Bearer <token>',
          headers: { 'WWW-Authenticate': 'Bearer realm="podfleet metrics"' },
        });
      }
    }
    const { name: names } = parseQuery(req, metricsQuerySchema);
    const { registry } = ctx.metrics;
    // By the registered names: getSingleMetric('__proto__') answers Object.prototype, not undefined.
    const registered = new Set(registry.getMetricsAsArray().map((metric) => metric.name));
    const unknown = names.filter((name) => !registered.has(name));
    if (unknown.length > 0) {
      throw new HttpProblem(400, {
        type: 'validation',
        detail: `no such metric: ${unknown.join(', ')}`,
        errors: unknown.map((name) => ({ path: 'name', message: `no metric is named ${name}` })),
      });
    }
    const body =
      names.length === 0
        ? await registry.metrics()
        : `${(await Promise.all(names.map((name) => registry.getSingleMetricAsString(name)))).join('\n')}\n`;
    res.setHeader('Content-Type', registry.contentType);
    res.send(body);
  });

  // Without PUBLIC_BASE_URL the server URL is relative: "wherever this document was fetched from".
  const serverUrl = ctx.settings.publicBaseUrl ?? '/';

  router.get('/openapi.json', (_req, res) => {
    spec ??= openApiDocument(serverUrl);
    res.json(spec);
  });

  return router;
}
