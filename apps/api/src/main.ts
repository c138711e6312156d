// The API process: `main.ts` serves HTTP; `main.ts migrate` applies database migrations and exits
// (docker compose runs it before the apps start); `main.ts hash-password` reads a password on
// stdin and prints its hash for BULL_BOARD_USERS / BULL_BOARD_VIEWERS.
import { existsSync } from 'node:fs';
import type { Server } from 'node:http';
import { resolve } from 'node:path';
import { loadConfigOrExit } from '@podfleet/config';
import {
  createPrismaClient,
  defaultMigrationsDir,
  ensureDatabase,
  migrate,
  type PrismaClient,
} from '@podfleet/db';
import { storageFromConfig, tracingFromConfig } from '@podfleet/pipeline';
import { checkNoEviction, createLogger, createRedis, type Logger } from '@podfleet/queue';
import type { Redis } from 'ioredis';
import { createApi } from './app';
import { createHttpServer } from './http/server';
import { hashPassword } from './services/password-hash';
import { settingsFromConfig } from './settings';

async function runMigrations(): Promise<void> {
  const config = loadConfigOrExit('base');
  const logger = createLogger({ app: 'api', level: config.LOG_LEVEL });
  const local = resolve('prisma/migrations');
  const migrationsDir = existsSync(local) ? local : defaultMigrationsDir;
  const { created } = await ensureDatabase(config.DATABASE_URL);
  const { applied, alreadyApplied } = await migrate({ connectionString: config.DATABASE_URL, migrationsDir });
  logger.info({ created, applied, alreadyApplied, migrationsDir }, 'migrations applied');
}

/**
 * Connects to PostgreSQL and waits briefly for Redis before listening, so the first requests
 * (and /health) do not pay for connection set-up. A dependency still down after that is logged
 * and the API starts anyway: /health reports it and requests that need it answer 503.
 */
async function warmUp(db: PrismaClient, redis: Redis, logger: Logger, timeoutMs = 5_000): Promise<void> {
  const within = <T>(p: Promise<T>) =>
    Promise.race([
      p,
      new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs).unref(),
      ),
    ]);
  const redisReady =
    redis.status === 'ready' ? Promise.resolve() : new Promise<void>((r) => redis.once('ready', () => r()));
  const [dbResult, redisResult] = await Promise.allSettled([
    within(db.$queryRaw`SELECT 1`),
    within(redisReady),
  ]);
  if (dbResult.status === 'rejected')
    logger.warn({ err: String(dbResult.reason) }, 'PostgreSQL is not reachable yet; starting anyway');
  if (redisResult.status === 'rejected')
    logger.warn({ err: String(redisResult.reason) }, 'Redis is not reachable yet; starting anyway');
}

async function serve(): Promise<void> {
  const config = loadConfigOrExit('api');
  const logger = createLogger({ app: 'api', level: config.LOG_LEVEL });
  const tracing = tracingFromConfig('api', config, logger);
  const db = createPrismaClient(config.DATABASE_URL);
  const redis = createRedis(config.REDIS_URL, { role: 'producer', name: 'api' });
  const subscriber = createRedis(config.REDIS_URL, { role: 'client', name: 'api-events' });
  for (const [name, conn] of [
    ['producer', redis],
    ['subscriber', subscriber],
  ] as const) {
    conn.on('error', (err: Error) =>
      logger.warn({ err: err.message, connection: name }, 'Redis connection error'),
    );
  }
  redis.once('ready', () => void checkNoEviction(redis, logger));
  const storage = storageFromConfig(config);
  const api = createApi({ settings: settingsFromConfig(config), db, redis, subscriber, storage, logger });
  await warmUp(db, redis, logger);

  const server: Server = createHttpServer(api.app).listen(config.PORT);
  // Behind a load balancer idle keep-alive connections must outlive the balancer's (often 60 s).
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.on('listening', () => {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : config.PORT;
    // Supervisors wait for this line: it is written even when LOG_LEVEL hides info (but not when silent).
    const announcer =
      logger.isLevelEnabled('info') || config.LOG_LEVEL === 'silent'
        ? logger
        : createLogger({ app: 'api', level: 'info' });
    announcer.info({ port, pid: process.pid, prefix: config.QUEUE_PREFIX, storage: storage.kind }, 'ready');
  });
  server.on('error', (err) => {
    logger.fatal({ err }, `could not listen on port ${config.PORT}`);
    process.exit(1);
  });

  let stopping = false;
  const shutdown = async (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'shutting down: no new connections, ending event streams');
    const closed = new Promise<void>((done) => server.close(() => done()));
    api.streams.closeAll(); // SSE clients reconnect (to another replica)
    server.closeIdleConnections();
    const timer = setTimeout(() => {
      logger.warn('requests still running at the shutdown timeout; closing their connections');
      server.closeAllConnections();
    }, config.SHUTDOWN_TIMEOUT_MS);
    timer.unref();
    await closed;
    clearTimeout(timer);
    await api.close().catch((err: unknown) => logger.warn({ err }, 'closing queues failed'));
    await Promise.allSettled([subscriber.quit(), redis.quit(), db.$disconnect(), storage.close()]);
    await tracing.shutdown().catch((err: unknown) => logger.warn({ err }, 'exporting the last spans failed'));
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', (s) => void shutdown(s));
  process.on('SIGINT', (s) => void shutdown(s));
}

/** The first line of stdin (a terminal or a pipe), hashed; the password is never an argument (shell history, ps). */
async function printPasswordHash(): Promise<void> {
  let input = '';
  for await (const chunk of process.stdin) input += String(chunk);
  const password = input.split(/\r?\n/)[0] ?? '';
  if (password.length < 12) throw new Error('expected a password of at least 12 characters on stdin');
  process.stdout.write(`${await hashPassword(password)}\n`);
}

/** Commands that run once and exit; without one the process serves. */
const commands: Record<string, () => Promise<void>> = {
  migrate: runMigrations,
  'hash-password': printPasswordHash,
};
const command = commands[process.argv[2] ?? ''];
(command ? command().then(() => process.exit(0)) : serve()).catch((err: unknown) => {
  process.stderr.write(`api: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
