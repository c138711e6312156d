// Building blocks every app uses to turn its validated config into live dependencies.
import { resolve } from 'node:path';
import type { BaseConfig, WorkerConfig } from '@podfleet/config';
import { createPrismaClient, type PrismaClient } from '@podfleet/db';
import { createStorageDriver, type StorageDriver } from '@podfleet/providers';
import {
  createLogger,
  createRedis,
  installSignalHandlers,
  type Logger,
  type ProcessorMap,
  type QueueName,
  settlesWithin,
  startWorkers,
  type WorkerRuntime,
} from '@podfleet/queue';
import { startTracing, type Tracing } from '@podfleet/telemetry';
import type { Redis } from 'ioredis';
import { closePipelineContext, createPipelineContext, type PipelineContext } from './context';
import { type MaintenanceHandlers, workerMaintenance } from './maintenance';

export function storageFromConfig(config: BaseConfig): StorageDriver {
  if (config.STORAGE_DRIVER === 'fs')
    return createStorageDriver({ driver: 'fs', dir: resolve(config.STORAGE_DIR) });
  return createStorageDriver({
    driver: 's3',
    bucket: config.S3_BUCKET!,
    region: config.S3_REGION,
    forcePathStyle: config.S3_FORCE_PATH_STYLE,
    ...(config.S3_ENDPOINT ? { endpoint: config.S3_ENDPOINT } : {}),
    ...(config.S3_PUBLIC_BASE_URL ? { publicBaseUrl: config.S3_PUBLIC_BASE_URL } : {}),
    ...(config.S3_ACCESS_KEY_ID && config.S3_SECRET_ACCESS_KEY
      ? {
          credentials: { accessKeyId: config.S3_ACCESS_KEY_ID, secretAccessKey: config.S3_SECRET_ACCESS_KEY },
        }
      : {}),
  });
}

export interface AppDependencies {
  logger: Logger;
  db: PrismaClient;
  redis: Redis;
  pipeline: PipelineContext;
  close(): Promise<void>;
}

/** Logger, database, Redis (producer role), storage and the pipeline context of one process. */
export function createAppDependencies(app: string, config: BaseConfig): AppDependencies {
  const logger = createLogger({ app, level: config.LOG_LEVEL });
  const db = createPrismaClient(config.DATABASE_URL);
  const redis = createRedis(config.REDIS_URL, { role: 'producer', name: `${app}-producer` });
  const storage = storageFromConfig(config);
  const pipeline = createPipelineContext({
    db,
    redis,
    prefix: config.QUEUE_PREFIX,
    storage,
    logger,
    retentionDays: config.EPISODE_RETENTION_DAYS,
    userMaxActiveJobs: config.USER_MAX_ACTIVE_JOBS,
  });
  return {
    logger,
    db,
    redis,
    pipeline,
    async close() {
      await closePipelineContext(pipeline).catch(() => {});
      await storage.close().catch(() => {});
      redis.disconnect();
      await db.$disconnect();
    },
  };
}

/** What a worker app adds to the common wiring, built from its dependencies. */
export interface WorkerAppOptions {
  /** Every queue of the app; only those in WORKER_QUEUES get a worker. */
  processors: ProcessorMap;
  concurrency?: Partial<Record<QueueName, number>>;
  /** Extra teardown (engines, schedulers) before connections close. */
  onClose?: () => Promise<void>;
  /** Overrides of the maintenance tasks, e.g. the retention cleanup. */
  maintenanceHandlers?: Partial<MaintenanceHandlers>;
  /** The app's own schedulers, ensured at start and again after Redis lost its data. */
  ensureSchedulers?: () => Promise<void>;
  /**
   * Sets the app's engines up at start (e.g. the TTS engine's threads) so that no job pays for
   * it: the workers take jobs, and readiness answers 200, once it is done. A failure stops the start.
   */
  setUp?: () => Promise<void>;
}

/** How long the start waits for PostgreSQL's first answer before going on without it. */
const DATABASE_WARM_UP_MS = 5_000;

/**
 * Before the workers take jobs, at once: the first PostgreSQL connection with Prisma's query
 * engine (~0.4 s on a process's first query, paid by the first job otherwise) and `steps` (the
 * maintenance run at start, the app's own set-up). A database not reachable yet is only logged:
 * stages retry until it answers (DB_UNAVAILABLE).
 */
async function setUpBeforeJobs(deps: AppDependencies, steps: Array<(() => Promise<void>) | undefined>) {
  const database = settlesWithin(deps.db.$queryRaw`SELECT 1`, DATABASE_WARM_UP_MS).then(
    (answered) => {
      if (!answered)
        deps.logger.warn(`PostgreSQL did not answer within ${DATABASE_WARM_UP_MS} ms; starting anyway`);
    },
    (err: unknown) =>
      deps.logger.warn({ err: String(err) }, 'PostgreSQL is not reachable yet; starting anyway'),
  );
  await Promise.all([database, ...steps.map((step) => step?.())]);
}

