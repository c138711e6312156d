// The figures issue 6 adds to GET /v1/stats and /metrics, read where workers and API replicas
// already write them: cache counters and pre-generation runs in Redis (fleet-wide); cost, what
// became of pre-generated jobs and time to first audio from the jobs and requests tables.
import type { PrismaClient } from '@podfleet/db';
import {
  type CacheCounters,
  costPerUserPerDay,
  listPregenerationRuns,
  type PregenerationOutcomes,
  pregenerationOutcomes,
  readCacheCounters,
  type StoredRun,
  type TimeToFirstAudio,
  timeToFirstAudio,
} from '@podfleet/pregeneration';
import type { Redis } from 'ioredis';

const DAY_MS = 86_400_000;
/** Pre-generation runs listed and summed in `recent`. */
export const RECENT_RUNS = 10;
/** Cost per user per day covers today and the 6 UTC days before it. */
export const COST_WINDOW_DAYS = 7;
/** Time to first audio covers episode requests, and pre-generation outcomes jobs, of the last 24 h. */
export const FIRST_AUDIO_WINDOW_MS = DAY_MS;

type Outcomes = Pick<StoredRun, 'total' | 'successful' | 'failed' | 'skipped' | 'deferred'>;

export interface CacheAndRuns {
  cache: CacheCounters;
  pregeneration: {
    lastRun: StoredRun | null;
    /** The counts of the last RECENT_RUNS runs added up. */
    recent: Outcomes & { runs: number };
    /** Newest first. */
    runs: StoredRun[];
  };
}

export async function readCacheAndRuns(redis: Redis, prefix: string): Promise<CacheAndRuns> {
  const [cache, runs] = await Promise.all([
    readCacheCounters(redis, prefix),
    listPregenerationRuns(redis, prefix, RECENT_RUNS),
  ]);
  const recent = { runs: runs.length, total: 0, successful: 0, failed: 0, skipped: 0, deferred: 0 };
  for (const run of runs) {
    recent.total += run.total;
    recent.successful += run.successful;
    recent.failed += run.failed;
    recent.skipped += run.skipped;
    recent.deferred += run.deferred;
  }
  return { cache, pregeneration: { lastRun: runs[0] ?? null, recent, runs } };
}

export interface DayCost {
  /** UTC day `yyyy-mm-dd`. */
  day: string;
  users: number;
  jobs: number;
  costUsd: number;
  /** costUsd / users: what one user cost that day, on average. */
  avgUsdPerUser: number;
}

export interface CostAndLatency {
  costPerUserPerDay: {
    since: string;
    /** (user, day) pairs with at least one job in the window. */
    userDays: number;
    /** Mean and largest cost of one user on one day in the window; null without jobs. */
    avgUsd: number | null;
    maxUsd: number | null;
    days: DayCost[];
  };
  timeToFirstAudio: TimeToFirstAudio & { since: string };
  /** Pre-generated jobs created in the last 24 h, by what became of them. */
  pregenerationOutcomes: PregenerationOutcomes & { since: string };
}

const round = (usd: number) => Math.round(usd * 1e6) / 1e6;

export async function readCostAndLatency(db: PrismaClient, now: Date): Promise<CostAndLatency> {
  const today = Math.floor(now.getTime() / DAY_MS) * DAY_MS;
  const costSince = new Date(today - (COST_WINDOW_DAYS - 1) * DAY_MS);
  const audioSince = new Date(now.getTime() - FIRST_AUDIO_WINDOW_MS);
  const [rows, firstAudio, outcomes] = await Promise.all([
    costPerUserPerDay(db, { since: costSince }),
    timeToFirstAudio(db, { since: audioSince }),
    pregenerationOutcomes(db, { since: audioSince }),
  ]);
  const byDay = new Map<string, DayCost>();
  for (const row of rows) {
    const day = byDay.get(row.day) ?? { day: row.day, users: 0, jobs: 0, costUsd: 0, avgUsdPerUser: 0 };
    day.users += 1;
    day.jobs += row.jobs;
    day.costUsd += row.costUsd;
    byDay.set(row.day, day);
  }
  const days = [...byDay.values()].map((d) => ({
    ...d,
    costUsd: round(d.costUsd),
    avgUsdPerUser: round(d.costUsd / d.users),
  }));
  const total = rows.reduce((sum, r) => sum + r.costUsd, 0);
  return {
    costPerUserPerDay: {
      since: costSince.toISOString(),
      userDays: rows.length,
      avgUsd: rows.length > 0 ? round(total / rows.length) : null,
      maxUsd: rows.length > 0 ? round(Math.max(...rows.map((r) => r.costUsd))) : null,
      days,
    },
    timeToFirstAudio: { ...firstAudio, since: audioSince.toISOString() },
    pregenerationOutcomes: { ...outcomes, since: audioSince.toISOString() },
  };
}
