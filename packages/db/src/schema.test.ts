// Every model and every column goes through the generated client and comes back unchanged;
// both views answer with the shapes their `view` blocks declare.
import { types } from 'node:util';
import { dropDatabase, migratedScratchDatabase } from '../test/databases';
import { createPrismaClient, disconnectPrisma, getPrisma, type PrismaClient } from './index';

const databaseUrl = process.env.DATABASE_URL as string;
let db: PrismaClient;

beforeAll(() => {
  db = createPrismaClient(databaseUrl);
});
afterAll(() => db.$disconnect());

/** Dates as ISO strings so values compare by content whatever realm made them. */
function plain(value: unknown): unknown {
  if (types.isDate(value)) return value.toISOString();
  if (typeof value === 'bigint') return `${value}n`;
  if (Array.isArray(value)) return value.map(plain);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  }
  return value;
}

/** Asserts the stored row equals what was written and that no column was left null. */
function expectStored(row: object, written: object): void {
  expect(plain(row)).toEqual(plain(written));
  const nulls = Object.entries(row)
    .filter(([, v]) => v === null)
    .map(([k]) => k);
  expect(nulls).toEqual([]);
}

const t = (iso: string) => new Date(iso);

test('a row in every model, every column set, reads back unchanged', async () => {
  const suffix = Date.now().toString(36);
  const user = {
    id: `user-${suffix}`,
    email: `all-columns-${suffix}@example.com`,
    name: 'Ada',
    timezone: 'Europe/Paris',
    sources: [{ kind: 'rss', url: 'https://example.com/feed.xml', maxItems: 3 }],
    style: { hosts: [{ name: 'Maya' }, { name: 'Theo' }], targetMinutes: 3 },
    dailyEnabled: false,
    weeklyEnabled: true,
    pregenerateTier: 'partial' as const,
    webhookUrl: 'https://hooks.example.com/pf',
    feedToken: `feed-${suffix}`,
    mediaUrlVersion: 3,
    highPriorityPerDay: 5,
    storageQuotaBytes: 5n * 10n ** 12n, // past int4 and int32
    episodesGenerated: 7,
    listens: 11,
    lastSeenAt: t('2026-01-02T03:04:05.678Z'),
    lastGeneratedAt: t('2026-01-02T03:00:00.000Z'),
    createdAt: t('2025-12-01T00:00:00.000Z'),
    updatedAt: t('2025-12-01T00:00:00.000Z'),
  };
  await db.user.create({ data: user });
  const storedUser = await db.user.findUniqueOrThrow({ where: { id: user.id } });
  // @updatedAt is client-managed: Prisma overwrites it on create.
  expectStored(storedUser, { ...user, updatedAt: storedUser.updatedAt });
  expect(storedUser.storageQuotaBytes).toBe(5_000_000_000_000n);

  const apiKey = {
    id: `key-${suffix}`,
    userId: user.id,
    name: 'laptop',
    prefix: `pf_${suffix}`.slice(0, 12),
    hash: `hash-${suffix}`,
    createdAt: t('2026-01-01T00:00:00.000Z'),
    lastUsedAt: t('2026-01-03T00:00:00.000Z'),
    revokedAt: t('2026-01-04T00:00:00.000Z'),
  };
  await db.apiKey.create({ data: apiKey });
  expectStored(await db.apiKey.findUniqueOrThrow({ where: { id: apiKey.id } }), apiKey);

  const job = {
    id: `job-${suffix}`,
    userId: user.id,
    type: 'daily' as const,
    status: 'completed' as const,
    phase: 'upload' as const,
    progress: 100,
    currentStep: 'done',
    request: { type: 'daily', forceRegenerate: false, style: { tone: 'calm' } },
    idempotencyKey: `idem-${suffix}`,
    cacheKey: `podcast:${user.id}:daily:2026-01-02`,
    priority: 'high' as const,
    pregenerated: true,
    partial: true,
    run: 2,
    attempts: 1,
    maxAttempts: 5,
    errorCode: 'NONE',
    errorMessage: 'kept for the test',
    costUsd: 0.012345,
    wordCount: 512,
    providers: { script: 'local', tts: 'espeak' },
    webhookUrl: 'https://hooks.example.com/job',
    createdAt: t('2026-01-02T02:00:00.000Z'),
    enqueuedAt: t('2026-01-02T02:00:00.500Z'),
    startedAt: t('2026-01-02T02:00:01.000Z'),
    completedAt: t('2026-01-02T02:01:00.000Z'),
    updatedAt: t('2026-01-02T02:01:00.000Z'),
  };
  await db.job.create({ data: job });

  const episode = {
    id: `episode-${suffix}`,
    jobId: job.id,
    userId: user.id,
    type: 'daily' as const,
    title: 'Tuesday',
    description: 'Two hosts, three stories.',
    audioKey: `episodes/${suffix}.mp3`,
    transcriptKey: `episodes/${suffix}.json`,
    sizeBytes: 1_234_567,
    durationSec: 181.25,
    mimeType: 'audio/mpeg',
    chapters: [{ title: 'Intro', startSec: 0 }],
    transcript: [{ speaker: 'Maya', text: 'Hello.', start: 0, end: 0.8 }],
    sources: [{ kind: 'rss', title: 'A story', url: 'https://example.com/a' }],
    localDate: '2026-01-02',
    createdAt: t('2026-01-02T02:01:00.000Z'),
    expiresAt: t('2026-01-03T00:00:00.000Z'),
    archivedAt: t('2026-01-04T00:00:00.000Z'),
    version: 2,
    scriptVersion: 3,
    scriptKey: `jobs/rerender-${suffix}/script.json`,
    renderJobId: `rerender-${suffix}`,
    renderedAt: t('2026-01-02T05:00:00.000Z'),
  };
  await db.episode.create({ data: episode });
  expectStored(await db.episode.findUniqueOrThrow({ where: { id: episode.id } }), episode);

  const withEpisode = { ...job, episodeId: episode.id };
  await db.job.update({ where: { id: job.id }, data: { episodeId: episode.id, updatedAt: job.updatedAt } });
  const storedJob = await db.job.findUniqueOrThrow({ where: { id: job.id } });
  expectStored(storedJob, { ...withEpisode, updatedAt: storedJob.updatedAt });

  const stage = {
    id: `stage-${suffix}`,
    jobId: job.id,
    stage: 'audio' as const,
    status: 'skipped' as const,
    attempts: 2,
    artifactKey: `jobs/${job.id}/episode.mp3`,
    checksum: 'a'.repeat(64),
    startedAt: t('2026-01-02T02:00:10.000Z'),
    finishedAt: t('2026-01-02T02:00:50.000Z'),
    durationMs: 40_000,
    errorCode: 'TTS_429',
    errorMessage: 'rate limited once',
  };
  await db.jobStage.create({ data: stage });
  expectStored(await db.jobStage.findUniqueOrThrow({ where: { id: stage.id } }), stage);

  const event = await db.jobEvent.create({
    data: {
      jobId: job.id,
      type: 'progress',
      data: { progress: 42 },
      createdAt: t('2026-01-02T02:00:20.000Z'),
    },
  });
  expect(typeof event.id).toBe('bigint');
  expectStored(await db.jobEvent.findUniqueOrThrow({ where: { id: event.id } }), {
    id: event.id,
    jobId: job.id,
    type: 'progress',
    data: { progress: 42 },
    createdAt: t('2026-01-02T02:00:20.000Z'),
  });

  const document = {
    id: `doc-${suffix}`,
    contentHash: `sha256-${suffix}`,
    url: 'https://example.com/a',
    title: 'A story',
    kind: 'url',
    textKey: `sources/${suffix}.txt`,
    publishedAt: t('2026-01-01T08:00:00.000Z'),
    fetchedAt: t('2026-01-02T01:59:00.000Z'),
    createdAt: t('2026-01-02T01:59:00.000Z'),
  };
  await db.sourceDocument.create({ data: document });
  expectStored(await db.sourceDocument.findUniqueOrThrow({ where: { id: document.id } }), document);

  const webhook = {
    id: `hook-${suffix}`,
    userId: user.id,
    url: 'https://hooks.example.com/registered',
    secret: 'whsec_test',
    events: ['completed', 'failed'],
    active: false,
    createdAt: t('2026-01-01T00:00:00.000Z'),
  };
  await db.webhook.create({ data: webhook });
  expectStored(await db.webhook.findUniqueOrThrow({ where: { id: webhook.id } }), webhook);

  const delivery = {
    id: `delivery-${suffix}`,
    jobId: job.id,
    webhookUrl: webhook.url,
    event: 'completed',
    attempt: 2,
    statusCode: 204,
    error: 'first attempt timed out',
    requestBody: { event: 'completed', job: { id: job.id } },
    durationMs: 35,
    deliveredAt: t('2026-01-02T02:01:01.000Z'),
    createdAt: t('2026-01-02T02:01:00.500Z'),
  };
  await db.webhookDelivery.create({ data: delivery });
  expectStored(await db.webhookDelivery.findUniqueOrThrow({ where: { id: delivery.id } }), delivery);

  const listen = {
    id: `listen-${suffix}`,
    userId: user.id,
    episodeId: episode.id,
    createdAt: t('2026-01-02T07:00:00.000Z'),
  };
  await db.listen.create({ data: listen });
  expectStored(await db.listen.findUniqueOrThrow({ where: { id: listen.id } }), listen);

  const clip = {
    id: `clip-${suffix}`,
    userId: user.id,
    episodeId: episode.id,
    jobId: job.id,
    platform: 'reels',
    startSec: 12.5,
    endSec: 41.25,
    durationSec: 28.75,
    score: 0.82,
    confidence: 'high',
    title: 'Why the bill matters',
    text: 'Why does this bill matter? Three reasons.',
    features: { values: { hookQuestion: 1 }, hook: 'question' },
    mp3Key: `clips/${suffix}.mp3`,
    mp4Key: `clips/${suffix}.mp4`,
    sizeBytes: 3_000_000_000n, // past int4
    createdAt: t('2026-01-02T08:00:00.000Z'),
    expiresAt: t('2026-02-02T08:00:00.000Z'),
    archivedAt: t('2026-02-03T08:00:00.000Z'),
  };
  await db.clip.create({ data: clip });
  expectStored(await db.clip.findUniqueOrThrow({ where: { id: clip.id } }), clip);

  const feedback = {
    id: `feedback-${suffix}`,
    userId: user.id,
    episodeId: episode.id,
    clipId: clip.id,
    type: 'rating',
    rating: 5,
    comment: 'Great hook.',
    platform: 'reels',
    createdAt: t('2026-01-02T09:00:00.000Z'),
  };
  await db.feedback.create({ data: feedback });
  expectStored(await db.feedback.findUniqueOrThrow({ where: { id: feedback.id } }), feedback);
  await expect(db.feedback.create({ data: { userId: user.id, type: 'rating', rating: 6 } })).rejects.toThrow(
    /feedback_rating_check/,
  );

  const replaced = {
    id: `version-${suffix}`,
    episodeId: episode.id,
    version: 1,
    jobId: job.id,
    audioKey: `jobs/${job.id}/episode.mp3`,
    transcriptKey: `jobs/${job.id}/transcript.json`,
    scriptKey: `jobs/${job.id}/script.json`,
    sizeBytes: 1_000_000,
    durationSec: 180.5,
    mimeType: 'audio/mpeg',
    chapters: [{ title: 'Intro', startSec: 0 }],
    transcript: [{ speaker: 'Theo', text: 'Hi.', start: 0, end: 0.5 }],
    renderedAt: t('2026-01-02T02:01:00.000Z'),
    replacedAt: t('2026-01-02T05:00:00.000Z'),
  };
  await db.episodeVersion.create({ data: replaced });
  expectStored(await db.episodeVersion.findUniqueOrThrow({ where: { id: replaced.id } }), replaced);
  await expect(db.episodeVersion.create({ data: { ...replaced, id: `version2-${suffix}` } })).rejects.toThrow(
    /Unique constraint/,
  );
  // A re-render job points at the episode it renders, beside the job that made it.
  await db.job.create({
    data: { id: `rerender-${suffix}`, userId: user.id, type: 'custom', request: {}, episodeId: episode.id },
  });

  // Relations resolve both ways between a job and its episode.
  const linked = await db.job.findUniqueOrThrow({
    where: { id: job.id },
    include: { episode: true, producedBy: true, stages: true, events: true, deliveries: true },
  });
  expect(linked.episode?.id).toBe(episode.id);
  expect(linked.producedBy?.id).toBe(episode.id);
  const rendered = await db.episode.findUniqueOrThrow({
    where: { id: episode.id },
    include: { resultOf: { orderBy: { id: 'asc' } }, versions: true },
  });
  expect(rendered.resultOf.map((j) => j.id)).toEqual([job.id, `rerender-${suffix}`]);
  expect(rendered.versions.map((v) => v.version)).toEqual([1]);
  expect([linked.stages.length, linked.events.length, linked.deliveries.length]).toEqual([1, 1, 1]);

  // Deleting the user removes everything that belongs to them.
  await db.user.delete({ where: { id: user.id } });
  expect(await db.job.count({ where: { userId: user.id } })).toBe(0);
  expect(await db.webhookDelivery.findUnique({ where: { id: delivery.id } })).toMatchObject({ jobId: null });
});