/** The processors of the queues in WORKER_QUEUES (the process's role). */
function servedProcessors(processors: ProcessorMap, served: readonly QueueName[]): ProcessorMap {
  return Object.fromEntries(
    Object.entries(processors).filter(([queue]) => served.includes(queue as QueueName)),
  ) as ProcessorMap;
}

/** Tracing for one process, named after its app; off without OTEL_EXPORTER_OTLP_ENDPOINT. */
export function tracingFromConfig(app: string, config: BaseConfig, logger: Logger): Tracing {
  const tracing = startTracing({
    serviceName: app,
    endpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT,
    headers: config.OTEL_EXPORTER_OTLP_HEADERS,
  });
  if (tracing.enabled)
    logger.info(
      { endpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT },
      'tracing on: spans exported over OTLP/HTTP',
    );
  return tracing;
}

/**
 * Creates the app's dependencies and hands them to `build` for the app's own part, then starts
 * the workers of the app's queues in WORKER_QUEUES and of `maintenance`, the health
 * server when HEALTH_PORT is set, tracing when OTEL_EXPORTER_OTLP_ENDPOINT is, logs one `ready`
 * line, and on SIGTERM/SIGINT lets running jobs finish (or hands them back) before closing every
 * connection and exporting the last spans.
 */
export async function runWorkerApp(
  app: string,
  config: WorkerConfig,
  build: (deps: AppDependencies) => WorkerAppOptions,
): Promise<WorkerRuntime> {
  const deps = createAppDependencies(app, config);
  const options = build(deps);
  const tracing = tracingFromConfig(app, config, deps.logger);
  // Every worker app also serves the `maintenance` queue (reconcile, sweep, cleanup; one run
  // fleet-wide per tick) and re-creates its schedulers at start.
  const maintenance = workerMaintenance(deps.pipeline, {
    everyMs: config.MAINTENANCE_INTERVAL_MS,
    jobRetentionDays: config.JOB_RETENTION_DAYS,
    ...(config.ALERT_WEBHOOK_URL
      ? {
          alerts: {
            webhookUrl: config.ALERT_WEBHOOK_URL,
            failureRate: config.ALERT_FAILURE_RATE,
            windowSec: config.ALERT_WINDOW_SEC,
            queueAgeSec: config.ALERT_QUEUE_AGE_SEC,
            ...(config.ALERT_COST_USD_PER_DAY === undefined
              ? {}
              : { costUsdPerDay: config.ALERT_COST_USD_PER_DAY }),
          },
        }
      : {}),
    ...(options.maintenanceHandlers ? { handlers: options.maintenanceHandlers } : {}),
    ...(options.ensureSchedulers ? { ensureSchedulers: options.ensureSchedulers } : {}),
  });
  const runtime = startWorkers({
    app,
    redisUrl: config.REDIS_URL,
    prefix: config.QUEUE_PREFIX,
    logger: deps.logger,
    processors: {
      maintenance: maintenance.processor,
      ...servedProcessors(options.processors, config.WORKER_QUEUES),
    },
    shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
    ...(options.concurrency ? { concurrency: options.concurrency } : {}),
    ...(config.LOCK_DURATION_MS ? { lockDurationMs: config.LOCK_DURATION_MS } : {}),
    ...(config.STALLED_INTERVAL_MS ? { stalledIntervalMs: config.STALLED_INTERVAL_MS } : {}),
    ...(config.HEALTH_PORT === undefined
      ? {}
      : { health: { port: config.HEALTH_PORT, maxEventLoopLagMs: config.HEALTH_MAX_EVENT_LOOP_LAG_MS } }),
    // The maintenance run at start (schedulers, reconcile) is part of it: it would otherwise
    // compete with the first jobs for the CPU.
    setUp: () => setUpBeforeJobs(deps, [() => maintenance.start(), options.setUp]),
  });
  const close = async () => {
    maintenance.stop();
    await runtime.close();
    await options.onClose?.();
    await deps.close();
    await tracing.shutdown();
  };
  installSignalHandlers({ close }, deps.logger);
  try {
    await runtime.ready;
  } catch (err) {
    // The health server (its port taken or not allowed) or the app's set-up (an engine that
    // cannot start) failed: report it like the API's own port, without a stack trace.
    deps.logger.fatal({ err }, 'could not start');
    process.exit(1);
  }
  return runtime;
}
