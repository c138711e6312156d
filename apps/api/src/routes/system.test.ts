import { Writable } from 'node:stream';
import { createPrismaClient } from '@podfleet/db';
import { FsStorageDriver, type HeadResult, STORAGE_PROBE_KEY } from '@podfleet/providers';
import { createLogger } from '@podfleet/queue';
import { makeTempDir, waitFor } from '@podfleet/test-kit';
import request from 'supertest';
import { makeEpisode, makeJob } from '../../test/fixtures';
import { ADMIN_KEY, bearer, startTestApi, type TestApi, testEnv } from '../../test/harness';
import { openSse } from '../../test/sse-client';
import { createApi } from '../app';

const env = testEnv(process.env, 'system');
let t: TestApi;
beforeAll(async () => {
  t = await startTestApi(env);
});
afterAll(() => t.close());

/** A log destination that keeps every line, parsed. */
function captureLogLines() {
  const lines: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { lines, destination };
}

const pick = ({ settings, redis, subscriber, storage }: TestApi) => ({
  settings,
  redis,
  subscriber,
  storage,
});

describe('/health', () => {
  it('is 200 when Redis, PostgreSQL and storage answer', async () => {
    const res = await request(t.app).get('/health').expect(200);
    expect(res.body).toEqual({ status: 'ok', redis: 'ok', db: 'ok', storage: 'ok' });
    // The storage probe wrote its object once; later checks only read it.
    expect(await t.storage.head(STORAGE_PROBE_KEY)).not.toBeNull();
  });

  it('is 503 naming storage when it fails or does not keep what was written', async () => {
    const temp = await makeTempDir();
    class FailingStorage extends FsStorageDriver {
      override async head(): Promise<HeadResult | null> {
        throw new Error('EIO: the volume is gone');
      }
    }
    class ForgetfulStorage extends FsStorageDriver {
      override async head(): Promise<HeadResult | null> {
        return null;
      }
    }
    try {
      for (const storage of [
        new FailingStorage({ dir: temp.dir }),
        new ForgetfulStorage({ dir: temp.dir }),
      ]) {
        const api = createApi({
          ...pick(t),
          db: t.db,
          storage,
          logger: createLogger({ app: 'api-test', level: 'silent' }),
        });
        try {
          const res = await request(api.app).get('/health').expect(503);
          expect(res.body).toMatchObject({
            redis: 'ok',
            db: 'ok',
            storage: 'down',
            detail: 'storage is down',
          });
        } finally {
          await api.close();
        }
      }
    } finally {
      await temp.remove();
    }
  });

  it('is 503 naming Redis when it is down', async () => {
    const down = await startTestApi(testEnv(process.env, 'system-down'), { redisUrl: 'redis://127.0.0.1:1' });
    try {
      const res = await request(down.app).get('/health').expect(503);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.headers['retry-after']).toBe('5');
      expect(res.body).toMatchObject({ status: 503, redis: 'down', db: 'ok', detail: 'redis is down' });
      // Metrics still answer (queue depths are left out while Redis is away).
      const metrics = await request(down.app).get('/metrics').expect(200);
      expect(metrics.text).toContain('podfleet_jobs{status="queued"}');
      expect(metrics.text).not.toContain('podfleet_queue_jobs{');
    } finally {
      await down.close();
    }
  });

  it('is 503 naming the database when it is down', async () => {
    const url = new URL(process.env.DATABASE_URL as string);
    url.port = '1'; // nothing listens there
    const unreachable = createPrismaClient(url.toString());
    const api = createApi({
      ...pick(t),
      db: unreachable,
      logger: createLogger({ app: 'api-test', level: 'silent' }),
    });
    try {
      const res = await request(api.app).get('/health').expect(503);
      expect(res.body).toMatchObject({ redis: 'ok', db: 'down', detail: 'db is down' });
    } finally {
      await api.close();
      await unreachable.$disconnect();
    }
  });
});