test('defaults: ids, timestamps, feed token, counters and JSON', async () => {
  const user = await db.user.create({ data: { email: `defaults-${Date.now()}@example.com` } });
  expect(user.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/); // UUIDv7
  expect(user.feedToken).toMatch(/^[0-9a-f-]{36}$/);
  expect(user).toMatchObject({
    timezone: 'UTC',
    sources: [],
    style: null,
    dailyEnabled: true,
    weeklyEnabled: false,
    pregenerateTier: 'full',
    episodesGenerated: 0,
    listens: 0,
  });
  expect(types.isDate(user.createdAt)).toBe(true);
  const job = await db.job.create({ data: { userId: user.id, type: 'custom', request: {} } });
  expect(job).toMatchObject({
    status: 'queued',
    phase: null,
    progress: 0,
    priority: 'normal',
    run: 0,
    maxAttempts: 3,
    costUsd: 0,
  });
});

test('the progress CHECK constraint rejects values outside 0–100', async () => {
  const user = await db.user.create({ data: { email: `check-${Date.now()}@example.com` } });
  await expect(
    db.job.create({ data: { userId: user.id, type: 'custom', request: {}, progress: 101 } }),
  ).rejects.toThrow(/jobs_progress_range/);
});

test('getPrisma() is a lazily made singleton for DATABASE_URL; disconnectPrisma() resets it', async () => {
  const first = getPrisma();
  expect(getPrisma()).toBe(first);
  expect(await first.$queryRaw<{ db: string }[]>`SELECT current_database() AS db`).toEqual([
    { db: new URL(databaseUrl).pathname.slice(1) },
  ]);
  await disconnectPrisma();
  const second = getPrisma();
  expect(second).not.toBe(first);
  await disconnectPrisma();
});

