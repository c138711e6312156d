// Who gets an episode made before they ask. Rules, in the order they are checked per user:
//   disabled        pregenerateTier `none`, or nothing due today: daily needs dailyEnabled,
//                   weekly needs weeklyEnabled and is due on the user's local Monday (for the
//                   ISO week that starts then)
//   not-local-hour  mode `scheduled` only: the user's local hour at `now` is not `localHour`
//   no-sources      no saved sources (a daily/weekly request would name none)
//   inactive        none of: generated within N days, seen (any authenticated API request, a
//                   listen) within M days, ≥ K listens, created within the last day (a new
//                   user's first morning comes before they had a chance to be seen)
//   over-quota      only when `quotaBytes` is given: stored episodes reach the user's quota;
//                   or, when `fleetQuotaBytes` is given, the fleet's stored bytes reach it
//   already-generated  per kind: a queued, running or completed job exists for the period's
//                   cache key `podcast:{userId}:{kind}:{period}` (a failed or cancelled one
//                   does not count, so a later run tries again)
// Everyone else is a target: tier `full` (the whole episode) or `partial` (script only).
import type { PrismaClient, User } from '@podfleet/db';
import {
  type EpisodeKind,
  episodeCacheKey,
  isValidTimeZone,
  localDate,
  localParts,
  localPeriod,
} from '@podfleet/pipeline';
import { isoWeekday } from './period';
import { quotaStatus, storageUsedByUser } from './retention';
import { storageUsage } from './storage-usage';

export interface ActivityRule {
  /** Active when an episode was generated within this many days… */
  generatedWithinDays: number;
  /** …or the user was seen (API use, a listen) within this many days… */
  seenWithinDays: number;
  /** …or has at least this many listens in all… */
  minListens: number;
  /** …or was created within this many days. */
  createdWithinDays: number;
}

export const DEFAULT_ACTIVITY: ActivityRule = {
  generatedWithinDays: 7,
  seenWithinDays: 3,
  minListens: 3,
  createdWithinDays: 1,
};

export type PregenerationMode = 'scheduled' | 'all';

export type SkipReason =
  | 'disabled'
  | 'not-local-hour'
  | 'no-sources'
  | 'inactive'
  | 'over-quota'
  | 'already-generated';

export const SKIP_REASONS: readonly SkipReason[] = [
  'disabled',
  'not-local-hour',
  'no-sources',
  'inactive',
  'over-quota',
  'already-generated',
];

export interface PregenerationTarget {
  user: User;
  tier: 'full' | 'partial';
  kind: EpisodeKind;
  /** `yyyy-mm-dd` (daily) or `yyyy-Www` (weekly) in the user's timezone at `now`. */
  period: string;
  /** `podcast:{userId}:{kind}:{period}`, the Job.cacheKey the pre-generated job will carry. */
  cacheKey: string;
}

export interface SkippedUser {
  userId: string;
  reason: SkipReason;
  /** Set for `already-generated`, which is decided per kind; the other reasons cover the user. */
  kind?: EpisodeKind;
}

export interface TargetingOptions {
  now: Date;
  /** `scheduled`: only users whose local hour is `localHour`; `all`: every user (manual run). */
  mode: PregenerationMode;
  /** Local hour targeted in `scheduled` mode (default 3). */
  localHour?: number;
  activity?: Partial<ActivityRule>;
  /** Default per-user storage quota (User.storageQuotaBytes overrides); unchecked when omitted. */
  quotaBytes?: number;
  /** STORAGE_QUOTA_BYTES: once the fleet's stored bytes reach it, every candidate is over quota. */
  fleetQuotaBytes?: number;
  /** Users read per query. */
  pageSize?: number;
}

export interface TargetSelection {
  targets: PregenerationTarget[];
  skipped: SkippedUser[];
}

const DAY_MS = 86_400_000;

/** Whether the user counts as active at `now`. */
export function isActive(
  user: Pick<User, 'lastGeneratedAt' | 'lastSeenAt' | 'listens' | 'createdAt'>,
  now: Date,
  rule: ActivityRule,
): boolean {
  const within = (at: Date | null, days: number) =>
    at !== null && now.getTime() - at.getTime() <= days * DAY_MS;
  // A user who does not exist yet at `now` (a run for an earlier moment) is not new then.
  const createdAgo = now.getTime() - user.createdAt.getTime();
  return (
    within(user.lastGeneratedAt, rule.generatedWithinDays) ||
    within(user.lastSeenAt, rule.seenWithinDays) ||
    user.listens >= rule.minListens ||
    (createdAgo >= 0 && createdAgo <= rule.createdWithinDays * DAY_MS)
  );
}

