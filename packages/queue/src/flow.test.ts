import { waitFor } from '@podfleet/test-kit';
import { type FlowJob, FlowProducer, Job, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { captureLogger, deferred, deleteKeys, REDIS_URL, testPrefix } from '../test/support';
import { createRedis } from './connection';
import { buildEpisodeFlow, enqueueEpisodeFlow, PRIORITY_LEVELS, removeEpisodeFlow, stageJobId } from './flow';
import { RETRY_AFTER_BACKOFF, STAGE_ORDER, STAGES, type StageName, type StagePayload } from './queues';
import { startWorkers, type WorkerRuntime } from './worker-runtime';

/** Walks root → leaf. */
function chain(flow: FlowJob): FlowJob[] {
  const nodes: FlowJob[] = [];
  let node: FlowJob | undefined = flow;
  while (node) {
    nodes.push(node);
    node = node.children?.[0] as FlowJob | undefined;
  }
  return nodes;
}

describe('buildEpisodeFlow', () => {
  const base = { jobId: 'job_1', run: 2, userId: 'user_1', priority: 'normal' as const, prefix: 'pf' };

  it('nests upload ← audio ← script ← scrape with deterministic ids and the same payload', () => {
    const nodes = chain(buildEpisodeFlow(base));
    expect(nodes.map((n) => n.queueName)).toEqual(['upload', 'audio', 'script', 'scrape']);
    expect(nodes.map((n) => n.opts?.jobId)).toEqual([
      'job_1.2.upload',
      'job_1.2.audio',
      'job_1.2.script',
      'job_1.2.scrape',
    ]);
    for (const n of nodes) {
      expect(n.name).toBe(n.queueName);
      expect(n.prefix).toBe('pf');
      expect(n.data).toEqual({ jobId: 'job_1', run: 2, userId: 'user_1' });
      expect(n.children?.length ?? 0).toBeLessThanOrEqual(1);
      expect(n.opts).toMatchObject({ attempts: 3, backoff: { type: RETRY_AFTER_BACKOFF } });
    }
  });

  it('sets failParentOnFailure on every child and not on the root', () => {
    const [root, ...children] = chain(buildEpisodeFlow(base));
    expect(root!.opts?.failParentOnFailure).toBeUndefined();
    expect(children).toHaveLength(3);
    for (const child of children) expect(child.opts?.failParentOnFailure).toBe(true);
  });

  it('maps priorities so that high runs first and none is 0 (0 would outrank them all)', () => {
    expect(PRIORITY_LEVELS.high).toBeLessThan(PRIORITY_LEVELS.normal);
    expect(PRIORITY_LEVELS.normal).toBeLessThan(PRIORITY_LEVELS.low);
    expect(PRIORITY_LEVELS.high).toBeGreaterThan(0);
    for (const priority of ['high', 'normal', 'low'] as const) {
      for (const n of chain(buildEpisodeFlow({ ...base, priority }))) {
        expect(n.opts?.priority).toBe(PRIORITY_LEVELS[priority]);
      }
    }
  });

  it('fromStage leaves out earlier stages (resume)', () => {
    const nodes = chain(buildEpisodeFlow({ ...base, fromStage: 'audio' }));
    expect(nodes.map((n) => n.queueName)).toEqual(['upload', 'audio']);
    expect(nodes[1]!.children).toBeUndefined();
    expect(nodes[1]!.opts?.failParentOnFailure).toBe(true);
  });

  it('toStage makes an earlier stage the root and marks partial pre-generation', () => {
    const nodes = chain(buildEpisodeFlow({ ...base, toStage: 'script' }));
    expect(nodes.map((n) => n.queueName)).toEqual(['script', 'scrape']);
    expect(nodes[0]!.opts?.failParentOnFailure).toBeUndefined();
    for (const n of nodes) expect(n.data).toMatchObject({ partial: true });
    const single = chain(buildEpisodeFlow({ ...base, fromStage: 'upload', toStage: 'upload' }));
    expect(single.map((n) => n.opts?.jobId)).toEqual(['job_1.2.upload']);
    expect(single[0]!.data.partial).toBeUndefined();
  });

  it("builds a clips job's flow: its one stage, the root, not partial", () => {
    const nodes = chain(buildEpisodeFlow({ ...base, stages: ['clips'] }));
    expect(nodes.map((n) => [n.queueName, n.opts?.jobId])).toEqual([['clips', 'job_1.2.clips']]);
    expect(nodes[0]!.data).toEqual({ jobId: 'job_1', run: 2, userId: 'user_1' });
    expect(chain(buildEpisodeFlow({ ...base, stages: ['clips'], fromStage: 'clips' }))).toHaveLength(1);
    expect(() => buildEpisodeFlow({ ...base, stages: ['clips'], fromStage: 'audio' })).toThrow(/fromStage/);
  });

  it('rejects bad arguments', () => {
    expect(() => buildEpisodeFlow({ ...base, fromStage: 'audio', toStage: 'script' })).toThrow(/fromStage/);
    expect(() => buildEpisodeFlow({ ...base, jobId: 'a:b' })).toThrow(/jobId/);
    expect(() => buildEpisodeFlow({ ...base, run: 0 })).toThrow(/run/);
  });
});

describe('episode flows in Redis', () => {
  let redis: Redis;
  let flowProducer: FlowProducer;
  let prefix: string;
  let queues: { [S in StageName]: Queue<StagePayload> };
  let runtime: WorkerRuntime | undefined;

  beforeEach(async () => {
    prefix = testPrefix('flow');
    redis = createRedis(REDIS_URL, { role: 'producer', name: 'test' });
    flowProducer = new FlowProducer({ connection: redis, prefix });
    queues = Object.fromEntries(
      STAGE_ORDER.map((s) => [s, new Queue(s, { connection: redis, prefix })]),
    ) as typeof queues;
    await flowProducer.waitUntilReady();
  });

  afterEach(async () => {
    await runtime?.close();
    runtime = undefined;
    await deleteKeys(redis, prefix);
    await Promise.all(Object.values(queues).map((q) => q.close()));
    await flowProducer.close();
    await redis.quit();
  });

  const start = (processors: Parameters<typeof startWorkers>[0]['processors']) => {
    runtime = startWorkers({
      app: 'test',
      redisUrl: REDIS_URL,
      prefix,
      logger: captureLogger().logger,
      processors,
      shutdownTimeoutMs: 5_000,
    });
    return runtime;
  };

  it('runs the children first: scrape, script, audio, upload', async () => {
    const order: string[] = [];
    const record = (stage: StageName) => async (payload: StagePayload) => {
      order.push(`${stage}:${payload.jobId}.${payload.run}`);
      return { stage };
    };
    const node = await enqueueEpisodeFlow(flowProducer, {
      jobId: 'ep1',
      run: 1,
      userId: 'u1',
      priority: 'high',
      prefix,
    });
    expect(node.job.id).toBe('ep1.1.upload');
    const stored = await Job.fromId(queues.scrape, 'ep1.1.scrape');
    expect(stored?.priority).toBe(PRIORITY_LEVELS.high);
    expect(await queues.upload.getJobState('ep1.1.upload')).toBe('waiting-children');

    await start({
      scrape: record('scrape'),
      script: record('script'),
      audio: record('audio'),
      upload: record('upload'),
    }).ready;
    await waitFor(async () => (await queues.upload.getJobState('ep1.1.upload')) === 'completed', {
      what: 'upload completed',
    });
    expect(order).toEqual(['scrape:ep1.1', 'script:ep1.1', 'audio:ep1.1', 'upload:ep1.1']);
    const upload = await Job.fromId(queues.upload, 'ep1.1.upload');
    expect(await upload!.getChildrenValues()).toEqual({
      [`${prefix}:audio:ep1.1.audio`]: { stage: 'audio' },
    });
  });

  it('a child failing for good fails every parent instead of leaving them waiting for children', async () => {
    const ran: string[] = [];
    await enqueueEpisodeFlow(flowProducer, {
      jobId: 'ep2',
      run: 1,
      userId: 'u1',
      priority: 'normal',
      prefix,
    });
    await start({
      scrape: async () => {
        ran.push('scrape');
        throw Object.assign(new Error('no such bill'), { code: 'SOURCE_INVALID', retryable: false });
      },
      script: async () => void ran.push('script'),
      audio: async () => void ran.push('audio'),
      upload: async () => void ran.push('upload'),
    }).ready;
    for (const stage of STAGES) {
      await waitFor(async () => (await queues[stage].getJobState(stageJobId('ep2', 1, stage))) === 'failed', {
        what: `${stage} failed`,
      });
    }
    expect(ran).toEqual(['scrape']);
    const scrape = await Job.fromId(queues.scrape, 'ep2.1.scrape');
    expect(scrape!.failedReason).toBe('[SOURCE_INVALID] no such bill');
    expect(scrape!.attemptsMade).toBe(1);
    const upload = await Job.fromId(queues.upload, 'ep2.1.upload');
    expect(upload!.failedReason).toBe(`child ${prefix}:audio:ep2.1.audio failed`);
  });

  it('a partial flow (toStage script) ends at script; a resumed one starts at audio', async () => {
    const ran: string[] = [];
    const record = (stage: StageName) => async (p: StagePayload) =>
      void ran.push(`${stage}:${p.run}:${p.partial}`);
    await enqueueEpisodeFlow(flowProducer, {
      jobId: 'ep3',
      run: 1,
      userId: 'u1',
      priority: 'low',
      toStage: 'script',
      prefix,
    });
    await start({
      scrape: record('scrape'),
      script: record('script'),
      audio: record('audio'),
      upload: record('upload'),
    }).ready;
    await waitFor(async () => (await queues.script.getJobState('ep3.1.script')) === 'completed', {
      what: 'script',
    });
    expect(ran).toEqual(['scrape:1:true', 'script:1:true']);

    await enqueueEpisodeFlow(flowProducer, {
      jobId: 'ep3',
      run: 2,
      userId: 'u1',
      priority: 'normal',
      fromStage: 'audio',
      prefix,
    });
    await waitFor(async () => (await queues.upload.getJobState('ep3.2.upload')) === 'completed', {
      what: 'upload',
    });
    expect(ran).toEqual(['scrape:1:true', 'script:1:true', 'audio:2:undefined', 'upload:2:undefined']);
  });

  it('removeEpisodeFlow removes every waiting stage of the run', async () => {
    await enqueueEpisodeFlow(flowProducer, {
      jobId: 'ep4',
      run: 1,
      userId: 'u1',
      priority: 'normal',
      prefix,
    });
    await enqueueEpisodeFlow(flowProducer, {
      jobId: 'ep4',
      run: 2,
      userId: 'u1',
      priority: 'normal',
      prefix,
    });
    const result = await removeEpisodeFlow(queues, 'ep4', 1);
    expect(result).toEqual({ removed: ['upload', 'audio', 'script', 'scrape'], active: [] });
    for (const stage of STAGES) {
      expect(await Job.fromId(queues[stage], stageJobId('ep4', 1, stage))).toBeUndefined();
      // the other run is untouched
      expect(await Job.fromId(queues[stage], stageJobId('ep4', 2, stage))).toBeDefined();
    }
    expect(await removeEpisodeFlow(queues, 'ep4', 1)).toEqual({ removed: [], active: [] });
  });

  it("removeEpisodeFlow removes a clips job's waiting stage", async () => {
    await enqueueEpisodeFlow(flowProducer, {
      jobId: 'cl1',
      run: 1,
      userId: 'u1',
      priority: 'normal',
      stages: ['clips'],
      prefix,
    });
    expect(await queues.clips.getJobState(stageJobId('cl1', 1, 'clips'))).toBe('prioritized');
    expect(await removeEpisodeFlow(queues, 'cl1', 1)).toEqual({ removed: ['clips'], active: [] });
    expect(await Job.fromId(queues.clips, stageJobId('cl1', 1, 'clips'))).toBeUndefined();
  });

  it('removeEpisodeFlow leaves a running stage alone, removes the rest, and nothing runs after it', async () => {
    const release = deferred();
    const started = deferred();
    const ran: string[] = [];
    await enqueueEpisodeFlow(flowProducer, {
      jobId: 'ep5',
      run: 1,
      userId: 'u1',
      priority: 'normal',
      prefix,
    });
    const rt = start({
      scrape: async () => {
        ran.push('scrape');
        started.resolve();
        await release.promise;
      },
      script: async () => void ran.push('script'),
      audio: async () => void ran.push('audio'),
      upload: async () => void ran.push('upload'),
    });
    await started.promise;
    const result = await removeEpisodeFlow(queues, 'ep5', 1);
    expect(result).toEqual({ removed: ['upload', 'audio', 'script'], active: ['scrape'] });
    const scrapeDone = new Promise<void>((resolve) => rt.workers.scrape!.once('completed', () => resolve()));
    release.resolve();
    await scrapeDone;
    expect(await queues.scrape.getJobState('ep5.1.scrape')).toBe('completed');
    for (const stage of ['script', 'audio', 'upload'] as const) {
      expect(await Job.fromId(queues[stage], stageJobId('ep5', 1, stage))).toBeUndefined();
      expect(await queues[stage].getJobCounts('wait', 'active', 'prioritized')).toEqual({
        wait: 0,
        active: 0,
        prioritized: 0,
      });
    }
    expect(ran).toEqual(['scrape']);
  });
});
