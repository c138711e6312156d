import { metricsRegistry } from '@podfleet/telemetry';
import { waitFor } from '@podfleet/test-kit';
import { type Queue, UnrecoverableError } from 'bullmq';
import type { Redis } from 'ioredis';
import { blockEventLoop, deferred, workerRuntimesPerTest } from '../test/support';
import type { LivenessReport, ReadinessReport } from './worker-health';
import type { WorkerRuntime } from './worker-runtime';

const payload = (jobId: string) => ({ jobId, run: 1, userId: 'u1' });

// Readiness while Redis is unreachable is tested on a real process (worker-runtime.test.ts): a
// runtime that never reached Redis keeps its workers' connections retrying after close().
describe('worker health server', () => {
  let redis: Redis;
  let prefix: string;
  let scrape: Queue;
  const start = workerRuntimesPerTest('health', (env) => ({ redis, prefix, scrape } = env), {
    app: 'health-test',
    health: { port: 0, maxEventLoopLagMs: 2_000 },
  });

  const get = async <T = ReadinessReport>(runtime: WorkerRuntime, path: string, method = 'GET') => {
    const res = await fetch(`http://127.0.0.1:${await runtime.healthPort}${path}`, { method });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T, headers: res.headers };
  };

  it('answers /readyz 200 with every check once all workers run, and logs its port in the ready line', async () => {
    const { runtime, lines } = start({ scrape: async () => 1, upload: async () => 2 });
    await runtime.ready;
    const ready = await get(runtime, '/readyz');
    expect(ready.status).toBe(200);
    expect(ready.headers.get('content-type')).toMatch(/^application\/json/);
    expect(ready.body).toEqual({
      status: 'ok',
      checks: {
        redis: { status: 'ok', latencyMs: expect.any(Number) },
        workers: { status: 'ok', queues: { scrape: 'running', upload: 'running' } },
        eventLoop: { status: 'ok', lagMs: expect.any(Number), maxLagMs: 2_000 },
        shutdown: { status: 'ok', shuttingDown: false },
      },
    });
    const port = await runtime.healthPort;
    expect(port).toBeGreaterThan(0);
    expect(lines.find((l) => l.msg === 'ready')).toMatchObject({
      healthPort: port,
      queues: ['scrape', 'upload'],
    });
    expect(lines.find((l) => l.msg === 'health server listening')).toMatchObject({ port });
  });

  it('answers /readyz 503 from the moment close() begins while a job still runs; /livez stays 200', async () => {
    const started = deferred();
    const release = deferred();
    const { runtime } = start({
      scrape: async () => {
        started.resolve();
        await release.promise;
      },
    });
    await runtime.ready;
    await scrape.add('scrape', payload('held'), { jobId: 'held' });
    await started.promise;
    expect((await get(runtime, '/readyz')).status).toBe(200);

    const closed = runtime.close();
    const ready = await get(runtime, '/readyz');
    expect(ready.status).toBe(503);
    expect(ready.body.checks.shutdown).toEqual({ status: 'unavailable', shuttingDown: true });
    expect(ready.body.checks.workers).toEqual({ status: 'unavailable', queues: { scrape: 'closing' } });
    expect(ready.body.checks.redis.status).toBe('ok');
    expect((await get(runtime, '/livez')).status).toBe(200);
    expect(await scrape.getJobState('held')).toBe('active');

    release.resolve();
    await closed;
    // Closed with the runtime: nothing answers any more.
    await expect(get(runtime, '/livez')).rejects.toThrow();
  });

  it('turns /livez and /readyz 503 after the event loop stalled past the bound, 200 again once it turns', async () => {
    const { runtime } = start({ scrape: async () => 1 }, { health: { port: 0, maxEventLoopLagMs: 150 } });
    await runtime.ready;
    blockEventLoop(500);
    const live = await get<LivenessReport>(runtime, '/livez');
    expect(live.status).toBe(503);
    expect(live.body.checks.eventLoop).toEqual({
      status: 'unavailable',
      lagMs: expect.any(Number),
      maxLagMs: 150,
    });
    expect(live.body.checks.eventLoop.lagMs).toBeGreaterThan(150);
    const ready = await get(runtime, '/readyz');
    expect(ready.status).toBe(503);
    expect(ready.body.checks.eventLoop.status).toBe('unavailable');
    expect(ready.body.checks.redis.status).toBe('ok');
    await waitFor(async () => (await get(runtime, '/livez')).status === 200, {
      what: 'liveness back once the stall left the window',
    });
  });

  it('answers 404 elsewhere, 405 to other methods, and HEAD with the status alone', async () => {
    const { runtime } = start({ scrape: async () => 1 });
    await runtime.ready;
    const missing = await get<{ endpoints: string[] }>(runtime, '/health');
    expect(missing.status).toBe(404);
    expect(missing.body.endpoints).toEqual(['/livez', '/readyz', '/metrics']);
    const post = await get(runtime, '/readyz', 'POST');
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    const head = await get(runtime, '/readyz?verbose=1', 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body).toBeUndefined();
  });

  it('serves the Prometheus metrics of the jobs it ran on /metrics', async () => {
    metricsRegistry.resetMetrics();
    const { runtime } = start({
      scrape: async ({ jobId }) => {
        if (jobId === 'bad') throw new UnrecoverableError('[SOURCE_EMPTY] nothing to read');
        return 1;
      },
    });
    await runtime.ready;
    await scrape.add('scrape', payload('good'), { jobId: 'good' });
    await scrape.add('scrape', payload('bad'), { jobId: 'bad' });
    const metrics = async () => {
      const res = await fetch(`http://127.0.0.1:${await runtime.healthPort}/metrics`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      return res.text();
    };
    const text = await waitFor(
      async () => {
        const body = await metrics();
        return /podfleet_worker_jobs_total\{queue="scrape",outcome="failed"/.test(body) ? body : undefined;
      },
      { what: 'both jobs counted' },
    );
    expect(text).toContain('podfleet_worker_jobs_total{queue="scrape",outcome="completed",error_code=""} 1');
    expect(text).toContain(
      'podfleet_worker_jobs_total{queue="scrape",outcome="failed",error_code="SOURCE_EMPTY"} 1',
    );
    // The process's own metrics come with them.
    expect(text).toMatch(/^podfleet_process_cpu_seconds_total \d/m);
    expect(text).toMatch(/^# TYPE podfleet_stage_run_duration_seconds histogram$/m);
  });

  it('starts no server without the health option', async () => {
    const { runtime, lines } = start({ scrape: async () => 1 }, { health: undefined });
    await runtime.ready;
    expect(runtime.healthPort).toBeUndefined();
    expect(lines.find((l) => l.msg === 'ready')).not.toHaveProperty('healthPort');
  });

  it('rejects ready, naming the port, when the health port is taken', async () => {
    const first = start({ scrape: async () => 1 });
    const port = await first.runtime.healthPort;
    const second = start({ upload: async () => 1 }, { health: { port: port!, maxEventLoopLagMs: 2_000 } });
    await expect(second.runtime.ready).rejects.toThrow(`health server could not listen on port ${port}`);
  });
});
