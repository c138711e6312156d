import { randomUUID } from 'node:crypto';
import type { PrismaClient, User } from '../generated/prisma/client';
import { type HotStatement, runHot } from './hot-sql';
import type { DbClient } from './jobs';

/** What a submit needs of its user, and the bytes their live episodes and clips take against their quota. */
export type Requester = Pick<
  User,
  'id' | 'timezone' | 'sources' | 'style' | 'webhookUrl' | 'storageQuotaBytes' | 'highPriorityPerDay'
> & {
  usedBytes: number;
};

const FIND_REQUESTER: HotStatement = {
  name: 'podfleet_find_requester',
  text: `SELECT u.id, u.timezone, u.sources, u.style, u.webhook_url, u.storage_quota_bytes, u.high_priority_per_day,
                (SELECT COALESCE(SUM(e.size_bytes), 0)::bigint FROM episodes e WHERE e.user_id = u.id AND e.archived_at IS NULL)
                + (SELECT COALESCE(SUM(c.size_bytes), 0)::bigint FROM clips c WHERE c.user_id = u.id AND c.archived_at IS NULL) AS used_bytes
           FROM users u WHERE u.id = $1`,
};

/**
 * The user behind a submit and their storage use, in one query (a submit's first database
 * round trip, a hot statement); null when the user does not exist.
 */
export async function findRequester(db: PrismaClient, userId: string): Promise<Requester | null> {
  const [row] = await runHot<
    Omit<Requester, 'webhookUrl' | 'storageQuotaBytes' | 'usedBytes' | 'highPriorityPerDay'> & {
      webhook_url: string | null;
      high_priority_per_day: number;
      storage_quota_bytes: string | null;
      used_bytes: string;
    }
  >(db, FIND_REQUESTER, [userId]);
  if (!row) return null;
  const { webhook_url, storage_quota_bytes, used_bytes, high_priority_per_day, ...rest } = row;
  return {
    ...rest,
    webhookUrl: webhook_url,
    highPriorityPerDay: high_priority_per_day,
    storageQuotaBytes: storage_quota_bytes === null ? null : BigInt(storage_quota_bytes),
    usedBytes: Number(used_bytes),
  };
}

/**
 * Records that the user used podfleet now, unless that was already recorded within `withinSec`
 * (then nothing is written: replicas that each throttle on their own do not all write). Uses the
 * database clock, like every other timestamp. Returns whether a row was written.
 */
export async function markUserSeen(db: DbClient, userId: string, withinSec: number): Promise<boolean> {
  const written = await db.$executeRaw`
    UPDATE users SET last_seen_at = now()
     WHERE id = ${userId}
       AND (last_seen_at IS NULL OR last_seen_at < now() - (${withinSec}::int * interval '1 second'))`;
  return written === 1;
}

/** A fresh feed token, the same kind as the column default (a random UUID, 122 bits). */
export function newFeedToken(): string {
  return randomUUID();
}

/**
 * Replaces the user's feed token, which revokes the old feed URL, and bumps their media URL
 * version, which voids every signed media URL handed out before; returns the new token.
 */
export async function rotateFeedToken(db: DbClient, userId: string): Promise<string> {
  const feedToken = newFeedToken();
  await db.user.update({ where: { id: userId }, data: { feedToken, mediaUrlVersion: { increment: 1 } } });
  return feedToken;
}
