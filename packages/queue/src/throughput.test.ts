import { waitFor } from '@podfleet/test-kit';
import { Queue, UnrecoverableError } from 'bullmq';
import type { Redis } from 'ioredis';
import { captureLogger, deleteKeys, REDIS_URL, testPrefix } from '../test/support';
import { createRedis } from './connection';
import { finishedWithin, type MetricsSeries, queueThroughput } from './throughput';
import { startWorkers } from './worker-runtime';

const MINUTE = 60_000;
const at = (minute: number, second = 0) => minute * MINUTE + second * 1000;

describe('finishedWithin', () => {
  const series = (prevTS: number, count: number, prevCount: number, data: number[]): MetricsSeries => ({
    meta: { count, prevTS, prevCount },
    data,
  });

  it('adds the minute not yet written to the written minutes inside the window', () => {
    // Written up to minute 100 (its jobs since prevTS: 12 - 10 = 2); minutes 99, 98, 97 before it.
    const s = series(at(100, 20), 12, 10, [3, 4, 5]);
    expect(finishedWithin(s, at(100, 50), 1)).toBe(2);
    expect(finishedWithin(s, at(100, 50), 2)).toBe(5);
    expect(finishedWithin(s, at(100, 50), 60)).toBe(14);
    // Ten minutes later, with nothing finished since: only what lies inside the window counts.
    expect(finishedWithin(s, at(110, 0), 10)).toBe(0);
    expect(finishedWithin(s, at(110, 0), 12)).toBe(2 + 3);
    expect(finishedWithin(s, at(200, 0), 60)).toBe(0);
  });

  it('counts everything while nothing was written yet', () => {
    expect(finishedWithin(series(0, 0, 0, []), at(5), 60)).toBe(0);
    expect(finishedWithin(series(0, 3, 0, []), at(5), 60)).toBe(3);
  });
});

describe('queueThroughput', () => {
  let redis: Redis;
  let prefix: string;
  let queue: Queue;
  beforeEach(async () => {
    prefix = testPrefix('tp');
    redis = createRedis(REDIS_URL, { role: 'producer', name: 'test' });
    queue = new Queue('webhooks', { connection: redis, prefix });
    await queue.waitUntilReady();
  });
  afterEach(async () => {
    await deleteKeys(redis, prefix);
    await queue.close();
    await redis.quit();
  });

  it("reads the fleet's completed and failed jobs from what startWorkers' workers record", async () => {
    const runtime = startWorkers({
      app: 'test-app',
      redisUrl: REDIS_URL,
      prefix,
      logger: captureLogger('silent').logger,
      processors: {
        webhooks: async (payload) => {
          if (payload.jobId.startsWith('bad')) throw new UnrecoverableError('refused');
        },
      },
      shutdownTimeoutMs: 5_000,
    });
    try {
      await runtime.ready;
      const data = (jobId: string) => ({
        jobId,
        event: 'job.completed' as const,
        url: 'https://example.test/',
      });
      for (const jobId of ['ok1', 'ok2', 'ok3', 'bad1'])
        await queue.add('deliver', data(jobId), { attempts: 1 });
      await waitFor(async () => {
        const counts = await queue.getJobCounts('completed', 'failed');
        return counts.completed === 3 && counts.failed === 1;
      });
      expect(await queueThroughput(queue, Date.now())).toEqual({ completed: 3, failed: 1 });
      expect(await queueThroughput(queue, Date.now() + 2 * 3_600_000)).toEqual({ completed: 0, failed: 0 });
    } finally {
      await runtime.close();
    }
  });
});
