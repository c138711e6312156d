// The clips stage on real Redis, PostgreSQL, fs storage and ffmpeg, without the API: an episode
// made here (a tone under a timed transcript), clips jobs submitted as the API does.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clipRequestSchema } from '@podfleet/clips';
import { type Episode, submitJob, type User } from '@podfleet/db';
import {
  normaliseClipsRequest,
  type PipelineContext,
  readArtifact,
  reconcile,
  retryEpisodeJob,
  stageProcessor,
  submitClipsJob,
} from '@podfleet/pipeline';
import { createTestContext, type TestContext } from '@podfleet/pipeline/testing';
import type { StorageDriver } from '@podfleet/providers';
import { startWorkers, type WorkerRuntime } from '@podfleet/queue';
import { createUser, waitForStatus } from '../test/harness';
import { clipsStage } from './clips-stage';
import { probeMedia } from './testing';
import { ffmpegPath, runTool } from './tools';

const LINES = [
  'Welcome back to the show about rivers.',
  'Why do rivers bend so much on flat land?',
  'Because water erodes the outer bank faster than the inner one.',
  'So a small bend keeps growing over the years.',
  'Until the river cuts through and leaves a lake behind.',
  'That lake has a name: an oxbow.',
  'There are more than 100 of them along the Mississippi.',
  'Next week we follow a river to the sea.',
];
const transcript = LINES.map((text, i) => ({
  speaker: i % 2 ? 'Ben' : 'Ava',
  text,
  start: i * 5,
  end: i * 5 + 4.8,
}));

