import { hostname } from 'node:os';
import {
  collectProcessMetrics,
  contextFromTraceparent,
  SpanKind,
  withSpan,
  workerJobs,
} from '@podfleet/telemetry';
import { type Job, UnrecoverableError, WaitingError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { checkNoEviction, createRedis } from './connection';
import { formatFailedReason, parseFailedReason, retryAfterBackoff, toBullMQError } from './errors';
import { monitorEventLoopLag } from './event-loop-lag';
import { type HealthServer, startHealthServer } from './health-server';
import { InvalidPayloadError, type PayloadOf, parsePayload, QUEUES, type QueueName } from './queues';
import { settlesWithin } from './settles-within';
import { THROUGHPUT_MINUTES } from './throughput';
import { type WorkerHealthSource, workerHealth } from './worker-health';

export interface ProcessorContext {
  /**
   * Child logger bound to queue, jobId and attempt. The processor runs inside the job's span, so
   * its lines also carry trace_id and span_id when tracing is on.
   */
  logger: Logger;
  /**
   * Aborted when this worker gives the job back at shutdown (reason: ShutdownError) or BullMQ
   * cancels it. Long processors check it between steps and stop; whatever they return after
   * that is discarded.
   */
  signal: AbortSignal;
}

/** A processor gets the payload already validated against its queue's schema. */
export type QueueProcessor<Q extends QueueName> = (
  payload: PayloadOf<Q>,
  job: Job<PayloadOf<Q>>,
  ctx: ProcessorContext,
) => Promise<unknown>;

export type ProcessorMap = { [Q in QueueName]?: QueueProcessor<Q> };

export interface StartWorkersOptions {
  /** App name, for logs and for `processedBy` on jobs. */
  app: string;
  redisUrl: string;
  /** BullMQ key prefix (QUEUE_PREFIX). */
  prefix: string;
  logger: Logger;
  processors: ProcessorMap;
  /** Per-queue concurrency; the catalog's default otherwise. */
  concurrency?: Partial<Record<QueueName, number>>;
  /**
   * How long close() lets active jobs finish before handing them back to the queue.
   * Default 8 s, inside Docker's default 10 s stop grace period.
   */
  shutdownTimeoutMs?: number;
  /**
   * Lock duration and stalled-check interval for every queue, instead of the catalog's. For test
   * fleets, so a killed worker's job is recovered in seconds rather than minutes.
   */
  lockDurationMs?: number;
  stalledIntervalMs?: number;
  /**
   * Serve GET /livez, /readyz (see worker-health) and /metrics (Prometheus) on this port, 0 for a
   * free one. Without it no server: several worker processes may share one host (development, tests).
   */
  health?: { port: number; maxEventLoopLagMs: number };
  /**
   * What the first job would otherwise pay for (engines, warm connections), run at start: the
   * workers take no job before it resolves and readiness waits for it; its failure rejects ready.
   */
  setUp?: () => Promise<void>;
}

export interface WorkerRuntime {
  workers: { [Q in QueueName]?: Worker<PayloadOf<Q>> };
  /** The shared non-blocking connection (each worker also opens its own blocking one). */
  connection: Redis;
  /**
   * Resolves once every worker is connected and the eviction policy was checked; rejects when the
   * health server cannot listen.
   */
  ready: Promise<void>;
  /** The health server's port once it listens (only with the `health` option). */
  healthPort?: Promise<number>;
  /** Graceful stop: see startWorkers. Idempotent. */
  close(): Promise<void>;
}

/** The reason a processor's signal is aborted when its job is handed back at shutdown. */
export class ShutdownError extends Error {
  constructor() {
    super('worker shutting down: job handed back to the queue');
    this.name = 'ShutdownError';
  }
}

interface ActiveJob {
  queue: QueueName;
  jobId: string | undefined;
  handBack(): void;
}

const HANDED_BACK = Symbol('handed back');

/** After handing jobs back, how long close() still waits for BullMQ before giving up. */
const CLOSE_GRACE_MS = 2_000;

// BullMQ control-flow errors: the job was moved (wait, delayed, waiting-children) by the processor.
const CONTROL_FLOW_ERRORS = new Set([
  'WaitingError',
  'DelayedError',
  'WaitingChildrenError',
  'RateLimitError',
]);
const isControlFlow = (err: unknown) => err instanceof Error && CONTROL_FLOW_ERRORS.has(err.name);

/** The job's span: a consumer span continuing the trace its payload carries (OpenTelemetry messaging conventions). */
function jobSpanOptions(queue: QueueName, job: Job, payload: object) {
  // Episode stages and webhooks carry both; pre-generation and maintenance neither.
  const { jobId, traceparent } = payload as { jobId?: unknown; traceparent?: unknown };
  return {
    kind: SpanKind.CONSUMER,
    parent: contextFromTraceparent(typeof traceparent === 'string' ? traceparent : undefined),
    attributes: {
      'messaging.system': 'bullmq',
      'messaging.operation.type': 'process',
      'messaging.destination.name': queue,
      'messaging.message.id': job.id ?? '',
      'podfleet.job.attempt': job.attemptsMade + 1,
      ...(typeof jobId === 'string' ? { 'podfleet.job.id': jobId } : {}),
    },
    // A job moved back to wait (shutdown) or delayed did not fail.
    isFailure: (err: unknown) => !isControlFlow(err),
  };
}

function wrapProcessor<Q extends QueueName>(
  queue: Q,
  processor: QueueProcessor<Q>,
  logger: Logger,
  active: Set<ActiveJob>,
) {
  // Three parameters, so BullMQ passes its cancellation signal (Worker checks processor.length).
  return async (job: Job<PayloadOf<Q>>, token?: string, bullSignal?: AbortSignal): Promise<unknown> => {
    let payload: PayloadOf<Q>;
    try {
      payload = parsePayload(queue, job.data);
    } catch (err) {
      if (err instanceof InvalidPayloadError) {
        throw new UnrecoverableError(formatFailedReason({ code: err.code, message: err.message }));
      }
      throw err;
    }
    const controller = new AbortController();
    bullSignal?.addEventListener('abort', () => controller.abort(bullSignal.reason), { once: true });
    let resolveHandBack!: () => void;
    const handedBack = new Promise<typeof HANDED_BACK>((resolve) => {
      resolveHandBack = () => resolve(HANDED_BACK);
    });
    const entry: ActiveJob = {
      queue,
      jobId: job.id,
      handBack: () => {
        controller.abort(new ShutdownError());
        resolveHandBack();
      },
    };
    active.add(entry);
    const ctx: ProcessorContext = {
      logger: logger.child({ queue, jobId: job.id, attempt: job.attemptsMade + 1 }),
      signal: controller.signal,
    };
    try {
      const work = withSpan(`process ${queue}`, jobSpanOptions(queue, job, payload), () =>
        processor(payload, job, ctx),
      );
      const outcome = await Promise.race([work.then((value) => ({ value })), handedBack]);
      if (outcome === HANDED_BACK) {
        workerJobs.inc({ queue, outcome: 'handed_back', error_code: '' });
        work.catch(() => {}); // abandoned: its outcome no longer matters
        // Straight back to wait, no attempt counted. If Redis does not answer (worker connections
        // wait out outages), the job keeps its lock until it expires and the stalled checker
        // requeues it.
        let failure: unknown;
        const moved = await settlesWithin(job.moveToWait(token), CLOSE_GRACE_MS).catch((err: unknown) => {
          failure = err;
          return false;
        });
        if (moved) ctx.logger.warn('handed back to the queue at shutdown');
        else
          ctx.logger.error(
            { err: failure },
            'could not hand the job back; the stalled checker will requeue it',
          );
        throw new WaitingError();
      }
      return outcome.value;
    } catch (err) {
      if (isControlFlow(err)) throw err;
      throw toBullMQError(err);
    } finally {
      active.delete(entry);
    }
  };
}

const CONNECTION_ERRORS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

/**
 * While Redis is down every connection reports each reconnect attempt; one clear line every
 * 30 s says the same without flooding the log.
 */
function unreachableReporter(logger: Logger, redisUrl: string): (err: Error) => boolean {
  const { hostname: host, port } = new URL(redisUrl);
  let lastLogged = 0;
  return (err) => {
    const code = (err as NodeJS.ErrnoException).code;
    if (!code || !CONNECTION_ERRORS.has(code)) return false;
    if (Date.now() - lastLogged >= 30_000) {
      lastLogged = Date.now();
      logger.warn({ code }, `Redis not reachable at ${host}:${port || 6379} (${code}); retrying until it is`);
    }
    return true;
  };
}

/**
 * In a Worker 'failed' listener: true when BullMQ will not retry the job (unrecoverable, or its
 * attempts are used up), false when a retry is scheduled.
 */
export function isFinalFailure(job: Pick<Job, 'attemptsMade' | 'opts'> | undefined, err: Error): boolean {
  return !job || err.name === 'UnrecoverableError' || job.attemptsMade >= (job.opts.attempts ?? 1);
}

/** A runtime's health server and the event-loop lag monitor it reads. */
function serveHealth(
  source: WorkerHealthSource,
  { port, maxEventLoopLagMs }: NonNullable<StartWorkersOptions['health']>,
): { server: Promise<HealthServer>; close(): Promise<void> } {
  const lag = monitorEventLoopLag();
  const server = startHealthServer(workerHealth(source, lag, { maxEventLoopLagMs }), {
    port,
    metrics: collectProcessMetrics(),
  });
  return {
    server,
    async close() {
      lag.stop();
      await server.then((s) => s.close()).catch(() => {});
    },
  };
}

/**
 * Starts one BullMQ worker per queue in `processors`, sharing a `worker`-role connection.
 *
 * Each processor receives a validated payload; an invalid one fails the job at once with
 * INVALID_PAYLOAD. Thrown errors map through toBullMQError: non-retryable ones fail at once,
 * retryable ones are retried with exponential backoff that honours `retryAfterMs`.
 *
 * close(): workers stop taking jobs; active jobs get `shutdownTimeoutMs` to finish; those
 * still running are then moved straight back to wait (Job.moveToWait), so another worker
 * picks them up at once and no attempt is counted. The alternative, a forced close leaving
 * the job to the stalled checker, waits a full lock duration (two minutes for audio) and
 * counts against maxStalledCount. CPU-heavy work (TTS, ffmpeg) is expected to run in child
 * processes or worker threads inside the processor, keeping the event loop free to renew locks.
 */
export function startWorkers(options: StartWorkersOptions): WorkerRuntime {
  const { app, redisUrl, prefix, logger, processors } = options;
  const shutdownTimeoutMs = options.shutdownTimeoutMs ?? 8_000;
  const connection = createRedis(redisUrl, { role: 'worker', name: app });
  const reportUnreachable = unreachableReporter(logger, redisUrl);
  connection.on('error', (err: Error) => {
    if (!reportUnreachable(err)) logger.error({ err }, 'Redis connection error');
  });
  const active = new Set<ActiveJob>();
  const workers: WorkerRuntime['workers'] = {};
  const concurrency: Partial<Record<QueueName, number>> = {};

  const start = <Q extends QueueName>(queue: Q, processor: QueueProcessor<Q>) => {
    const def = QUEUES[queue];
    const n = options.concurrency?.[queue] ?? def.concurrency;
    if (!Number.isInteger(n) || n < 1)
      throw new Error(`concurrency for ${queue} must be a positive integer, got ${n}`);
    concurrency[queue] = n;
    const worker = new Worker<PayloadOf<Q>>(queue, wrapProcessor(queue, processor, logger, active), {
      connection,
      prefix,
      concurrency: n,
      name: `${app}@${hostname()}:${process.pid}`,
      lockDuration: options.lockDurationMs ?? def.lockDurationMs,
      stalledInterval: options.stalledIntervalMs ?? def.stalledIntervalMs,
      maxStalledCount: def.maxStalledCount,
      removeOnComplete: def.removeOnComplete,
      removeOnFail: def.removeOnFail,
      // Per-minute counts of finished jobs, fleet-wide (GET /v1/queue/stats).
      metrics: { maxDataPoints: THROUGHPUT_MINUTES },
      settings: { backoffStrategy: retryAfterBackoff },
      autorun: false, // run once set up (see ready)
    });
    worker.on('error', (err) => {
      if (!reportUnreachable(err)) logger.error({ err, queue }, 'worker error');
    });
    worker.on('stalled', (jobId) =>
      logger.warn({ queue, jobId }, 'job stalled (its worker died or blocked); requeued'),
    );
    worker.on('completed', () => workerJobs.inc({ queue, outcome: 'completed', error_code: '' }));
    worker.on('failed', (job, err) => {
      const { code, message } = parseFailedReason(err.message);
      const final = isFinalFailure(job, err);
      workerJobs.inc({ queue, outcome: final ? 'failed' : 'retrying', error_code: code });
      logger.warn(
        { queue, jobId: job?.id, code, attemptsMade: job?.attemptsMade, final },
        `job failed: ${message}`,
      );
    });
    (workers as Record<string, Worker>)[queue] = worker as Worker;
  };

  for (const queue of Object.keys(processors) as QueueName[]) {
    const processor = processors[queue];
    if (processor) start(queue, processor as QueueProcessor<typeof queue>);
  }
  const all = Object.values(workers) as Worker[];

  let started = false;
  let shuttingDown = false;
  // Listens at once, not after Redis: liveness must answer (and readiness say why not) while
  // Redis is still unreachable.
  const health = options.health
    ? serveHealth(
        { connection, workers, started: () => started, shuttingDown: () => shuttingDown },
        options.health,
      )
    : undefined;
  health?.server.then(
    (server) => logger.info({ port: server.port }, 'health server listening'),
    () => {},
  );

  const ready = (async () => {
    const [, server] = await Promise.all([
      Promise.all(all.map((w) => w.waitUntilReady())),
      health?.server,
      options.setUp?.(),
    ]);
    if (!shuttingDown) for (const w of all) w.run().catch((err: Error) => w.emit('error', err));
    started = true;
    const maxmemoryPolicy = await checkNoEviction(connection, logger);
    logger.info(
      {
        app,
        prefix,
        queues: Object.keys(workers),
        concurrency,
        maxmemoryPolicy,
        ...(server ? { healthPort: server.port } : {}),
      },
      'ready',
    );
  })();
  // Callers that never await ready must not see an unhandled rejection; awaiting it still throws.
  ready.catch(() => {});

  /** Resolves once no processor of this runtime is running (polled: only used while closing). */
  const drained = () =>
    new Promise<void>((resolve) => {
      const check = () => (active.size === 0 ? resolve() : setTimeout(check, 10).unref());
      check();
    });

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      shuttingDown = true; // readiness answers 503 from here on
      logger.info({ activeJobs: active.size, shutdownTimeoutMs }, 'shutting down: taking no new jobs');
      const closed = Promise.all(all.map((w) => w.close()));
      let done = await settlesWithin(closed, shutdownTimeoutMs);
      if (!done) {
        const pending = [...active];
        if (pending.length > 0) {
          logger.warn(
            { jobs: pending.map((j) => `${j.queue}/${j.jobId}`) },
            `jobs still running after ${shutdownTimeoutMs} ms; handing them back to the queue`,
          );
          for (const job of pending) job.handBack();
        }
        done = await settlesWithin(closed, CLOSE_GRACE_MS);
      }
      if (done) {
        // BullMQ may settle close() before a handed-back processor has finished its bookkeeping.
        // That bookkeeping (moveToWait) is itself bounded by CLOSE_GRACE_MS: wait longer than that,
        // so a loaded machine cannot let 'stopped' come before the job's 'handed back' line.
        await settlesWithin(drained(), 2 * CLOSE_GRACE_MS);
        await connection.quit().catch(() => connection.disconnect());
        logger.info('stopped');
      } else {
        // BullMQ's close waits on Redis; with Redis unreachable it never returns. Nothing can be
        // handed back then: the stalled checker recovers our jobs once Redis and a worker are back.
        connection.disconnect();
        logger.error('workers did not close (Redis unreachable?); stopping anyway');
      }
      await health?.close();
    })();
    return closing;
  };

  const healthPort = health?.server.then((server) => server.port);
  healthPort?.catch(() => {}); // as with ready: a failed listen rejects ready, awaited by the caller
  return { workers, connection, ready, close, ...(healthPort ? { healthPort } : {}) };
}

export interface SignalHandlerOptions {
  /** Defaults to process.exit; tests pass a spy. */
  exit?: (code: number) => void;
  signals?: NodeJS.Signals[];
}

/**
 * SIGTERM/SIGINT: graceful runtime.close(), then exit 0 (1 if closing failed). A second signal
 * exits at once with 1. Returns a function removing the handlers.
 */
export function installSignalHandlers(
  runtime: Pick<WorkerRuntime, 'close'>,
  logger: Logger,
  { exit = (code) => process.exit(code), signals = ['SIGTERM', 'SIGINT'] }: SignalHandlerOptions = {},
): () => void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting without waiting');
      exit(1);
      return;
    }
    stopping = true;
    logger.info({ signal }, 'signal received');
    runtime.close().then(
      () => exit(0),
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        exit(1);
      },
    );
  };
  for (const s of signals) process.on(s, onSignal);
  return () => {
    for (const s of signals) process.off(s, onSignal);
  };
}
