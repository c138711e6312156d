// Test support (not part of the app): the real app on the run's database and a Redis key prefix
// of its own, with helpers to make users and keys.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import {
  createApiKey,
  createPrismaClient,
  defaultMigrationsDir,
  ensureDatabase,
  migrate,
  type PrismaClient,
  type User,
} from '@podfleet/db';
import { FsStorageDriver, type StorageDriver } from '@podfleet/providers';
import { createLogger, createRedis } from '@podfleet/queue';
import { makeTempDir } from '@podfleet/test-kit';
import type { Redis } from 'ioredis';
import type { DestinationStream } from 'pino';
import { type ApiApp, createApi } from '../src/app';
import { createHttpServer } from '../src/http/server';
import type { ApiSettings } from '../src/settings';

/** What the root global setup provides; test files pass their environment in. */
export interface TestEnv {
  databaseUrl: string;
  redisUrl: string;
  /** Unique per test file, under the run's QUEUE_PREFIX (so teardown removes its keys). */
  prefix: string;
}

export function testEnv(env: NodeJS.ProcessEnv, label: string): TestEnv {
  const { DATABASE_URL, REDIS_URL, QUEUE_PREFIX } = env;
  if (!DATABASE_URL || !REDIS_URL || !QUEUE_PREFIX)
    throw new Error('run the tests through Jest (global setup sets the env)');
  return { databaseUrl: DATABASE_URL, redisUrl: REDIS_URL, prefix: `${QUEUE_PREFIX}-${label}` };
}

export const ADMIN_KEY = 'test-admin-key-0123456789abcdef';
export const MEDIA_URL_SECRET = 'test-media-url-secret-0123456789abcdef';
export const WEBHOOK_SECRET = 'test-webhook-secret-0123456789abcdefgh';

export interface TestApiOptions {
  settings?: Partial<ApiSettings>;
  /** Point Redis somewhere else (e.g. a closed port to simulate an outage). */
  redisUrl?: string;
  storage?: StorageDriver;
  logDestination?: DestinationStream;
  /** Pins the app's clock (cache periods, pre-generation, feed expiry, stats windows). */
  clock?: () => Date;
}

export interface TestApi {
  api: ApiApp;
  app: ApiApp['app'];
  db: PrismaClient;
  redis: Redis;
  subscriber: Redis;
  storage: StorageDriver;
  settings: ApiSettings;
  /** Creates a user with one API key. */
  createUser(
    data?: Partial<Pick<User, 'email' | 'timezone' | 'webhookUrl'>> & { sources?: unknown[] },
  ): Promise<{ user: User; key: string }>;
  /** Starts listening on 127.0.0.1 (for SSE and autocannon); returns the base URL. */
  listen(): Promise<string>;
  close(): Promise<void>;
}

let userCounter = 0;

export async function startTestApi(env: TestEnv, options: TestApiOptions = {}): Promise<TestApi> {
  const settings: ApiSettings = {
    adminApiKey: ADMIN_KEY,
    mediaUrlSecret: MEDIA_URL_SECRET,
    webhookSecret: WEBHOOK_SECRET,
    cronSecret: 'test-cron-secret-0123456789',
    prefix: env.prefix,
    maxQueueSize: 1000,
    userRequestsPerMinute: 1000,
    userFeedbackPerMinute: 1000,
    userMaxActiveJobs: 100,
    userStorageQuotaBytes: 1024 ** 3,
    signedUrlTtlSec: 3600,
    corsOrigins: [],
    allowPrivateUrls: true,
    sseHeartbeatMs: 15_000,
    queueDepthCacheMs: 0,
    // Generous: the first probe connects PostgreSQL and writes the storage probe, which a loaded
    // machine can take over a second to do.
    healthTimeoutMs: 3_000,
    keyCacheTtlMs: 10_000,
    // Limits high enough for suites that make many users, keys, streams and bad guesses; the
    // hardening tests set their own.
    bullBoardUsers: [],
    bullBoardViewers: [],
    userMaxStreams: 100,
    maxStreams: 1000,
    sseMaxStreamMs: 15 * 60_000,
    authFailuresPerMinute: 10_000,
    userMaxApiKeys: 100,
    uploadMaxBytes: 500 * 1024 * 1024,
    ...options.settings,
  };
  const temp = options.storage ? null : await makeTempDir('podfleet-api-test-');
  const storage = options.storage ?? new FsStorageDriver({ dir: join(temp?.dir ?? '', 'media') });
  const db = createPrismaClient(env.databaseUrl, { maxConnections: 5 });
  const redisUrl = options.redisUrl ?? env.redisUrl;
  const redis = createRedis(redisUrl, { role: 'producer', name: 'api-test' });
  const subscriber = createRedis(redisUrl, { role: 'client', name: 'api-test-events' });
  redis.on('error', () => {});
  subscriber.on('error', () => {});
  if (!options.redisUrl)
    await Promise.all(
      [redis, subscriber].map((c) => (c.status === 'ready' ? null : new Promise((r) => c.once('ready', r)))),
    );
  const logger = createLogger({
    app: 'api-test',
    level: options.logDestination ? 'info' : 'silent',
    ...(options.logDestination ? { destination: options.logDestination } : {}),
  });
  const api = createApi({
    settings,
    db,
    redis,
    subscriber,
    storage,
    logger,
    ...(options.clock ? { clock: options.clock } : {}),
  });
  let server: Server | undefined;

  return {
    api,
    app: api.app,
    db,
    redis,
    subscriber,
    storage,
    settings,
    async createUser(data = {}) {
      userCounter += 1;
      const user = await db.user.create({
        data: {
          email: data.email ?? `user${userCounter}-${Date.now()}@example.test`,
          ...(data.timezone ? { timezone: data.timezone } : {}),
          ...(data.webhookUrl ? { webhookUrl: data.webhookUrl } : {}),
          ...(data.sources ? { sources: data.sources as object[] } : {}),
        },
      });
      const { key } = await createApiKey(db, user.id, 'test');
      return { user, key };
    },
    async listen() {
      server ??= await new Promise<Server>((resolve) => {
        const s = createHttpServer(api.app).listen(0, '127.0.0.1', () => resolve(s));
      });
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
    async close() {
      await api.close();
      if (server) {
        server.closeAllConnections();
        await new Promise((r) => server?.close(r));
      }
      redis.disconnect();
      subscriber.disconnect();
      await db.$disconnect();
      await storage.close();
      await temp?.remove();
    },
  };
}

export const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });

/**
 * A migrated database of its own beside the run's, for tests whose figures cover every row
 * (pre-generation runs target all users; stats add up all jobs). `drop()` removes it.
 */
export async function createScratchDatabase(
  env: TestEnv,
  label: string,
): Promise<{ url: string; drop(): Promise<void> }> {
  const url = new URL(env.databaseUrl);
  const name = `${decodeURIComponent(url.pathname.slice(1))}_${label}`.slice(0, 63);
  url.pathname = `/${name}`;
  await ensureDatabase(url.toString());
  await migrate({ connectionString: url.toString(), migrationsDir: defaultMigrationsDir });
  return {
    url: url.toString(),
    async drop() {
      const admin = new URL(env.databaseUrl);
      admin.pathname = '/postgres';
      const pg = createPrismaClient(admin.toString(), { maxConnections: 1 });
      try {
        await pg.$executeRawUnsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await pg.$disconnect();
      }
    },
  };
}
