// Everything the scenarios share: fake third parties and a webhook receiver, Redis and PostgreSQL
// servers of the run's own (stopped, restarted and flushed by the scenarios), a TCP relay in front
// of PostgreSQL, the API and the worker apps as processes (jobs are submitted through the API),
// and a pipeline context in the test process to inspect PostgreSQL, Redis and storage.

import { randomBytes } from 'node:crypto';
import { childEnv } from '@podfleet/config';

import { createPrismaClient, type Job, type PrismaClient } from '@podfleet/db';
import { closePipelineContext, createPipelineContext, type PipelineContext } from '@podfleet/pipeline';
import { createStorageDriver } from '@podfleet/providers';
import { createLogger, createRedis } from '@podfleet/queue';
import { type FakeServer, makeTempDir, startHttpServer, waitFor } from '@podfleet/test-kit';
import type { Redis } from 'ioredis';
import { type JobOutcome, outcomeOf } from './checks';
import { type FaultyServer, startFaultyAnthropic, startFaultyElevenLabs, startFaultySite } from './fakes';
import { Fleet, fleetAppEnv, startFleet } from './fleet';
import { makeToneMp3 } from './mp3';
import { type PgProxy, startPgProxy } from './pg-proxy';
import {
  type PrivatePostgres,
  type PrivateRedis,
  startPrivatePostgres,
  startPrivateRedis,
} from './private-servers';

/** Short locks and stall checks so a killed worker's stage is recovered in seconds. */
export const LOCK_DURATION_MS = 8_000;
export const STALLED_INTERVAL_MS = 3_000;
/** Reconcile/sweep period (the reconciler's grace is twice this). */
export const MAINTENANCE_INTERVAL_MS = 2_000;
/** Client timeout of the LLM and TTS calls: the fakes answer in milliseconds unless told not to. */
export const PROVIDER_TIMEOUT_MS = 3_000;

export interface Suite {
  /** The API process: base URL and the admin key. */
  api: { url: string; adminKey: string };
  ctx: PipelineContext;
  db: PrismaClient;
  /** A plain client on the suite's Redis, for FLUSHDB. */
  redis: Redis;
  /** The suite's own servers, which the scenarios stop and restart. */
  redisServer: PrivateRedis;
  postgres: PrivatePostgres;
  /** Where the fs storage driver keeps the objects (`jobs/<jobId>/…`). */
  storageDir: string;
  /** Receives every job's webhook (answers 204). */
  hooks: FakeServer;
  fleet: Fleet;
  llm: FaultyServer & { apiKey: string; abandoned(tag: string): Promise<void> };
  tts: FaultyServer;
  site: FaultyServer;
  pg: PgProxy;
  close(): Promise<void>;
}

export async function startSuite(): Promise<Suite> {
  const [redisStart, postgresStart] = await Promise.allSettled([startPrivateRedis(), startPrivatePostgres()]);
  const started = [redisStart, postgresStart].flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  try {
    if (redisStart.status === 'rejected') throw redisStart.reason;
    if (postgresStart.status === 'rejected') throw postgresStart.reason;
    return await startSuiteOn(redisStart.value, postgresStart.value);
  } catch (err) {
    // Stopping a stopped server is a no-op, so this is safe after startSuiteOn's own clean-up.
    await Promise.all(started.map((server) => server.close()));
    throw err;
  }
}