describe('views (own database: the statistics cover every row)', () => {
  let url: string;
  let stats: PrismaClient;

  beforeAll(async () => {
    url = await migratedScratchDatabase(databaseUrl, 'views');
    stats = createPrismaClient(url);
  });
  afterAll(async () => {
    await stats.$disconnect();
    await dropDatabase(url);
  });

  test('active_generation_jobs lists queued and running jobs with user and age', async () => {
    const user = await stats.user.create({ data: { email: 'active@example.com' } });
    const hourAgo = new Date(Date.now() - 3600_000);
    const running = await stats.job.create({
      data: {
        userId: user.id,
        type: 'daily',
        request: {},
        status: 'running',
        phase: 'audio',
        progress: 55,
        createdAt: hourAgo,
      },
    });
    const queued = await stats.job.create({ data: { userId: user.id, type: 'custom', request: {} } });
    await stats.job.create({ data: { userId: user.id, type: 'custom', request: {}, status: 'completed' } });

    const rows = await stats.activeGenerationJob.findMany({ orderBy: { createdAt: 'asc' } });
    expect(rows.map((r) => r.jobId)).toEqual([running.id, queued.id]);
    expect(rows[0]).toMatchObject({
      userId: user.id,
      userEmail: 'active@example.com',
      type: 'daily',
      status: 'running',
      phase: 'audio',
      progress: 55,
    });
    expect(rows[0]?.ageSec).toBeGreaterThan(3590);
    expect(rows[0]?.ageSec).toBeLessThan(3700);
    expect(types.isDate(rows[0]?.createdAt)).toBe(true);
    await stats.job.deleteMany();
  });

  test('generation_job_stats: counts, success rate, percentiles and cost per period', async () => {
    const user = await stats.user.create({ data: { email: 'stats@example.com' } });
    const now = Date.now();
    const ago = (ms: number) => new Date(now - ms);
    const job = (data: {
      status: 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';
      createdAt?: Date;
      completedAt?: Date;
      costUsd?: number;
    }) => stats.job.create({ data: { userId: user.id, type: 'custom', request: {}, ...data } });

    // Recent: two completed (1 s and 3 s end to end), one failed, one cancelled, one queued.
    const recent = await job({
      status: 'completed',
      createdAt: ago(60_000),
      completedAt: ago(59_000),
      costUsd: 0.5,
    });
    await job({ status: 'completed', createdAt: ago(60_000), completedAt: ago(57_000), costUsd: 0.25 });
    await job({ status: 'failed', createdAt: ago(30_000), completedAt: ago(29_000) });
    await job({ status: 'cancelled', createdAt: ago(20_000) });
    await job({ status: 'queued' });
    // Two days old: completed in 9 s; only in all_time.
    const old = await job({
      status: 'completed',
      createdAt: ago(48 * 3600_000),
      completedAt: ago(48 * 3600_000 - 9_000),
      costUsd: 1,
    });

    // Scrape durations 100..400 ms (recent) and an old 1000 ms one; a failed stage is ignored.
    const stage = (
      jobId: string,
      stageName: 'scrape' | 'script',
      durationMs: number,
      finishedAt: Date,
      status: 'completed' | 'failed' = 'completed',
    ) => stats.jobStage.create({ data: { jobId, stage: stageName, status, durationMs, finishedAt } });
    const extra = await Promise.all([1, 2, 3].map(() => job({ status: 'running' })));
    await stage(recent.id, 'scrape', 100, ago(1000));
    await stage(extra[0]!.id, 'scrape', 200, ago(1000));
    await stage(extra[1]!.id, 'scrape', 300, ago(1000));
    await stage(extra[2]!.id, 'scrape', 400, ago(1000));
    await stage(old.id, 'scrape', 1000, ago(48 * 3600_000));
    await stage(recent.id, 'script', 5000, ago(1000), 'failed');

    const rows = await stats.generationJobStats.findMany();
    const byPeriod = Object.fromEntries(rows.map((r) => [r.period, r]));
    expect(Object.keys(byPeriod).sort()).toEqual(['all_time', 'last_24h']);

    const day = byPeriod.last_24h!;
    expect(day).toMatchObject({ total: 8, queued: 1, running: 3, completed: 2, failed: 1, cancelled: 1 });
    expect(day.successRate).toBeCloseTo(2 / 3, 10);
    expect(day.costUsd).toBeCloseTo(0.75, 10);
    // percentile_cont interpolates: p95 of [1000, 3000] = 1000 + 0.95 × 2000; whole milliseconds.
    expect([day.jobAvgMs, day.jobP50Ms, day.jobP95Ms]).toEqual([2000, 2000, 2900]);
    expect(Math.abs(day.since!.getTime() - (now - 24 * 3600_000))).toBeLessThan(60_000);
    expect(day.stages).toEqual({ scrape: { count: 4, avgMs: 250, p50Ms: 250, p95Ms: 385 } });

    const all = byPeriod.all_time!;
    expect(all).toMatchObject({ total: 9, completed: 3, failed: 1, since: null });
    expect(all.successRate).toBeCloseTo(3 / 4, 10);
    expect(all.costUsd).toBeCloseTo(1.75, 10);
    expect([all.jobAvgMs, all.jobP50Ms, all.jobP95Ms]).toEqual([4333, 3000, 8400]);
    expect(all.stages).toEqual({ scrape: { count: 5, avgMs: 400, p50Ms: 300, p95Ms: 880 } });
  });

  test('generation_job_stats on an empty database: zero counts, null rates', async () => {
    await stats.job.deleteMany();
    const rows = await stats.generationJobStats.findMany();
    for (const row of rows) {
      expect(row).toMatchObject({ total: 0, successRate: null, jobP50Ms: null, costUsd: 0, stages: {} });
    }
  });
});
