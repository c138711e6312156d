import { currentTraceparent, startTracing, type Tracing, withSpan } from '@podfleet/telemetry';
import { type OtlpReceiver, startOtlpReceiver } from '@podfleet/telemetry/testing';
import { waitFor } from '@podfleet/test-kit';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { deleteKeys, REDIS_URL, testPrefix } from '../test/support';
import { createRedis } from './connection';
import { createLogger } from './logger';
import { startWorkers, type WorkerRuntime } from './worker-runtime';

describe('job spans', () => {
  let receiver: OtlpReceiver;
  let tracing: Tracing;
  let redis: Redis;
  let prefix: string;
  let scrape: Queue;
  let runtime: WorkerRuntime | undefined;

  beforeEach(async () => {
    receiver = await startOtlpReceiver();
    tracing = startTracing({ serviceName: 'job-spans-test', endpoint: receiver.endpoint });
    prefix = testPrefix('spans');
    redis = createRedis(REDIS_URL, { role: 'producer', name: 'test' });
    scrape = new Queue('scrape', { connection: redis, prefix });
    await scrape.waitUntilReady();
  });

  afterEach(async () => {
    await runtime?.close();
    await tracing.shutdown();
    await receiver.close();
    await deleteKeys(redis, prefix);
    await scrape.close();
    await redis.quit();
  });

  it("continues the payload's trace in a consumer span, and every line the job logs carries its ids", async () => {
    const lines: Array<Record<string, unknown>> = [];
    const logger = createLogger({
      app: 'test',
      level: 'info',
      destination: { write: (line: string) => void lines.push(JSON.parse(line)) },
    });
    runtime = startWorkers({
      app: 'test',
      redisUrl: REDIS_URL,
      prefix,
      logger,
      processors: {
        scrape: async ({ jobId }, _job, ctx) => {
          ctx.logger.info('through the job logger');
          logger.info('through the process logger');
          if (jobId === 'failing') throw new Error('[SOURCE_EMPTY] nothing there');
        },
      },
    });
    await runtime.ready;
    const traceparent = await withSpan('enqueue', {}, async () => currentTraceparent());
    const traceId = traceparent!.split('-')[1];
    await scrape.add('scrape', { jobId: 'traced', run: 1, userId: 'u', traceparent }, { jobId: 'traced' });
    await scrape.add('scrape', { jobId: 'failing', run: 1, userId: 'u' }, { jobId: 'failing', attempts: 1 });

    await waitFor(() => lines.filter((l) => l.msg === 'through the process logger').length === 2, {
      what: 'both jobs to log',
    });
    await waitFor(async () => (await scrape.getJobState('failing')) === 'failed', { what: 'the failure' });
    await tracing.flush();
    const spans = await waitFor(
      () => {
        const consumer = receiver.spans().filter((s) => s.name === 'process scrape');
        return consumer.length === 2 ? receiver.spans() : undefined;
      },
      { what: 'both job spans exported' },
    );
    const enqueue = spans.find((s) => s.name === 'enqueue')!;
    const traced = spans.find((s) => s.attributes['podfleet.job.id'] === 'traced')!;
    expect(traced).toMatchObject({
      traceId,
      parentSpanId: enqueue.spanId,
      kind: 5,
      statusCode: 0,
      attributes: {
        'messaging.system': 'bullmq',
        'messaging.destination.name': 'scrape',
        'messaging.message.id': 'traced',
        'podfleet.job.attempt': 1,
      },
    });
    const failing = spans.find((s) => s.attributes['podfleet.job.id'] === 'failing')!;
    // No traceparent: a trace of its own, marked failed.
    expect(failing.traceId).not.toBe(traceId);
    expect(failing.parentSpanId).toBe('');
    expect(failing.statusCode).toBe(2);

    const jobLines = lines.filter((l) => String(l.msg).startsWith('through the'));
    const ids = (jobId: string) =>
      jobLines.filter(
        (l) => l.trace_id === spans.find((s) => s.attributes['podfleet.job.id'] === jobId)?.traceId,
      );
    expect(ids('traced')).toHaveLength(2);
    expect(ids('failing')).toHaveLength(2);
    for (const line of ids('traced')) expect(line.span_id).toBe(traced.spanId);
    // Outside any job: no trace fields.
    expect(lines.find((l) => l.msg === 'ready')).not.toHaveProperty('trace_id');
  });
});