describe('clips stage', () => {
  let t: TestContext;
  let ctx: PipelineContext;
  let runtime: WorkerRuntime;
  let user: User;
  let episode: Episode;
  /** Storage writes of clip media by key, and a key whose next write fails. */
  const puts = new Map<string, number>();
  let failNextPutOf: ((key: string) => boolean) | null = null;

  beforeAll(async () => {
    t = await createTestContext();
    // The real fs driver, counting clip media writes and failing one on demand.
    const storage: StorageDriver = Object.create(t.ctx.storage);
    storage.put = async (key, body, options) => {
      if (key.startsWith('clips/')) {
        if (failNextPutOf?.(key)) {
          failNextPutOf = null;
          throw Object.assign(new Error('the disk is full'), { code: 'STORAGE_FAILED', retryable: false });
        }
        puts.set(key, (puts.get(key) ?? 0) + 1);
      }
      return t.ctx.storage.put(key, body, options);
    };
    ctx = { ...t.ctx, storage };
    runtime = startWorkers({
      app: 'clips-test',
      redisUrl: process.env.REDIS_URL!,
      prefix: ctx.prefix,
      logger: ctx.logger,
      shutdownTimeoutMs: 5_000,
      processors: { clips: stageProcessor(ctx, 'clips', clipsStage(ctx)) },
    });
    await runtime.ready;

    user = await createUser(t.db);
    const dir = await mkdtemp(join(tmpdir(), 'clips-stage-test-'));
    try {
      const file = join(dir, 'episode.mp3');
      await runTool(ffmpegPath(), [
        ...['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'sine=frequency=220:duration=40'],
        ...['-c:a', 'libmp3lame', '-b:a', '64k', file],
      ]);
      const audioKey = `jobs/${user.id}/episode.mp3`;
      const stored = await t.ctx.storage.put(audioKey, await readFile(file), { contentType: 'audio/mpeg' });
      const madeBy = await t.db.job.create({
        data: { userId: user.id, type: 'custom', request: {}, status: 'completed' },
      });
      episode = await t.db.episode.create({
        data: {
          jobId: madeBy.id,
          userId: user.id,
          type: 'custom',
          title: 'Rivers',
          description: 'How rivers bend and leave lakes behind.',
          audioKey,
          sizeBytes: stored.sizeBytes,
          durationSec: 40,
          transcript,
        },
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
  afterAll(async () => {
    await runtime?.close();
    await t?.close();
  });

  const submit = (body: Record<string, unknown>) =>
    submitClipsJob(t.ctx, {
      userId: user.id,
      request: normaliseClipsRequest(episode.id, clipRequestSchema.parse(body)),
    });

  it('a retry keeps the clips an earlier attempt stored and renders only the rest', async () => {
    let clipWrites = 0;
    failNextPutOf = () => ++clipWrites === 2; // the second clip's MP3
    const { job } = await submit({ count: 2, minSec: 12, maxSec: 15, formats: ['mp3'] });
    const failed = await waitForStatus(t.db, job.id, ['failed', 'completed']);
    expect(failed).toMatchObject({ status: 'failed', errorCode: 'STORAGE_FAILED' });
    const first = await t.db.clip.findMany({ where: { jobId: job.id } });
    expect(first).toHaveLength(1);

    await retryEpisodeJob(t.ctx, job.id);
    const done = await waitForStatus(t.db, job.id, ['failed', 'completed']);
    expect(done).toMatchObject({ status: 'completed', progress: 100, run: 2 });
    const clips = await t.db.clip.findMany({ where: { jobId: job.id }, orderBy: { startSec: 'asc' } });
    const chosen = await readArtifact(ctx, job.id, 'clips');
    expect(clips.map((c) => c.id).sort()).toEqual(chosen.clips.map((c) => c.id).sort());
    expect(clips).toHaveLength(2);
    // The clip stored before the failure was not rendered again: one write of its MP3, same row.
    const kept = clips.find((c) => c.id === first[0]!.id)!;
    expect(kept.createdAt).toEqual(first[0]!.createdAt);
    expect(puts.get(kept.mp3Key!)).toBe(1);
    for (const clip of clips) {
      expect(clip.mp4Key).toBeNull();
      expect(clip.durationSec).toBeGreaterThanOrEqual(12);
      expect(clip.durationSec).toBeLessThanOrEqual(15);
      const head = await t.ctx.storage.head(clip.mp3Key!);
      expect(Number(clip.sizeBytes)).toBe(head?.sizeBytes);
      const probe = await probeMedia(t.ctx.storage.localPath!(clip.mp3Key!));
      expect(Math.abs(probe.durationSec - clip.durationSec)).toBeLessThanOrEqual(0.1);
    }
    expect(clips[0]!.endSec).toBeLessThanOrEqual(clips[1]!.startSec);
  });

  it('fails a job whose episode is too short for its clips with EPISODE_TOO_SHORT, not retried', async () => {
    const { job } = await submit({ count: 1, minSec: 60, maxSec: 60 });
    const failed = await waitForStatus(t.db, job.id, ['failed', 'completed']);
    expect(failed.errorCode).toBe('EPISODE_TOO_SHORT');
    expect(failed.errorMessage).toMatch(/no clip of 60–60 s fits this episode/);
    const stage = await t.db.jobStage.findFirstOrThrow({ where: { jobId: job.id } });
    expect(stage).toMatchObject({ stage: 'clips', status: 'failed', attempts: 1 });
  });

  it('is put back on the queue by the reconciler when Redis lost it, and completes', async () => {
    // A clips job the database holds as enqueued whose flow never reached Redis.
    const request = normaliseClipsRequest(
      episode.id,
      clipRequestSchema.parse({ count: 1, formats: ['mp3'] }),
    );
    const { job } = await submitJob(t.db, {
      userId: user.id,
      type: 'clips',
      request,
      priority: 'normal',
      idempotencyKey: null,
      cacheKey: null,
      pregenerated: false,
      partial: false,
      webhookUrl: null,
      dedupeInFlight: false,
      maxActiveJobs: 10,
    });
    expect(job.run).toBe(1);
    const result = await reconcile(t.ctx, { graceMs: -1000 });
    expect(result.reenqueued).toContain(job.id);
    const done = await waitForStatus(t.db, job.id, ['failed', 'completed']);
    expect(done).toMatchObject({ status: 'completed', run: 2 });
    expect(await t.db.clip.count({ where: { jobId: job.id } })).toBe(1);
  });
});