async function startSuiteOn(redisServer: PrivateRedis, postgres: PrivatePostgres): Promise<Suite> {
  const outer = childEnv();
  const databaseUrl = postgres.url;
  const redisUrl = redisServer.url;
  const prefix = `${outer.QUEUE_PREFIX}-faults`;
  const redis = createRedis(redisUrl, { role: 'client', name: 'fault-suite' });
  const storageDir = await makeTempDir('pf-faults-media-');
  const cacheDir = await makeTempDir('pf-faults-tts-');
  const ttsKey = `xi-${randomBytes(8).toString('hex')}`;
  const adminKey = `admin-${randomBytes(12).toString('hex')}`;
  const [mp3, llm, site, pg, hooks] = await Promise.all([
    makeToneMp3(),
    startFaultyAnthropic(),
    startFaultySite(),
    startPgProxy(databaseUrl),
    startHttpServer((_req, res) => {
      res.writeHead(204).end();
    }),
  ]);
  const tts = await startFaultyElevenLabs({ apiKey: ttsKey, mp3, latencyMs: 20 });

  const db = createPrismaClient(databaseUrl);
  const producer = createRedis(redisUrl, { role: 'producer', name: 'fault-suite' });
  if (producer.status !== 'ready') await new Promise((resolve) => producer.once('ready', resolve));
  const storage = createStorageDriver({ driver: 'fs', dir: storageDir.dir });
  const ctx = createPipelineContext({
    db,
    redis: producer,
    prefix,
    storage,
    logger: createLogger({ app: 'fault-suite', level: 'silent' }),
  });
  // The scenarios stop the suite's Redis on purpose: these inspecting clients' connection errors
  // while it is away are expected (unheard, BullMQ prints each one).
  for (const queue of Object.values(ctx.queues)) queue.on('error', () => {});
  ctx.flowProducer.on('error', () => {});

  const env: NodeJS.ProcessEnv = {
    ...fleetAppEnv({
      outer,
      databaseUrl: pg.url,
      redisUrl,
      prefix,
      storageDir: storageDir.dir,
      cacheDir: cacheDir.dir,
      adminKey,
    }),
    LOCK_DURATION_MS: String(LOCK_DURATION_MS),
    STALLED_INTERVAL_MS: String(STALLED_INTERVAL_MS),
    MAINTENANCE_INTERVAL_MS: String(MAINTENANCE_INTERVAL_MS),
    SCRIPT_PROVIDER: 'anthropic',
    ANTHROPIC_API_KEY: llm.apiKey,
    ANTHROPIC_BASE_URL: llm.url,
    TTS_PROVIDER: 'elevenlabs',
    ELEVENLABS_API_KEY: ttsKey,
    ELEVENLABS_BASE_URL: tts.url,
    // A SIGKILLed worker's fleet-wide TTS leases stay taken until they expire (30 s): leave room.
    ELEVENLABS_CONCURRENCY: '8',
    // Short client timeouts, so a provider that never answers is given up on within the suite.
    ANTHROPIC_TIMEOUT_MS: String(PROVIDER_TIMEOUT_MS),
    ELEVENLABS_TIMEOUT_MS: String(PROVIDER_TIMEOUT_MS),
  };
  const fleet = new Fleet(env, ctx.queues);
  // Stops everything this suite started, its own Redis and PostgreSQL last.
  const close = async (graceMs?: number) => {
    await fleet.stopAll(graceMs);
    await closePipelineContext(ctx);
    await Promise.all([llm.close(), tts.close(), site.close(), pg.close(), hooks.close()]);
    redis.disconnect();
    producer.disconnect();
    await storage.close();
    await db.$disconnect();
    await Promise.all([redisServer.close(), postgres.close()]);
    await storageDir.remove();
    await cacheDir.remove();
  };
  const apiUrl = await startFleet(fleet, close);

  return {
    api: { url: apiUrl, adminKey },
    ctx,
    db,
    redis,
    redisServer,
    postgres,
    storageDir: storageDir.dir,
    hooks,
    fleet,
    llm,
    tts,
    site,
    pg,
    close: () => close(),
  };
}

/**
 * Calls the API as a client that honours 503 + Retry-After (a busy database: a new API process's
 * first connections on a loaded machine) for up to `ms`: the scenarios' own requests are set-up,
 * not what they test.
 */
async function callApiPatiently(
  suite: Suite,
  method: string,
  path: string,
  options: Parameters<typeof callApi>[3],
  ms = 20_000,
): ReturnType<typeof callApi> {
  const deadline = Date.now() + ms;
  for (;;) {
    const res = await callApi(suite, method, path, options);
    if (res.status !== 503 || Date.now() > deadline) return res;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

export interface ApiUser {
  id: string;
  apiKey: string;
}

/** Calls the API; returns status, headers and the parsed JSON body. */
export async function callApi(
  suite: Suite,
  method: string,
  path: string,
  options: { key?: string; body?: unknown; timeoutMs?: number; headers?: Record<string, string> } = {},
): Promise<{ status: number; contentType: string; body: Record<string, unknown> }> {
  const response = await fetch(`${suite.api.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${options.key ?? suite.api.adminKey}`,
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...options.headers,
    },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
  });
  const text = await response.text();
  return {
    status: response.status,
    contentType: response.headers.get('content-type') ?? '',
    body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
  };
}

/** A user and their API key, made by the admin through the API. */
export async function createApiUser(suite: Suite): Promise<ApiUser> {
  const email = `faults-${randomBytes(6).toString('hex')}@example.test`;
  const res = await callApiPatiently(suite, 'POST', '/v1/users', { body: { email } });
  if (res.status !== 201)
    throw new Error(
      `POST /v1/users answered ${res.status}: ${JSON.stringify(res.body)}\n${suite.fleet.describe()}`,
    );
  return { id: (res.body.user as { id: string }).id, apiKey: res.body.apiKey as string };
}

/**
 * The body of a short episode request whose sources carry `tag` (a text source, or an article on
 * the fake site) and whose webhook goes to the suite's receiver.
 */
