// The quota check of every route that stores new bytes (uploads, clips): a refusal becomes a
// problem+json naming the quota and its figures, 413 for the user's own, 507 for the fleet's.
import { findRequester, type PrismaClient } from '@podfleet/db';
import { checkStorageRoom, quotaStatus, type StorageRefusal, storageUsage } from '@podfleet/pregeneration';
import { HttpProblem } from '../http/problem';
import type { ApiSettings } from '../settings';

/** The refusal as the client sees it: which quota, what it holds, its limit and the request's size. */
export function storageRefusalProblem(refusal: StorageRefusal): HttpProblem {
  const { quota, usedBytes, limitBytes, incomingBytes } = refusal;
  const figures = { quota, usedBytes, limitBytes, incomingBytes };
  const asked = incomingBytes > 0 ? `, ${incomingBytes} more asked for` : '';
  if (quota === 'user') {
    return new HttpProblem(413, {
      type: 'storage-quota-exceeded',
      detail:
        `your storage quota is full: ${usedBytes} of ${limitBytes} bytes used${asked}; ` +
        'delete clips or uploads, or wait for older episodes to expire',
      extra: figures,
    });
  }
  return new HttpProblem(507, {
    type: 'fleet-storage-full',
    detail: `the fleet's storage quota (STORAGE_QUOTA_BYTES) is full: ${usedBytes} of ${limitBytes} bytes used${asked}; try again once an operator has made room`,
    extra: figures,
  });
}

/**
 * The requester (findRequester, read fresh) once their storage quota is known not to be used up:
 * 401 when the key's user no longer exists; 409 `quota-exceeded` naming both figures, then
 * `whenFull` (what the user can do once older episodes expire), otherwise.
 */
export async function requesterWithRoom(
  db: PrismaClient,
  settings: Pick<ApiSettings, 'userStorageQuotaBytes'>,
  userId: string,
  whenFull: string,
) {
  const user = await findRequester(db, userId);
  if (!user)
    throw new HttpProblem(401, { type: 'unauthorized', detail: 'the user of this key no longer exists' });
  const quota = quotaStatus(user.usedBytes, user.storageQuotaBytes, settings.userStorageQuotaBytes);
  if (quota.exceeded) {
    throw new HttpProblem(409, {
      type: 'quota-exceeded',
      detail: `your episodes use ${quota.usedBytes} bytes of your ${quota.quotaBytes}-byte storage quota; ${whenFull}`,
      extra: { usedBytes: quota.usedBytes, quotaBytes: quota.quotaBytes },
    });
  }
  return user;
}

/**
 * Throws the 413 / 507 problem unless `incomingBytes` more fit both the user's quota and the
 * fleet's. A route that streams a body of unknown size checks with its Content-Length (an upper
 * bound) before storing, and may check again with the stored size.
 */
export async function assertStorageRoom(
  db: PrismaClient,
  settings: Pick<ApiSettings, 'userStorageQuotaBytes' | 'fleetStorageQuotaBytes'>,
  request: { userId: string; incomingBytes: number },
): Promise<void> {
  const room = await checkStorageRoom(db, request, {
    userDefaultQuotaBytes: settings.userStorageQuotaBytes,
    fleetQuotaBytes: settings.fleetStorageQuotaBytes,
  });
  if (!room.ok) throw storageRefusalProblem(room);
}

/**
 * The fleet's stored bytes for the episode submit, a hot path: read at most once per `ttlMs` per
 * process (a fleet-wide SUM is not a per-request query). A full fleet is noticed up to `ttlMs`
 * late, a few episodes' worth, which a quota of gigabytes absorbs.
 */
export class FleetStorageGauge {
  private reading: { at: number; usedBytes: Promise<number> } | null = null;

  constructor(
    private readonly db: PrismaClient,
    private readonly quotaBytes: number,
    private readonly ttlMs = 10_000,
  ) {}

  /** Throws the 507 problem when the fleet's quota is used up (never with a quota of 0). */
  async assertRoom(nowMs: number = Date.now()): Promise<void> {
    if (this.quotaBytes === 0) return;
    if (!this.reading || nowMs - this.reading.at >= this.ttlMs) {
      const usedBytes = storageUsage(this.db).then((u) => u.totalBytes);
      usedBytes.catch(() => {
        // A failed read is not kept: the next request asks again.
        if (this.reading?.usedBytes === usedBytes) this.reading = null;
      });
      this.reading = { at: nowMs, usedBytes };
    }
    const usedBytes = await this.reading.usedBytes;
    if (usedBytes >= this.quotaBytes) {
      throw storageRefusalProblem({
        ok: false,
        quota: 'fleet',
        usedBytes,
        limitBytes: this.quotaBytes,
        incomingBytes: 0,
      });
    }
  }
}
