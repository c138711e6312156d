import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseConfig } from '@podfleet/config';
import { createRedis, deleteKeysWithPrefix, type ReadinessReport } from '@podfleet/queue';
import { makeTempDir, waitFor } from '@podfleet/test-kit';
import { Job, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { createAppDependencies } from './app-wiring';

it("hands a worker's pipeline the configured per-user active-job limit (it starts waiting jobs by it)", async () => {
  const media = await makeTempDir();
  const config = parseConfig('audio', {
    DATABASE_URL: process.env.DATABASE_URL,
    REDIS_URL: process.env.REDIS_URL,
    QUEUE_PREFIX: process.env.QUEUE_PREFIX,
    STORAGE_DIR: media.dir,
    USER_MAX_ACTIVE_JOBS: '7',
  });
  const deps = createAppDependencies('audio-wiring-test', config);
  try {
    expect(deps.pipeline.userMaxActiveJobs).toBe(7);
  } finally {
    await deps.close();
    await media.remove();
  }
});

describe('runWorkerApp, as a real process', () => {
  const fixture = join(__dirname, '..', 'test', 'fixtures', 'worker-app.ts');
  const SHUTDOWN_TIMEOUT_MS = 3_000;
  let prefix: string;
  let redis: Redis;
  let media: Awaited<ReturnType<typeof makeTempDir>>;
  const queues = new Map<string, Queue>();
  const children: ChildProcess[] = [];

  beforeEach(async () => {
    // Under the run's prefix, so the global teardown sweeps anything left behind.
    prefix = `${process.env.QUEUE_PREFIX}-app-${randomBytes(3).toString('hex')}`;
    redis = createRedis(process.env.REDIS_URL!, { role: 'producer', name: 'app-wiring-test' });
    media = await makeTempDir();
  });

  afterEach(async () => {
    for (const child of children.splice(0)) child.kill('SIGKILL');
    await Promise.all([...queues.values()].map((q) => q.close()));
    queues.clear();
    await deleteKeysWithPrefix(redis, `${prefix}:`);
    await redis.quit();
    await media.remove();
  });

  const queue = (name: string) => {
    if (!queues.has(name)) queues.set(name, new Queue(name, { connection: redis, prefix }));
    return queues.get(name)!;
  };

  /** The fixture app (scraper config) with `env` on top of the run's; its JSON log lines and stderr. */
  function spawnApp(env: Record<string, string>) {
    const child = spawn(process.execPath, ['--import', 'tsx', fixture], {
      env: {
        ...process.env,
        QUEUE_PREFIX: prefix,
        STORAGE_DIR: media.dir,
        LOG_LEVEL: 'info',
        SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS),
        // No reconcile touching other tests' jobs: it only re-enqueues jobs idle for two periods.
        MAINTENANCE_INTERVAL_MS: '3600000',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    const lines: Array<Record<string, unknown>> = [];
    createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        lines.push(JSON.parse(line));
      } catch {
        lines.push({ msg: line });
      }
    });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    // 'close', not 'exit': 'exit' can come before the last lines of stdout have been read.
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    const logged = (msg: string) =>
      waitFor(() => lines.find((l) => l.msg === msg), { what: `"${msg}" logged`, timeoutMs: 30_000 });
    return { child, lines, exited, logged, stderr: () => stderr };
  }

  const readiness = async (port: unknown) => {
    const res = await fetch(`http://127.0.0.1:${port}/readyz`);
    return { status: res.status, body: (await res.json()) as ReadinessReport };
  };

  it('consumes only the queues in WORKER_QUEUES, plus maintenance, and names them in its ready line', async () => {
    const app = spawnApp({ WORKER_QUEUES: 'script', HEALTH_PORT: '0' });
    const ready = await app.logged('ready');
    expect([...(ready.queues as string[])].sort()).toEqual(['maintenance', 'script']);
    expect(ready.healthPort).toEqual(expect.any(Number));

    // Redis's own list of workers (CLIENT LIST): one on script and maintenance, none elsewhere.
    await waitFor(async () => (await queue('script').getWorkers()).length === 1, { what: 'a script worker' });
    expect(await queue('maintenance').getWorkers()).toHaveLength(1);
    expect(await queue('scrape').getWorkers()).toHaveLength(0);
    expect(await queue('pregenerate').getWorkers()).toHaveLength(0);

    // Readiness also weighs event-loop lag, which a loaded machine can push over the limit for a
    // moment after start: ready means it answers 200 once settled.
    const { body } = await waitFor(
      async () => {
        const answer = await readiness(ready.healthPort);
        return answer.status === 200 ? answer : undefined;
      },
      { what: 'readiness 200' },
    );
    expect(body.checks.workers).toEqual({
      status: 'ok',
      queues: { maintenance: 'running', script: 'running' },
    });
    app.child.kill('SIGTERM');
    expect(await app.exited).toBe(0);
  });

  it('on SIGTERM turns not-ready at once, then hands its running job back within SHUTDOWN_TIMEOUT_MS and exits 0', async () => {
    const app = spawnApp({ HEALTH_PORT: '0' });
    const ready = await app.logged('ready');
    await queue('script').add(
      'script',
      { jobId: 'held', run: 1, userId: 'u1' },
      { jobId: 'held.1.script', attempts: 3 },
    );
    await app.logged('job started');
    await waitFor(async () => (await readiness(ready.healthPort)).status === 200, { what: 'readiness 200' });

    const signalled = Date.now();
    app.child.kill('SIGTERM');
    const notReady = await waitFor(
      async () => {
        const answer = await readiness(ready.healthPort);
        return answer.status === 503 ? answer.body : undefined;
      },
      { what: 'readiness 503', intervalMs: 10 },
    );
    expect(notReady.checks.shutdown).toEqual({ status: 'unavailable', shuttingDown: true });
    // Before the grace period ran out: the job is still being worked on.
    expect(Date.now() - signalled).toBeLessThan(SHUTDOWN_TIMEOUT_MS);
    expect(await queue('script').getJobState('held.1.script')).toBe('active');

    expect(await app.exited).toBe(0);
    const stoppedAfter = Date.now() - signalled;
    expect(stoppedAfter).toBeGreaterThanOrEqual(SHUTDOWN_TIMEOUT_MS);
    // Inside a stop grace period a few seconds above SHUTDOWN_TIMEOUT_MS.
    expect(stoppedAfter).toBeLessThan(SHUTDOWN_TIMEOUT_MS + 4_000);
    expect(app.lines.some((l) => l.msg === 'handed back to the queue at shutdown')).toBe(true);
    expect(await queue('script').getJobState('held.1.script')).toBe('waiting');
    const job = await Job.fromId(queue('script'), 'held.1.script');
    expect(job!.attemptsMade).toBe(0);
    expect(job!.stalledCounter).toBe(0);
  });

  it("refuses a WORKER_QUEUES outside the app's queues, naming them, and exits 1", async () => {
    const app = spawnApp({ WORKER_QUEUES: 'script,audio' });
    expect(await app.exited).toBe(1);
    expect(app.stderr()).toContain(
      'WORKER_QUEUES: unknown queue "audio": scraper serves scrape, script, pregenerate',
    );
  });

  it('exits 1 naming the port when HEALTH_PORT is taken', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, resolve));
    const port = (taken.address() as { port: number }).port;
    try {
      const app = spawnApp({ HEALTH_PORT: String(port) });
      expect(await app.exited).toBe(1);
      expect(app.lines.find((l) => l.msg === 'could not start')).toMatchObject({
        level: 'fatal',
        err: { message: expect.stringContaining(`health server could not listen on port ${port}`) },
      });
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });
});