export function taggedRequest(
  suite: Suite,
  tag: string,
  source: 'text' | 'url' = 'text',
): Record<string, unknown> {
  return {
    type: 'custom',
    sources: [
      source === 'url'
        ? { kind: 'url', url: `${suite.site.url}/articles/${tag}` }
        : {
            kind: 'text',
            title: `Canal notes ${tag}`,
            text:
              `The Erie Canal (${tag}) opened in 1825 and joined the Hudson River to Lake Erie. ` +
              `It cut the cost of moving goods (${tag}) from the Great Lakes to New York City by ninety percent. ` +
              `Towns such as Buffalo and Rochester (${tag}) grew quickly along its route.`,
          },
    ],
    style: { hosts: [{ name: 'Maya' }, { name: 'Theo' }], targetMinutes: 0.5 },
    webhookUrl: `${suite.hooks.url}/hooks/${tag}`,
  };
}

/**
 * Submits a short episode through the API (`POST /v1/episodes`, see taggedRequest); returns the
 * Job row the ticket names.
 */
export async function submitTagged(
  suite: Suite,
  tag: string,
  options: { user?: ApiUser; source?: 'text' | 'url'; idempotencyKey?: string } = {},
): Promise<Job> {
  const user = options.user ?? (await createApiUser(suite));
  const res = await callApiPatiently(suite, 'POST', '/v1/episodes', {
    key: user.apiKey,
    body: taggedRequest(suite, tag, options.source),
    ...(options.idempotencyKey ? { headers: { 'idempotency-key': options.idempotencyKey } } : {}),
  });
  if (res.status !== 202)
    throw new Error(
      `POST /v1/episodes answered ${res.status}: ${JSON.stringify(res.body)}\n${suite.fleet.describe()}`,
    );
  return suite.db.job.findUniqueOrThrow({ where: { id: res.body.jobId as string } });
}

/** Re-queues a failed job through the API (`POST /v1/jobs/:id/retry`); returns the job's new status. */
export async function retryThroughApi(suite: Suite, jobId: string): Promise<unknown> {
  const res = await callApi(suite, 'POST', `/v1/jobs/${jobId}/retry`);
  if (res.status !== 202) throw new Error(`retry answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body.status;
}

/** Waits for the job to reach one of `statuses`; on time-out, says where it was and shows the fleet's logs. */
export async function waitForJob(
  suite: Pick<Suite, 'db' | 'fleet'>,
  jobId: string,
  statuses: Job['status'][],
  timeoutMs = 60_000,
) {
  try {
    return await waitFor(
      async () => {
        const job = await suite.db.job.findUniqueOrThrow({ where: { id: jobId } });
        return statuses.includes(job.status) ? job : undefined;
      },
      { timeoutMs, intervalMs: 100, what: `job ${jobId} to be ${statuses.join('/')}` },
    );
  } catch (err) {
    const job = await suite.db.job.findUnique({ where: { id: jobId } });
    throw new Error(
      `${(err as Error).message}; it is ${job?.status} in ${job?.phase} (run ${job?.run}, ${job?.errorCode ?? 'no error'})\n${suite.fleet.describe()}`,
    );
  }
}

/**
 * The job's outcome once Redis has caught up with the database (the last stage job finishing) and,
 * for a completed job, its webhook was delivered.
 */
export async function settledOutcome(suite: Suite, jobId: string): Promise<JobOutcome> {
  let last: JobOutcome | undefined;
  try {
    return await waitFor(
      async () => {
        last = await outcomeOf(suite, jobId);
        const delivered =
          last.status !== 'completed' || (last.completedWebhooks > 0 && last.deliveredRows > 0);
        return last.pendingInRedis.length === 0 && delivered ? last : undefined;
      },
      { timeoutMs: 15_000, intervalMs: 100, what: `job ${jobId} to leave Redis` },
    );
  } catch {
    return last ?? outcomeOf(suite, jobId);
  }
}

export const stageRow = (suite: Suite, jobId: string, stage: 'scrape' | 'script' | 'audio' | 'upload') =>
  suite.db.jobStage.findUniqueOrThrow({ where: { jobId_stage: { jobId, stage } } });

export const eventsOf = (suite: Suite, jobId: string, type: string) =>
  suite.db.jobEvent.findMany({ where: { jobId, type }, orderBy: { id: 'asc' } });

/** Resolves `promise`, or fails naming `what` after `ms` (held requests that never arrive). */
export async function within<T>(promise: Promise<T>, ms: number, what: string, suite: Suite): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`timed out after ${ms} ms waiting for ${what}\n${suite.fleet.describe()}`)),
      ms,
    );
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
