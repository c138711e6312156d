// pnpm bench:cache — a daily-episode cache hit on loopback, beside the bare Express baseline in
// the same run: POST /v1/episodes {type: "daily"} answered from Redis (200 with the episode and its
// signed audio URL, no job, no queue), against a bare handler answering 202. The API runs as its
// own process exactly as `npm start` runs it, on a scratch database and queue prefix; every user's
// episode of today is written first (job + episode rows, then the cache key, as the uploader does).
// Prints the numbers and writes bench-results/cache.json.
//
// Three loads: "saturated" (autocannon, 50 connections as fast as answers come: latency ≈ 50 /
// throughput, mostly queueing behind the CPU), "paced" (open loop: --rate req/s evenly spaced over
// 50 keep-alive connections, latency from when each request was due; see pacedLoad) and
// "1 connection" (autocannon, one request at a time: the service time of one hit).
// Options: --duration <s> (10) --warmup <s> (2) --users <n> (200) --rate <req/s> (500) --rounds <n> (3)
// --cpu-prof (the API writes a CPU profile to bench-results/profiles/).
import { join } from 'node:path';
import {
  completeJob,
  createEpisodeOnce,
  createJobWithStages,
  createPrismaClient,
  type PrismaClient,
} from '@podfleet/db';
import {
  closePipelineContext,
  createPipelineContext,
  episodeCacheKey,
  localPeriod,
  type PipelineContext,
} from '@podfleet/pipeline';
import { readCacheCounters, writeEpisodeCache } from '@podfleet/pregeneration';
import { FsStorageDriver } from '@podfleet/providers';
import { createLogger, createRedis } from '@podfleet/queue';
import {
  compareWithBare,
  createUsers,
  loadOptions,
  type PacedRequest,
  reportComparison,
  runBench,
  withBenchFleet,
} from './harness';

const OPTIONS = loadOptions(500);
const { users: USERS, rate: RATE } = OPTIONS;
const TARGET_P99_MS = 5;
/** Users live in several zones: "today" and the cache key differ per user, as in a real fleet. */
const ZONES = ['UTC', 'Europe/Paris', 'Asia/Tokyo', 'America/New_York'];
const SOURCES = [{ kind: 'text', title: 'Bench', text: 'The committee approved the budget on Tuesday.' }];

/** Today's daily episode of `userId`, written as the upload stage writes it, then its cache key. */
async function warmDailyEpisode(ctx: PipelineContext, userId: string, timeZone: string, now: Date) {
  const localDate = localPeriod('daily', now, timeZone);
  const job = await createJobWithStages(ctx.db, {
    userId,
    type: 'daily',
    request: { type: 'daily', sources: SOURCES },
    cacheKey: episodeCacheKey(userId, 'daily', localDate),
  });
  const audioKey = `jobs/${job.id}/episode.mp3`;
  const audio = Buffer.concat([Buffer.from([0xff, 0xfb, 0x90, 0x64]), Buffer.alloc(64_000, 0x55)]);
  await ctx.storage.put(audioKey, audio, { contentType: 'audio/mpeg' });
  const { episode } = await createEpisodeOnce(ctx.db, job.id, {
    userId,
    type: 'daily',
    title: `Your daily briefing, ${localDate}`,
    description: 'Two hosts talk through your saved sources.',
    audioKey,
    sizeBytes: audio.length,
    durationSec: 182.4,
    chapters: [{ title: 'Budget', startSec: 0 }],
    transcript: [],
    sources: [{ kind: 'text', title: 'Bench', url: null }],
    localDate,
  });
  await completeJob(ctx.db, job.id, { episodeId: episode.id });
  if (!(await writeEpisodeCache(ctx, episode, now))) throw new Error(`could not cache ${episode.id}`);
}

type BenchUser = { key: string; userId: string };