describe('/metrics', () => {
  it('exposes podfleet_ metrics: HTTP latency by route pattern, queue depth, jobs, stages, cache, cost', async () => {
    const { user, key } = await t.createUser();
    const job = await makeJob(t.db, user.id, 'completed');
    await t.db.jobStage.updateMany({
      where: { jobId: job.id },
      data: { status: 'completed', durationMs: 1500, finishedAt: new Date() },
    });
    await t.db.job.update({ where: { id: job.id }, data: { costUsd: 0.125 } });
    await request(t.app).get(`/v1/jobs/${job.id}`).set(bearer(key)).expect(200);
    await request(t.app)
      .post('/v1/episodes')
      .set(bearer(key))
      .send({ type: 'custom', sources: [{ kind: 'text', title: 'T', text: 'x' }] })
      .expect(202);

    const res = await request(t.app).get('/metrics').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    const text = res.text;
    expect(text).toMatch(
      /podfleet_http_request_duration_seconds_bucket\{le="[^"]+",method="GET",route="\/v1\/jobs\/:id",status_code="200"\}/,
    );
    expect(text).not.toContain(job.id);
    expect(text).toMatch(/podfleet_queue_jobs\{queue="scrape",state="prioritized"\} [1-9]/);
    expect(text).toMatch(/podfleet_queue_jobs\{queue="webhooks",state="waiting"\} 0/);
    expect(text).toMatch(/podfleet_jobs\{status="completed"\} [1-9]/);
    expect(text).toMatch(/podfleet_stage_duration_seconds\{stage="scrape",quantile="0.5"\} [\d.]+/);
    expect(text).toMatch(/podfleet_cache_hits_total\{source="redis"\} 0/);
    expect(text).toMatch(/podfleet_cache_misses_total 0/);
    expect(text).toMatch(/podfleet_cost_usd_total [\d.]+/);
    expect(text).toContain('podfleet_process_cpu_seconds_total');
  });

  it('reports how long the longest-waiting job in the queue has waited for its next stage', async () => {
    const { user } = await t.createUser();
    const hourAgo = new Date(Date.now() - 3600_000);
    const waiting = await makeJob(t.db, user.id, 'running');
    await t.db.job.update({
      where: { id: waiting.id },
      data: { enqueuedAt: new Date(Date.now() - 7200_000) },
    });
    // Its scrape stage finished an hour ago: it has waited since then, not since it was enqueued.
    await t.db.jobStage.updateMany({
      where: { jobId: waiting.id, stage: 'scrape' },
      data: { status: 'completed', finishedAt: hourAgo },
    });
    // Enqueued ten days ago but a stage runs right now: it is not waiting.
    const busy = await makeJob(t.db, user.id, 'running');
    await t.db.job.update({
      where: { id: busy.id },
      data: { enqueuedAt: new Date(Date.now() - 10 * 86_400_000) },
    });
    await t.db.jobStage.updateMany({
      where: { jobId: busy.id, stage: 'scrape' },
      data: { status: 'running' },
    });

    const oldest = async () => {
      const text = (await request(t.app).get('/metrics?name=podfleet_oldest_waiting_job_seconds').expect(200))
        .text;
      return Number(/^podfleet_oldest_waiting_job_seconds ([\d.e+]+)$/m.exec(text)?.[1]);
    };
    const seconds = await waitFor(
      async () => {
        const value = await oldest();
        return value >= 3600 ? value : undefined;
      },
      { what: 'the hour-old wait in the gauge' },
    );
    expect(seconds).toBeLessThan(7200);
  });

  it('?name= answers only the named metrics, and 400 for a name that is no metric', async () => {
    await request(t.app).get('/health').expect(200);
    const one = await request(t.app).get('/metrics?name=podfleet_http_request_duration_seconds').expect(200);
    expect(one.headers['content-type']).toMatch(/^text\/plain/);
    expect(one.text).toMatch(
      /podfleet_http_request_duration_seconds_bucket\{le="[^"]+",method="GET",route="\/health",status_code="200"\}/,
    );
    const names = new Set(
      one.text
        .split('\n')
        .filter((line) => line.startsWith('# TYPE '))
        .map((line) => line.split(' ')[2]),
    );
    expect([...names]).toEqual(['podfleet_http_request_duration_seconds']);

    const two = await request(t.app)
      .get('/metrics?name=podfleet_http_request_duration_seconds&name=podfleet_cache_misses_total')
      .expect(200);
    expect(two.text).toContain('# TYPE podfleet_http_request_duration_seconds histogram');
    expect(two.text).toMatch(/^podfleet_cache_misses_total \d+$/m);
    expect(two.text).not.toContain('podfleet_jobs{');

    const wrong = await request(t.app).get('/metrics?name=podfleet_nope').expect(400);
    expect(wrong.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(wrong.body.detail).toBe('no such metric: podfleet_nope');
    // A name of Object.prototype is no metric either (found by the contract fuzzer: it was a 500).
    for (const name of ['__proto__', 'constructor', 'toString'])
      expect((await request(t.app).get(`/metrics?name=${name}`)).status).toBe(400);
  });

  it('needs METRICS_TOKEN as Bearer when it is set; the admin key and user keys do not open it (issue #18)', async () => {
    const token = 'metrics-token-0123456789';
    const guarded = await startTestApi(testEnv(process.env, 'system-metrics'), {
      settings: { metricsToken: token },
    });
    try {
      const { key } = await guarded.createUser();
      const refused = await request(guarded.app).get('/metrics').expect(401);
      expect(refused.headers['www-authenticate']).toMatch(/^Bearer /);
      expect(refused.text).not.toContain('podfleet_');
      for (const wrong of [ADMIN_KEY, key, `${token}x`]) {
        await request(guarded.app).get('/metrics').set(bearer(wrong)).expect(401);
      }
      const res = await request(guarded.app).get('/metrics').set(bearer(token)).expect(200);
      expect(res.text).toContain('podfleet_http_request_duration_seconds');
    } finally {
      await guarded.close();
    }
  });
});

describe('OpenAPI and docs', () => {
  it('/openapi.json is OpenAPI 3.1 with every route and its schemas', async () => {
    const res = await request(t.app).get('/openapi.json').expect(200);
    const doc = res.body;
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info.title).toBe('podfleet API');
    const operations = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(
      ([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(operations.sort()).toEqual(
      [
        'POST /v1/users',
        'GET /v1/users/{id}',
        'PATCH /v1/users/{id}',
        'GET /v1/users',
        'GET /v1/users/{id}/keys',
        'DELETE /v1/users/{id}/keys/{keyId}',
        'GET /v1/me',
        'PATCH /v1/me',
        'POST /v1/me/feed-token',
        'GET /v1/me/podcast',
        'PATCH /v1/me/podcast',
        'PUT /v1/me/podcast/cover',
        'DELETE /v1/me/podcast/cover',
        'GET /v1/keys',
        'POST /v1/keys',
        'DELETE /v1/keys/{id}',
        'POST /v1/episodes',
        'GET /v1/episodes',
        'GET /v1/episodes/{id}',
        'GET /v1/episodes/{id}/audio',
        'HEAD /v1/episodes/{id}/audio',
        'GET /v1/episodes/{id}/transcript',
        'GET /v1/episodes/{id}/chapters',
        'GET /v1/episodes/{id}/script',
        'PUT /v1/episodes/{id}/script',
        'POST /v1/uploads',
        'GET /v1/episodes/{id}/versions',
        'GET /v1/episodes/{id}/versions/{version}/audio',
        'POST /v1/episodes/{id}/rerender',
        'POST /v1/episodes/{id}/listens',
        'POST /v1/episodes/{id}/clips',
        'GET /v1/episodes/{id}/clips',
        'GET /v1/clips/{id}',
        'GET /v1/clips/{id}/media',
        'DELETE /v1/clips/{id}',
        'POST /v1/feedback',
        'GET /v1/feedback',
        'GET /v1/storage/stats',
        'GET /v1/admin/archive',
        'POST /v1/admin/episodes/{id}/restore',
        'POST /v1/admin/clips/{id}/restore',
        'GET /v1/jobs',
        'GET /v1/jobs/{id}',
        'GET /v1/jobs/{id}/events',
        'GET /v1/jobs/{id}/history',
        'DELETE /v1/jobs/{id}',
        'POST /v1/jobs/{id}/retry',
        'GET /v1/admin/jobs',
        'GET /v1/admin/active-jobs',
        'GET /v1/admin/failures',
        'GET /v1/queue/stats',
        'GET /v1/stats',
        'GET /v1/voices',
        'GET /v1/feeds/{token}.xml',
        'GET /v1/feeds/{token}/cover.{extension}',
        'POST /v1/cron/pregenerate',
        'GET /samples/feed.xml',
        'GET /health',
        'GET /metrics',
        'GET /openapi.json',
        'GET /docs',
        'GET /admin/queues',
      ].sort(),
    );
    for (const name of [
      'EpisodeRequest',
      'Job',
      'Episode',
      'CachedEpisode',
      'Problem',
      'JobTicket',
      'User',
      'PregenerationRun',
      'Stats',
      'JobHistory',
      'AdminUser',
      'Failures',
      'ActiveJobs',
      'QueueStats',
      'PodcastShow',
      'UpdatePodcastShowRequest',
      'VoiceList',
      'ClipRequest',
      'Clip',
      'ClipList',
    ]) {
      expect(doc.components.schemas).toHaveProperty(name);
    }
    expect(doc.paths['/v1/episodes'].post.requestBody.content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/EpisodeRequest',
    });
    expect(doc.components.schemas.EpisodeRequest.properties.type.enum).toEqual(['daily', 'weekly', 'custom']);
    expect(Object.keys(doc.paths['/v1/jobs/{id}'].delete.responses)).toEqual(
      expect.arrayContaining(['200', '401', '404', '409']),
    );
    const submit = doc.paths['/v1/episodes'].post.responses;
    expect(submit['200'].content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/CachedEpisode',
    });
    expect(submit['200'].headers['X-Podfleet-Cache'].schema.enum).toEqual([
      'hit',
      'fallback',
      'miss',
      'bypass',
    ]);
    expect(submit['409'].description).toMatch(/quota/);
    expect(doc.paths['/v1/cron/pregenerate'].post.security).toEqual([{ cronSecret: [] }]);
    // Signed audio URLs need no credentials: an empty requirement beside the keys.
    expect(doc.paths['/v1/episodes/{id}/audio'].get.security).toEqual([{ apiKey: [] }, { adminKey: [] }, {}]);
    // Routes with a body answer what the body middleware answers; every route may answer 500.
    for (const op of [doc.paths['/v1/users'].post, doc.paths['/v1/me'].patch, doc.paths['/v1/keys'].post]) {
      expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['400', '413', '415', '422', '500']));
    }
    expect(Object.keys(doc.paths['/v1/jobs/{id}/events'].get.responses)).toContain('503');
    expect(doc.components.schemas.Health.properties.status.enum).toEqual(['ok']);
    expect(Object.keys(doc.paths['/v1/feeds/{token}.xml'].get.responses['200'].content)).toEqual([
      'application/rss+xml',
    ]);
    expect(Object.keys(doc.components.schemas.Stats.properties)).toEqual(
      expect.arrayContaining(['cache', 'pregeneration', 'costPerUserPerDay', 'timeToFirstAudio']),
    );
  });

  it('/docs is the Swagger UI reference over /openapi.json, its files served from this API', async () => {
    const res = await request(t.app).get('/docs').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    const sources = [...res.text.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1] ?? '');
    expect(sources).toEqual([
      '/docs/assets/swagger-ui.css',
      '/docs/assets/swagger-ui-bundle.js',
      '/docs/init.js',
    ]);
    expect(res.text).not.toMatch(/<script>|<style>|https?:\/\//); // nothing inline, nothing from elsewhere
    for (const source of sources) await request(t.app).get(source).expect(200);
    const init = await request(t.app).get('/docs/init.js').expect(200);
    expect(init.text).toContain("url: '/openapi.json'");
    // Only the two files the page loads, not the rest of the package.
    await request(t.app).get('/docs/assets/package.json').expect(404);
  });
});

