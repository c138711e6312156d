// Storage accounting (#16): the bytes stored per kind, for one user or the whole fleet, and the
// room check an upload or a clip passes before its bytes are written. A user's quota counts what
// they can use (live episodes, uploads and clips); the fleet's counts every stored byte, the
// archive included, since archived objects still take space until they are deleted.
import { Prisma, type PrismaClient } from '@podfleet/db';

export const STORAGE_KINDS = ['episodes', 'uploads', 'clips', 'archive'] as const;
export type StorageKind = (typeof STORAGE_KINDS)[number];

/** Bytes per kind: generated episodes, uploaded episodes, clips, and archived episodes and clips. */
export type StorageBytes = Record<StorageKind, number>;

export interface StorageUsage {
  byKind: StorageBytes;
  /** What counts against a user's quota: episodes + uploads + clips (not the archive). */
  liveBytes: number;
  /** Every stored byte: what counts against the fleet quota. */
  totalBytes: number;
}

interface UsageRow {
  episodes: bigint;
  uploads: bigint;
  clips: bigint;
  archive: bigint;
}

/** Bytes stored per kind, of one user (`userId`) or of the fleet (omitted). */
export async function storageUsage(db: PrismaClient, scope: { userId?: string } = {}): Promise<StorageUsage> {
  const episodesOf = scope.userId ? Prisma.sql`WHERE e.user_id = ${scope.userId}` : Prisma.empty;
  const clipsOf = scope.userId ? Prisma.sql`WHERE c.user_id = ${scope.userId}` : Prisma.empty;
  const [row] = await db.$queryRaw<UsageRow[]>`
    SELECT e.episodes, e.uploads, c.clips, e.archive + c.archive AS archive
      FROM (SELECT COALESCE(SUM(e.size_bytes) FILTER (WHERE e.archived_at IS NULL AND e.type <> 'upload'), 0)::bigint AS episodes,
                   COALESCE(SUM(e.size_bytes) FILTER (WHERE e.archived_at IS NULL AND e.type = 'upload'), 0)::bigint AS uploads,
                   COALESCE(SUM(e.size_bytes) FILTER (WHERE e.archived_at IS NOT NULL), 0)::bigint AS archive
              FROM episodes e ${episodesOf}) e,
           (SELECT COALESCE(SUM(c.size_bytes) FILTER (WHERE c.archived_at IS NULL), 0)::bigint AS clips,
                   COALESCE(SUM(c.size_bytes) FILTER (WHERE c.archived_at IS NOT NULL), 0)::bigint AS archive
              FROM clips c ${clipsOf}) c`;
  const byKind: StorageBytes = {
    episodes: Number(row?.episodes ?? 0n),
    uploads: Number(row?.uploads ?? 0n),
    clips: Number(row?.clips ?? 0n),
    archive: Number(row?.archive ?? 0n),
  };
  const liveBytes = byKind.episodes + byKind.uploads + byKind.clips;
  return { byKind, liveBytes, totalBytes: liveBytes + byKind.archive };
}

export interface StorageLimits {
  /** USER_STORAGE_QUOTA_BYTES: a user's limit unless User.storageQuotaBytes sets their own (0: unlimited). */
  userDefaultQuotaBytes: number;
  /** STORAGE_QUOTA_BYTES (0: unlimited). */
  fleetQuotaBytes: number;
}

/** Why new bytes may not be stored: which quota, what it already holds, and its limit. */
export interface StorageRefusal {
  ok: false;
  quota: 'user' | 'fleet';
  usedBytes: number;
  limitBytes: number;
  incomingBytes: number;
}

export type StorageRoom = { ok: true } | StorageRefusal;

/** A limit (0: unlimited) refuses when it is already reached, or when the new bytes would pass it. */
const refuses = (usedBytes: number, incomingBytes: number, limitBytes: number) =>
  limitBytes > 0 && (usedBytes >= limitBytes || usedBytes + incomingBytes > limitBytes);

/**
 * Whether `incomingBytes` more may be stored for the user: their own quota first (something they
 * can act on: delete clips or uploads), then the fleet's. A user that does not exist has the
 * default quota.
 */
export async function checkStorageRoom(
  db: PrismaClient,
  request: { userId: string; incomingBytes: number },
  limits: StorageLimits,
): Promise<StorageRoom> {
  const { userId, incomingBytes } = request;
  const [user, mine, fleet] = await Promise.all([
    db.user.findUnique({ where: { id: userId }, select: { storageQuotaBytes: true } }),
    storageUsage(db, { userId }),
    limits.fleetQuotaBytes > 0 ? storageUsage(db) : null,
  ]);
  const userLimit =
    user?.storageQuotaBytes === null || user?.storageQuotaBytes === undefined
      ? limits.userDefaultQuotaBytes
      : Number(user.storageQuotaBytes);
  if (refuses(mine.liveBytes, incomingBytes, userLimit)) {
    return { ok: false, quota: 'user', usedBytes: mine.liveBytes, limitBytes: userLimit, incomingBytes };
  }
  if (fleet && refuses(fleet.totalBytes, incomingBytes, limits.fleetQuotaBytes)) {
    return {
      ok: false,
      quota: 'fleet',
      usedBytes: fleet.totalBytes,
      limitBytes: limits.fleetQuotaBytes,
      incomingBytes,
    };
  }
  return { ok: true };
}