/** The loads of compareWithBare, the target a daily cache hit of a user in turn. */
function measure(apiUrl: string, bareUrl: string, pids: { api: number; bare: number }, users: BenchUser[]) {
  const body = JSON.stringify({ type: 'daily' });
  let next = 0;
  // Requests rotate over the users, as a fleet of podcast apps would.
  const hitRequest = (): PacedRequest => ({
    method: 'POST',
    path: '/v1/episodes',
    headers: {
      authorization: `Bearer ${users[next++ % users.length]!.key}`,
      'content-type': 'application/json',
    },
    body,
  });
  return compareWithBare({
    apiUrl,
    bareUrl,
    pids,
    body,
    label: 'daily cache hit',
    next: hitRequest,
    route: { method: 'POST', pattern: '/v1/episodes' },
    ...OPTIONS,
  });
}

/** Every user's episode of today in place, and one request each answered by a Redis hit. */
async function warmCache(ctx: PipelineContext, apiUrl: string, users: BenchUser[]): Promise<void> {
  const now = new Date();
  for (const [i, user] of users.entries()) {
    const timezone = ZONES[i % ZONES.length]!;
    await ctx.db.user.update({ where: { id: user.userId }, data: { timezone } });
    await warmDailyEpisode(ctx, user.userId, timezone, now);
  }
  for (const user of users) {
    const res = await fetch(`${apiUrl}/v1/episodes`, {
      method: 'POST',
      headers: { authorization: `Bearer ${user.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'daily' }),
    });
    const cache = res.headers.get('x-podfleet-cache');
    if (res.status !== 200 || cache !== 'hit') {
      throw new Error(`expected a cache hit, got ${res.status} (${cache}): ${await res.text()}`);
    }
  }
}

async function main(): Promise<void> {
  await withBenchFleet(
    'cache',
    async ({ apiUrl, bareUrl, pids, adminKey, databaseUrl, redisUrl, prefix, work, loadAvgBefore }) => {
      process.stderr.write(`creating ${USERS} users and today's episode of each…\n`);
      const users = await createUsers(apiUrl, adminKey, USERS, { sources: SOURCES });
      const db: PrismaClient = createPrismaClient(databaseUrl, { maxConnections: 4 });
      const redis = createRedis(redisUrl, { role: 'producer', name: 'bench-cache' });
      const ctx = createPipelineContext({
        db,
        redis,
        prefix,
        storage: new FsStorageDriver({ dir: join(work, 'media') }),
        logger: createLogger({ app: 'bench-cache', level: 'silent' }),
      });
      try {
        await warmCache(ctx, apiUrl, users);
        const jobsBefore = await db.job.count();
        const countersBefore = await readCacheCounters(redis, prefix);
        const comparison = await measure(apiUrl, bareUrl, pids, users);
        const { saturated, paced, serial } = comparison;

        // Every request was a hit: no job was made, and the fleet-wide counters say so.
        const jobsMade = (await db.job.count()) - jobsBefore;
        const countersAfter = await readCacheCounters(redis, prefix);
        const lookups = {
          hits: countersAfter.hits - countersBefore.hits,
          fallbacks: countersAfter.fallbacks - countersBefore.fallbacks,
          misses: countersAfter.misses - countersBefore.misses,
        };
        if (jobsMade !== 0 || lookups.fallbacks !== 0 || lookups.misses !== 0) {
          throw new Error(`not every request was a cache hit: ${jobsMade} jobs, ${JSON.stringify(lookups)}`);
        }

        await reportComparison('cache', {
          label: 'daily cache hit',
          what: 'cache-hit',
          comparison,
          targetP99Ms: TARGET_P99_MS,
          targetKey: 'cacheHitP99Ms',
          rate: RATE,
          options: OPTIONS,
          loadAvgBefore,
          note: `${lookups.hits} requests, all Redis hits; ${jobsMade} jobs made\n`,
          result: {
            request: 'POST /v1/episodes {"type":"daily"} answered from the episode cache (200)',
            saturated: { bareExpress202: saturated.bare, cacheHit: saturated.target },
            paced: { bareExpress202: paced.bare, cacheHit: paced.target },
            serial: { bareExpress202: serial.bare, cacheHit: serial.target },
            check: { jobsMade, cacheLookups: lookups },
          },
        });
      } finally {
        await closePipelineContext(ctx);
        redis.disconnect();
        await db.$disconnect();
      }
    },
  );
}

runBench('cache', main);
