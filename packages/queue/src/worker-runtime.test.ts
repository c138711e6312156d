import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { waitFor } from '@podfleet/test-kit';
import { Job, type Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { captureLogger, deferred, REDIS_URL, workerRuntimesPerTest } from '../test/support';
import { parseFailedReason, RetryableJobError } from './errors';
import { RETRY_AFTER_BACKOFF } from './queues';
import type { ReadinessReport } from './worker-health';
import { installSignalHandlers, ShutdownError } from './worker-runtime';

const payload = (jobId: string) => ({ jobId, run: 1, userId: 'u1' });
/** Short backoff so retries happen within the test. */
const fastRetry = { attempts: 3, backoff: { type: RETRY_AFTER_BACKOFF, delay: 20 } };

describe('startWorkers', () => {
  let redis: Redis;
  let prefix: string;
  let scrape: Queue;
  const start = workerRuntimesPerTest('rt', (env) => ({ redis, prefix, scrape } = env));

  const finished = async (jobId: string) =>
    waitFor(
      async () => {
        const state = await scrape.getJobState(jobId);
        return state === 'completed' || state === 'failed' ? state : false;
      },
      { what: `${jobId} finished` },
    );

  it('logs one ready line with app, queues and concurrency after checking the eviction policy', async () => {
    const { runtime, lines } = start(
      { scrape: async () => 1, upload: async () => 2 },
      { concurrency: { upload: 3 } },
    );
    await runtime.ready;
    const ready = lines.filter((l) => l.msg === 'ready');
    expect(ready).toHaveLength(1);
    expect(ready[0]).toMatchObject({
      app: 'test-app',
      queues: ['scrape', 'upload'],
      concurrency: { scrape: 4, upload: 3 },
      maxmemoryPolicy: expect.any(String),
    });
    expect(runtime.workers.upload!.concurrency).toBe(3);
    expect(runtime.workers.audio).toBeUndefined();
  });

  it('takes no job before its set-up is done; readiness answers 503 (workers starting) until then', async () => {
    const setUp = deferred();
    let setUpDone = false;
    const seenAfterSetUp: boolean[] = [];
    const { runtime } = start(
      {
        scrape: async () => {
          seenAfterSetUp.push(setUpDone);
        },
      },
      {
        health: { port: 0, maxEventLoopLagMs: 2_000 },
        setUp: async () => {
          await setUp.promise;
          setUpDone = true;
        },
      },
    );
    await runtime.workers.scrape!.waitUntilReady();
    await scrape.add('scrape', payload('early'), { jobId: 'early' });
    const readyz = await fetch(`http://127.0.0.1:${await runtime.healthPort}/readyz`);
    const report = (await readyz.json()) as ReadinessReport;
    expect(readyz.status).toBe(503);
    expect(report.checks.workers).toEqual({ status: 'unavailable', queues: { scrape: 'starting' } });
    expect(await scrape.getJobState('early')).toBe('waiting');

    setUp.resolve();
    await runtime.ready;
    expect(await finished('early')).toBe('completed');
    expect(seenAfterSetUp).toEqual([true]);
    expect((await fetch(`http://127.0.0.1:${await runtime.healthPort}/readyz`)).status).toBe(200);
  });

  it('rejects ready when its set-up fails', async () => {
    const { runtime } = start(
      { scrape: async () => {} },
      { setUp: () => Promise.reject(new Error('engine would not start')) },
    );
    await expect(runtime.ready).rejects.toThrow('engine would not start');
  });

  it('hands the processor a validated payload and a job-bound logger', async () => {
    const seen: unknown[] = [];
    const { runtime, lines } = start({
      scrape: async (p, job, ctx) => {
        seen.push(p, job.id);
        ctx.logger.info('working');
        return 'ok';
      },
    });
    await runtime.ready;
    await scrape.add('scrape', payload('j1'), { jobId: 'j1.1.scrape' });
    expect(await finished('j1.1.scrape')).toBe('completed');
    expect(seen).toEqual([payload('j1'), 'j1.1.scrape']);
    expect(lines.find((l) => l.msg === 'working')).toMatchObject({
      queue: 'scrape',
      jobId: 'j1.1.scrape',
      attempt: 1,
    });
  });

  it('fails an invalid payload at once with INVALID_PAYLOAD, without calling the processor or retrying', async () => {
    let calls = 0;
    const { runtime } = start({
      scrape: async () => {
        calls++;
      },
    });
    await runtime.ready;
    await scrape.add('scrape', { jobId: 'x', run: 'one' }, { jobId: 'bad', ...fastRetry });
    expect(await finished('bad')).toBe('failed');
    const job = await Job.fromId(scrape, 'bad');
    expect(job!.attemptsMade).toBe(1);
    const { code, message } = parseFailedReason(job!.failedReason);
    expect(code).toBe('INVALID_PAYLOAD');
    expect(message).toMatch(/run:.*userId:/);
    expect(calls).toBe(0);
  });

  it('retries retryable errors, counting each attempt, until one succeeds', async () => {
    const attemptsSeen: number[] = [];
    const { runtime } = start({
      scrape: async (_p, job) => {
        attemptsSeen.push(job.attemptsMade);
        if (job.attemptsMade < 2)
          throw Object.assign(new Error('502 from host'), { code: 'SOURCE_UNREACHABLE' });
        return 'third time lucky';
      },
    });
    await runtime.ready;
    await scrape.add('scrape', payload('r'), { jobId: 'retry', ...fastRetry });
    expect(await finished('retry')).toBe('completed');
    expect(attemptsSeen).toEqual([0, 1, 2]);
    const job = await Job.fromId(scrape, 'retry');
    expect(job!.attemptsMade).toBe(3);
    expect(job!.returnvalue).toBe('third time lucky');
  });

  it('fails after the last attempt with the code kept in failedReason', async () => {
    const { runtime } = start({
      scrape: async () => {
        throw new RetryableJobError('TTS_FAILED', 'engine crashed');
      },
    });
    await runtime.ready;
    await scrape.add('scrape', payload('f'), { jobId: 'exhausted', ...fastRetry });
    expect(await finished('exhausted')).toBe('failed');
    const job = await Job.fromId(scrape, 'exhausted');
    expect(job!.attemptsMade).toBe(3);
    expect(job!.failedReason).toBe('[TTS_FAILED] engine crashed');
  });

  it('fails a non-retryable error at once, with its code', async () => {
    let calls = 0;
    const { runtime, lines } = start({
      scrape: async () => {
        calls++;
        throw Object.assign(new Error('HTTP 403'), { code: 'SOURCE_FORBIDDEN', retryable: false });
      },
    });
    await runtime.ready;
    await scrape.add('scrape', payload('u'), { jobId: 'unrecoverable', ...fastRetry });
    expect(await finished('unrecoverable')).toBe('failed');
    const job = await Job.fromId(scrape, 'unrecoverable');
    expect(calls).toBe(1);
    expect(job!.attemptsMade).toBe(1);
    expect(parseFailedReason(job!.failedReason)).toEqual({ code: 'SOURCE_FORBIDDEN', message: 'HTTP 403' });
    expect(lines.find((l) => l.msg === 'job failed: HTTP 403')).toMatchObject({
      code: 'SOURCE_FORBIDDEN',
      final: true,
    });
  });

  it('waits at least the Retry-After of a 429 before the next attempt (and counts it)', async () => {
    const startedAt: number[] = [];
    const { runtime } = start({
      scrape: async () => {
        startedAt.push(Date.now());
        if (startedAt.length === 1) {
          throw Object.assign(new Error('429'), { code: 'RATE_LIMITED', retryable: true, retryAfterMs: 700 });
        }
      },
    });
    await runtime.ready;
    await scrape.add('scrape', payload('l'), { jobId: 'limited', ...fastRetry });
    expect(await finished('limited')).toBe('completed');
    expect(startedAt).toHaveLength(2);
    expect(startedAt[1]! - startedAt[0]!).toBeGreaterThanOrEqual(700);
    expect((await Job.fromId(scrape, 'limited'))!.attemptsMade).toBe(2);
  });

  describe('graceful close', () => {
    it('stops taking jobs and lets an active job that finishes in time complete', async () => {
      const release = deferred();
      const started = deferred();
      const ran: string[] = [];
      const { runtime } = start({
        scrape: async (p) => {
          ran.push(p.jobId);
          started.resolve();
          await release.promise;
          return 'done';
        },
      });
      await runtime.ready;
      await scrape.add('scrape', payload('a'), { jobId: 'in-time' });
      await started.promise;
      const closed = runtime.close();
      await scrape.add('scrape', payload('b'), { jobId: 'after-close' });
      release.resolve();
      await closed;
      expect(await scrape.getJobState('in-time')).toBe('completed');
      expect(await scrape.getJobState('after-close')).toBe('waiting');
      expect(ran).toEqual(['a']);
      expect(runtime.connection.status).toBe('end');
    });

    it('hands a job that outlives the timeout back to the queue without counting an attempt', async () => {
      const started = deferred();
      let firstSignal: AbortSignal | undefined;
      const first = start(
        {
          // Ignores its signal and never finishes: the worst case.
          scrape: (_p, _job, ctx) => {
            firstSignal = ctx.signal;
            started.resolve();
            return new Promise(() => {});
          },
        },
        { shutdownTimeoutMs: 200 },
      );
      await first.runtime.ready;
      await scrape.add('scrape', payload('slow'), { jobId: 'slow', ...fastRetry });
      await started.promise;

      const closing = Date.now();
      await first.runtime.close();
      expect(Date.now() - closing).toBeLessThan(3_000);
      expect(firstSignal?.aborted).toBe(true);
      expect(firstSignal?.reason).toBeInstanceOf(ShutdownError);
      expect(await scrape.getJobState('slow')).toBe('waiting');
      const handedBack = await Job.fromId(scrape, 'slow');
      expect(handedBack!.attemptsMade).toBe(0);
      expect(handedBack!.stalledCounter).toBe(0);
      expect(first.lines.some((l) => String(l.msg).includes('handing them back'))).toBe(true);

      const seen: number[] = [];
      const second = start({
        scrape: async (_p, job) => {
          seen.push(job.attemptsMade);
          return 'finished by the second worker';
        },
      });
      await second.runtime.ready;
      expect(await finished('slow')).toBe('completed');
      expect(seen).toEqual([0]);
      const done = await Job.fromId(scrape, 'slow');
      expect(done!.attemptsMade).toBe(1);
      expect(done!.attemptsStarted).toBe(2);
      expect(done!.returnvalue).toBe('finished by the second worker');
    });

    it('SIGTERM closes the runtime gracefully and exits 0', async () => {
      const release = deferred();
      const started = deferred();
      const { runtime, lines } = start({
        scrape: async () => {
          started.resolve();
          await release.promise;
        },
      });
      await runtime.ready;
      await scrape.add('scrape', payload('s'), { jobId: 'sig' });
      await started.promise;
      const exits: number[] = [];
      const uninstall = installSignalHandlers(runtime, captureLogger().logger, {
        exit: (code) => exits.push(code),
      });
      try {
        process.emit('SIGTERM', 'SIGTERM');
        await waitFor(() => lines.some((l) => String(l.msg).startsWith('shutting down')), {
          what: 'closing',
        });
        expect(exits).toEqual([]);
        release.resolve();
        await waitFor(() => exits.length > 0, { what: 'exit' });
        expect(exits).toEqual([0]);
        expect(await scrape.getJobState('sig')).toBe('completed');
      } finally {
        uninstall();
      }
    });

    describe('as a real process', () => {
      const fixture = join(__dirname, '..', 'test', 'fixtures', 'worker-process.ts');

      /** Runs the fixture worker under tsx; collects its JSON log lines. */
      function spawnWorker(redisUrl: string, ...healthPort: [number?]) {
        const args = ['--import', 'tsx', fixture, redisUrl, prefix, ...healthPort.map(String)];
        const child: ChildProcess = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
        const lines: Array<Record<string, unknown>> = [];
        createInterface({ input: child.stdout! }).on('line', (line) => {
          try {
            lines.push(JSON.parse(line));
          } catch {
            lines.push({ msg: line });
          }
        });
        // 'close', not 'exit': 'exit' can come before the last lines of stdout have been read.
        const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
        const logged = (msg: string) =>
          waitFor(() => lines.some((l) => String(l.msg).startsWith(msg)), {
            what: `"${msg}" logged`,
            timeoutMs: 20_000,
          });
        return { child, lines, exited, logged };
      }

      it('on SIGTERM hands its running job back and exits 0', async () => {
        const worker = spawnWorker(REDIS_URL);
        try {
          await worker.logged('ready');
          await scrape.add('scrape', payload('p'), { jobId: 'in-process', ...fastRetry });
          await worker.logged('job started');
          worker.child.kill('SIGTERM');
          expect(await worker.exited).toBe(0);
          // By their timestamps, not their order in the output: pino's asynchronous stdout writes
          // were seen landing out of order under load (a 'stopped' line before 'shutting down').
          const at = (msg: string) => worker.lines.find((l) => l.msg === msg)?.time as string | undefined;
          const handedBack = at('handed back to the queue at shutdown');
          const stopped = at('stopped');
          expect([handedBack, stopped]).toEqual([expect.any(String), expect.any(String)]);
          expect(Date.parse(stopped!)).toBeGreaterThanOrEqual(Date.parse(handedBack!));
          expect(await scrape.getJobState('in-process')).toBe('waiting');
          expect((await Job.fromId(scrape, 'in-process'))!.attemptsMade).toBe(0);
        } finally {
          worker.child.kill('SIGKILL');
        }
      });

      it('exits 0 on SIGTERM even while Redis is unreachable', async () => {
        const worker = spawnWorker('redis://127.0.0.1:1');
        try {
          await worker.logged('Redis not reachable at 127.0.0.1:1');
          const started = Date.now();
          worker.child.kill('SIGTERM');
          expect(await worker.exited).toBe(0);
          expect(Date.now() - started).toBeLessThan(5_000);
        } finally {
          worker.child.kill('SIGKILL');
        }
      });

      it('answers readiness 503 naming Redis while Redis is unreachable, liveness 200', async () => {
        const worker = spawnWorker('redis://127.0.0.1:1', 0);
        try {
          await worker.logged('health server listening');
          const port = worker.lines.find((l) => l.msg === 'health server listening')?.port;
          const probe = async (path: string) => {
            const res = await fetch(`http://127.0.0.1:${port}${path}`);
            return { status: res.status, body: (await res.json()) as ReadinessReport };
          };
          const ready = await probe('/readyz');
          expect(ready.status).toBe(503);
          expect(ready.body.checks.redis).toEqual({
            status: 'unavailable',
            error: expect.stringMatching(/^connection /),
          });
          expect(ready.body.checks.workers).toEqual({
            status: 'unavailable',
            queues: { scrape: 'starting' },
          });
          expect(ready.body.checks.shutdown.status).toBe('ok');
          expect((await probe('/livez')).status).toBe(200);
          worker.child.kill('SIGTERM');
          expect(await worker.exited).toBe(0);
        } finally {
          worker.child.kill('SIGKILL');
        }
      });
    });
  });
});
