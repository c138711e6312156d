import type { User } from '@podfleet/db';
import { createJobWithStages } from '@podfleet/db';
import { createTestContext, createUser, type TestContext } from '../test/context';
import { selectPregenerationTargets, type TargetSelection } from './targeting';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

// Thursday 26 November 2026. At 03:00Z it is 03:00 in UTC; at 08:00Z in New York (EST);
// at 18:00Z in Tokyo (next day); at 13:00Z in Kiritimati (+14, next day).
const at = (iso: string) => new Date(iso);
const T_UTC = at('2026-11-26T03:00:00Z');
const T_NY = at('2026-11-26T08:20:00Z');
const T_TOKYO = at('2026-11-26T18:45:00Z');
const T_KIRITIMATI = at('2026-11-26T13:00:00Z');

const summary = (s: TargetSelection) => ({
  targets: s.targets.map((t) => `${t.user.name}:${t.kind}:${t.tier}:${t.period}`).sort(),
  skipped: s.skipped.map((x) => `${x.userId}:${x.reason}${x.kind ? `:${x.kind}` : ''}`).sort(),
});

describe('selectPregenerationTargets', () => {
  let t: TestContext;
  let users: Record<string, User>;
  const name = (id: string) => Object.values(users).find((u) => u.id === id)?.name;
  const skippedNames = (s: TargetSelection) =>
    Object.fromEntries(
      s.skipped.map((x) => [name(x.userId), x.reason]).sort(([a], [b]) => String(a).localeCompare(String(b))),
    );

  beforeAll(async () => {
    t = await createTestContext();
  });
  afterAll(async () => {
    await t.close();
  });

  beforeEach(async () => {
    await t.db.user.deleteMany();
    const seen = at('2026-11-25T20:00:00Z');
    const mk = (n: string, o: Parameters<typeof createUser>[1] = {}) =>
      createUser(t.db, { name: n, ...o }, seen);
    users = {
      utc: await mk('utc'),
      ny: await mk('ny', { timezone: 'America/New_York' }),
      tokyo: await mk('tokyo', { timezone: 'Asia/Tokyo' }),
      kiritimati: await mk('kiritimati', { timezone: 'Pacific/Kiritimati' }),
      inactive: await createUser(t.db, {
        name: 'inactive',
        lastSeenAt: new Date(T_UTC.getTime() - 10 * DAY),
      }),
      dailyOff: await mk('dailyOff', { dailyEnabled: false }),
      partial: await mk('partial', { pregenerateTier: 'partial' }),
      noSources: await mk('noSources', { sources: [] }),
      tierNone: await mk('tierNone', { pregenerateTier: 'none' }),
      listener: await createUser(t.db, { name: 'listener', lastSeenAt: null, listens: 3 }),
      recentlyGenerated: await createUser(t.db, {
        name: 'recentlyGenerated',
        lastSeenAt: null,
        lastGeneratedAt: new Date(T_UTC.getTime() - 6 * DAY),
      }),
    };
  });

  it('at 03:00 UTC picks the active UTC users with daily on, each tier as flagged, and says why the rest are skipped', async () => {
    const s = await selectPregenerationTargets(t.db, { now: T_UTC, mode: 'scheduled' });
    expect(summary(s).targets).toEqual([
      'listener:daily:full:2026-11-26',
      'partial:daily:partial:2026-11-26',
      'recentlyGenerated:daily:full:2026-11-26',
      'utc:daily:full:2026-11-26',
    ]);
    expect(skippedNames(s)).toEqual({
      dailyOff: 'disabled',
      inactive: 'inactive',
      kiritimati: 'not-local-hour',
      noSources: 'no-sources',
      ny: 'not-local-hour',
      tierNone: 'disabled',
      tokyo: 'not-local-hour',
    });
    const target = s.targets.find((x) => x.user.id === users.utc!.id)!;
    expect(target.cacheKey).toBe(`podcast:${users.utc!.id}:daily:2026-11-26`);
  });

  it.each([
    ['New York', T_NY, 'ny', 'ny:daily:full:2026-11-26'],
    ['Tokyo', T_TOKYO, 'tokyo', 'tokyo:daily:full:2026-11-27'],
    ['Kiritimati', T_KIRITIMATI, 'kiritimati', 'kiritimati:daily:full:2026-11-27'],
  ])(
    'picks only the %s user when it is 3 am there, for their local date',
    async (_zone, now, who, expected) => {
      const s = await selectPregenerationTargets(t.db, { now, mode: 'scheduled' });
      expect(summary(s).targets).toEqual([expected]);
      const notHour = s.skipped.filter((x) => x.reason === 'not-local-hour').map((x) => name(x.userId));
      // The hour is checked right after the settings: everyone else but the two disabled users.
      const disabled = ['dailyOff', 'tierNone'];
      expect(notHour.sort()).toEqual(
        Object.keys(users)
          .filter((n) => n !== who && !disabled.includes(n))
          .sort(),
      );
    },
  );

  it('mode "all" ignores the hour: every eligible user in every timezone', async () => {
    const s = await selectPregenerationTargets(t.db, { now: T_NY, mode: 'all' });
    expect(summary(s).targets).toEqual([
      'kiritimati:daily:full:2026-11-26',
      'listener:daily:full:2026-11-26',
      'ny:daily:full:2026-11-26',
      'partial:daily:partial:2026-11-26',
      'recentlyGenerated:daily:full:2026-11-26',
      'tokyo:daily:full:2026-11-26',
      'utc:daily:full:2026-11-26',
    ]);
    expect(s.skipped.some((x) => x.reason === 'not-local-hour')).toBe(false);
  });

  it('honours a tuned activity rule and local hour', async () => {
    const s = await selectPregenerationTargets(t.db, {
      now: at('2026-11-26T05:00:00Z'),
      mode: 'scheduled',
      localHour: 5,
      activity: { minListens: 4, generatedWithinDays: 5 },
    });
    // listener (3 listens) and recentlyGenerated (6 days ago) are no longer active.
    expect(summary(s).targets).toEqual(['partial:daily:partial:2026-11-26', 'utc:daily:full:2026-11-26']);
    expect(skippedNames(s)).toMatchObject({ listener: 'inactive', recentlyGenerated: 'inactive' });
  });

  it('counts a user created within the last day as active, never seen or not', async () => {
    const created = async (n: string, createdAt: Date) => {
      const user = await createUser(t.db, { name: n, lastSeenAt: null });
      users[n] = await t.db.user.update({ where: { id: user.id }, data: { createdAt } });
    };
    await created('newToday', at('2026-11-26T01:30:00Z'));
    await created('newYesterday', at('2026-11-25T09:00:00Z'));
    await created('twoDaysOld', at('2026-11-24T02:59:00Z'));
    await created('notYetCreated', at('2026-11-26T03:00:01Z'));
    const s = await selectPregenerationTargets(t.db, { now: T_UTC, mode: 'scheduled' });
    expect(summary(s).targets).toEqual(
      expect.arrayContaining(['newToday:daily:full:2026-11-26', 'newYesterday:daily:full:2026-11-26']),
    );
    expect(skippedNames(s)).toMatchObject({ twoDaysOld: 'inactive', notYetCreated: 'inactive' });
  });

  it('adds the weekly episode on the user’s local Monday only', async () => {
    const seen = at('2026-11-29T20:00:00Z');
    const weeklyOnly = await createUser(
      t.db,
      { name: 'weeklyOnly', dailyEnabled: false, weeklyEnabled: true },
      seen,
    );
    const both = await createUser(t.db, { name: 'both', weeklyEnabled: true, timezone: 'Asia/Tokyo' }, seen);
    users.weeklyOnly = weeklyOnly;
    users.both = both;

    // Monday 30 November 03:00 UTC; in Tokyo it is Monday 30 November 03:00 at 2026-11-29T18:00Z.
    const monday = await selectPregenerationTargets(t.db, {
      now: at('2026-11-30T03:00:00Z'),
      mode: 'scheduled',
    });
    expect(summary(monday).targets.filter((x) => x.startsWith('weekly') || x.startsWith('both'))).toEqual([
      'weeklyOnly:weekly:full:2026-W49',
    ]);
    const tokyoMonday = await selectPregenerationTargets(t.db, {
      now: at('2026-11-29T18:00:00Z'),
      mode: 'scheduled',
    });
    // (the other Tokyo user, last seen four days before, is inactive by then)
    expect(summary(tokyoMonday).targets).toEqual(['both:daily:full:2026-11-30', 'both:weekly:full:2026-W49']);
    expect(skippedNames(tokyoMonday).tokyo).toBe('inactive');
    // On Thursday the weekly-only user has nothing due.
    const thursday = await selectPregenerationTargets(t.db, { now: T_UTC, mode: 'scheduled' });
    expect(skippedNames(thursday).weeklyOnly).toBe('disabled');
  });

  it('skips a period that already has a queued, running or completed job, but not a failed one', async () => {
    const job = (userId: string, status: 'completed' | 'failed' | 'running') =>
      createJobWithStages(t.db, {
        userId,
        type: 'daily',
        request: {},
        cacheKey: `podcast:${userId}:daily:2026-11-26`,
      }).then((j) => t.db.job.update({ where: { id: j.id }, data: { status } }));
    await job(users.utc!.id, 'completed');
    await job(users.partial!.id, 'running');
    await job(users.listener!.id, 'failed');
    const s = await selectPregenerationTargets(t.db, { now: T_UTC, mode: 'scheduled' });
    expect(summary(s).targets).toEqual([
      'listener:daily:full:2026-11-26',
      'recentlyGenerated:daily:full:2026-11-26',
    ]);
    expect(s.skipped.filter((x) => x.reason === 'already-generated')).toEqual(
      expect.arrayContaining([
        { userId: users.utc!.id, reason: 'already-generated', kind: 'daily' },
        { userId: users.partial!.id, reason: 'already-generated', kind: 'daily' },
      ]),
    );
  });

  it('pages through users', async () => {
    const s = await selectPregenerationTargets(t.db, { now: T_UTC, mode: 'all', pageSize: 2 });
    expect(s.targets.length + s.skipped.length).toBe(Object.keys(users).length);
    expect(new Set(s.targets.map((x) => x.user.id)).size).toBe(s.targets.length);
  });
});