/** The kinds due for the user at `now`: daily every day, weekly on the local Monday. */
export function dueKinds(
  user: Pick<User, 'dailyEnabled' | 'weeklyEnabled' | 'pregenerateTier'>,
  now: Date,
  timeZone: string,
): EpisodeKind[] {
  if (user.pregenerateTier === 'none') return [];
  const kinds: EpisodeKind[] = [];
  if (user.dailyEnabled) kinds.push('daily');
  if (user.weeklyEnabled && isoWeekday(localDate(now, timeZone)) === 1) kinds.push('weekly');
  return kinds;
}

/** A zone the runtime does not know is read as UTC here; submitting the job then fails and is reported. */
const zoneOf = (user: Pick<User, 'timezone'>) => (isValidTimeZone(user.timezone) ? user.timezone : 'UTC');

/** Decides, for every user, whether to pre-generate now and which kinds (rules at the top of this file). */
export async function selectPregenerationTargets(
  db: PrismaClient,
  options: TargetingOptions,
): Promise<TargetSelection> {
  const { now, mode } = options;
  const localHour = options.localHour ?? 3;
  const rule = { ...DEFAULT_ACTIVITY, ...options.activity };
  const pageSize = options.pageSize ?? 500;
  const selection: TargetSelection = { targets: [], skipped: [] };

  let cursor: string | undefined;
  /** Read once, with the first candidates (a fleet-wide sum). */
  let fleetFull: boolean | undefined;
  for (;;) {
    const users = await db.user.findMany({
      orderBy: { id: 'asc' },
      take: pageSize,
      ...(cursor ? { cursor: { id: cursor }, skip: 1 } : {}),
    });
    if (users.length === 0) break;
    cursor = users.at(-1)?.id;

    const candidates: Array<{ user: User; kinds: EpisodeKind[] }> = [];
    for (const user of users) {
      const zone = zoneOf(user);
      const kinds = dueKinds(user, now, zone);
      const skip = (reason: SkipReason) => selection.skipped.push({ userId: user.id, reason });
      if (kinds.length === 0) skip('disabled');
      else if (mode === 'scheduled' && localParts(now, zone).hour !== localHour) skip('not-local-hour');
      else if (!Array.isArray(user.sources) || user.sources.length === 0) skip('no-sources');
      else if (!isActive(user, now, rule)) skip('inactive');
      else candidates.push({ user, kinds });
    }

    const overQuota = await usersOverQuota(
      db,
      candidates.map((c) => c.user),
      options.quotaBytes,
    );
    fleetFull ??= await isFleetFull(db, candidates.length, options.fleetQuotaBytes);
    const planned = candidates
      .filter(({ user }) => {
        if (!fleetFull && !overQuota.has(user.id)) return true;
        selection.skipped.push({ userId: user.id, reason: 'over-quota' });
        return false;
      })
      .flatMap(({ user, kinds }) =>
        kinds.map((kind): PregenerationTarget => {
          const period = localPeriod(kind, now, zoneOf(user));
          return {
            user,
            kind,
            period,
            cacheKey: episodeCacheKey(user.id, kind, period),
            tier: user.pregenerateTier === 'partial' ? 'partial' : 'full',
          };
        }),
      );

    const generated = await cacheKeysAlreadyGenerated(
      db,
      planned.map((t) => t.cacheKey),
    );
    for (const target of planned) {
      if (generated.has(target.cacheKey)) {
        selection.skipped.push({ userId: target.user.id, reason: 'already-generated', kind: target.kind });
      } else {
        selection.targets.push(target);
      }
    }
    if (users.length < pageSize) break;
  }
  return selection;
}

/** Cache keys that already have a job which is queued, running or completed. */
export async function cacheKeysAlreadyGenerated(db: PrismaClient, cacheKeys: string[]): Promise<Set<string>> {
  if (cacheKeys.length === 0) return new Set();
  const jobs = await db.job.findMany({
    where: { cacheKey: { in: cacheKeys }, status: { in: ['queued', 'running', 'completed'] } },
    select: { cacheKey: true },
  });
  return new Set(jobs.flatMap((j) => (j.cacheKey ? [j.cacheKey] : [])));
}

/** Whether the fleet's stored bytes (archive included) reach STORAGE_QUOTA_BYTES; not asked without candidates. */
async function isFleetFull(
  db: PrismaClient,
  candidates: number,
  fleetQuotaBytes: number | undefined,
): Promise<boolean | undefined> {
  if (!fleetQuotaBytes || candidates === 0) return undefined;
  return (await storageUsage(db)).totalBytes >= fleetQuotaBytes;
}

async function usersOverQuota(
  db: PrismaClient,
  users: User[],
  quotaBytes: number | undefined,
): Promise<Set<string>> {
  if (quotaBytes === undefined || users.length === 0) return new Set();
  const used = await storageUsedByUser(
    db,
    users.map((u) => u.id),
  );
  const over = new Set<string>();
  for (const user of users) {
    if (quotaStatus(used.get(user.id) ?? 0, user.storageQuotaBytes, quotaBytes).exceeded) over.add(user.id);
  }
  return over;
}