describe('errors, request ids and headers', () => {
  it('unknown routes are a 404 problem', async () => {
    const res = await request(t.app).get('/v1/nothing-here').expect(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({
      type: 'urn:podfleet:problem:not-found',
      title: 'Not Found',
      status: 404,
      instance: '/v1/nothing-here',
    });
  });

  it('keeps a sane incoming X-Request-Id, replaces an unsafe one, and logs it on every line', async () => {
    const { lines, destination } = captureLogLines();
    const logged = await startTestApi(testEnv(process.env, 'system-logs'), { logDestination: destination });
    try {
      const ok = await request(logged.app).get('/v1/jobs').set('X-Request-Id', 'trace-abc.123').expect(401);
      expect(ok.headers['x-request-id']).toBe('trace-abc.123');
      expect(ok.body.requestId).toBe('trace-abc.123');
      const unsafe = await request(logged.app).get('/health').set('X-Request-Id', 'bad id "<x>"');
      expect(unsafe.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
      const requestLines = lines.filter((l) => l.req !== undefined);
      expect(requestLines.length).toBeGreaterThan(0);
      expect(requestLines.every((l) => typeof l.requestId === 'string')).toBe(true);
      expect(requestLines.find((l) => l.requestId === 'trace-abc.123')).toMatchObject({
        level: 'info',
        msg: 'request completed',
        req: { method: 'GET', url: '/v1/jobs' },
        res: { statusCode: 401 },
        responseTime: expect.any(Number),
      });
      // A healthy probe is not logged; the unsafe id was replaced before anything was logged.
      expect(requestLines.some((l) => (l.req as { url: string }).url === '/health')).toBe(false);
      expect(JSON.stringify(lines)).not.toContain('<x>');
      // A client that leaves a stream before it ends is logged as an aborted request.
      const { user, key } = await logged.createUser();
      const job = await makeJob(logged.db, user.id, 'running');
      const stream = await openSse(`${await logged.listen()}/v1/jobs/${job.id}/events`, bearer(key));
      expect(stream.status).toBe(200);
      stream.close();
      await waitFor(() => lines.some((l) => l.msg === 'request aborted'));
      expect(lines.find((l) => l.msg === 'request aborted')).toMatchObject({
        level: 'info',
        req: { method: 'GET', url: `/v1/jobs/${job.id}/events` },
        res: { statusCode: 200 },
      });
      await request(logged.app).get('/v1/episodes/x/audio?exp=1&sig=SECRETSIG').expect(403);
      expect(JSON.stringify(lines)).toContain('sig=[redacted]');
      expect(JSON.stringify(lines)).not.toContain('SECRETSIG');
      expect(JSON.stringify(lines)).not.toContain(ADMIN_KEY);
    } finally {
      await logged.close();
    }
  });

  it('puts the request id on the lines the job lifecycle logs for a request', async () => {
    const { lines, destination } = captureLogLines();
    const limited = await startTestApi(testEnv(process.env, 'system-lifecycle-logs'), {
      logDestination: destination,
      settings: { userMaxActiveJobs: 1 },
    });
    try {
      const { key } = await limited.createUser();
      const submit = () =>
        request(limited.app)
          .post('/v1/episodes')
          .set(bearer(key))
          .send({ type: 'custom', sources: [{ kind: 'text', title: 'T', text: 'Some text to talk about.' }] })
          .expect(202);
      await submit();
      const second = await submit(); // over the user's one slot: waits, and the lifecycle says so
      const waiting = lines.find((l) => l.msg === 'job waits for a free slot of its user');
      expect(waiting).toMatchObject({ jobId: second.body.jobId, requestId: second.headers['x-request-id'] });
    } finally {
      await limited.close();
    }
  });

  it('an unexpected error is a 500 problem with the request id, details only in the logs', async () => {
    class BrokenStorage extends FsStorageDriver {
      override async head(): Promise<HeadResult | null> {
        throw new Error('disk on fire at /secret/path');
      }
    }
    const temp = await makeTempDir();
    const { lines, destination } = captureLogLines();
    const broken = await startTestApi(testEnv(process.env, 'system-500'), {
      storage: new BrokenStorage({ dir: temp.dir }),
      logDestination: destination,
    });
    try {
      const { user, key } = await broken.createUser();
      const { episode } = await makeEpisode(broken.db, new FsStorageDriver({ dir: temp.dir }), user.id);
      const res = await request(broken.app)
        .get(`/v1/episodes/${episode.id}/audio`)
        .set(bearer(key))
        .expect(500);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({
        status: 500,
        title: 'Internal Server Error',
        requestId: res.headers['x-request-id'],
      });
      expect(res.body.detail).toContain(res.headers['x-request-id']);
      expect(JSON.stringify(res.body)).not.toContain('secret');
      const ofRequest = lines.filter((l) => l.requestId === res.headers['x-request-id']);
      expect(ofRequest).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ level: 'error', msg: 'unhandled error' }),
          expect.objectContaining({ level: 'error', msg: 'request completed', res: { statusCode: 500 } }),
        ]),
      );
      expect(JSON.stringify(ofRequest)).toContain('disk on fire at /secret/path');
    } finally {
      await broken.close();
      await temp.remove();
    }
  });

  it('sends helmet security headers and no CORS headers unless configured', async () => {
    const res = await request(t.app).get('/health').set('Origin', 'https://app.example.test').expect(200);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['x-powered-by']).toBeUndefined();
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('answers CORS for the configured origins only', async () => {
    const corsApi = await startTestApi(testEnv(process.env, 'system-cors'), {
      settings: { corsOrigins: ['https://app.example.test'] },
    });
    try {
      const preflight = await request(corsApi.app)
        .options('/v1/episodes')
        .set('Origin', 'https://app.example.test')
        .set('Access-Control-Request-Method', 'POST')
        .expect(204);
      expect(preflight.headers['access-control-allow-origin']).toBe('https://app.example.test');
      expect(preflight.headers['access-control-allow-headers']).toContain('Idempotency-Key');
      const other = await request(corsApi.app)
        .get('/health')
        .set('Origin', 'https://evil.example.test')
        .expect(200);
      expect(other.headers['access-control-allow-origin']).toBeUndefined();
    } finally {
      await corsApi.close();
    }
  });
});
