// The fixes in patches/ (pnpm-workspace.yaml `patchedDependencies`): ioredis and BullMQ defined
// getters per instance, which kept every pipeline and flow node alive through young-generation
// GCs. These tests fail if a patch stops being applied (e.g. after a version bump).
import { Queue } from 'bullmq';
import { deleteKeys, plainRedis, testPrefix } from '../test/support';

describe('patched dependencies', () => {
  const redis = plainRedis();
  afterAll(() => redis.quit());

  it('ioredis: a pipeline counts its commands through a prototype getter and still runs', async () => {
    const pipeline = redis.multi();
    expect(Object.getOwnPropertyDescriptor(pipeline, 'length')).toBeUndefined();
    const before = pipeline.length;
    pipeline.ping().echo('patched');
    expect(pipeline.length).toBe(before + 2);
    expect(await pipeline.exec()).toEqual([
      [null, 'PONG'],
      [null, 'patched'],
    ]);
  });

  it("BullMQ: a queue's backend view keeps its getters on a prototype and still reaches Redis", async () => {
    const prefix = testPrefix('patched');
    const queue = new Queue('patched', { connection: redis, prefix });
    try {
      const view = (
        queue as unknown as { backend: { queue: { client: Promise<{ ping(): Promise<string> }> } } }
      ).backend.queue;
      for (const getter of ['client', 'closing', 'blockingClient', 'redisVersion', 'databaseType']) {
        expect(Object.getOwnPropertyDescriptor(view, getter)).toBeUndefined();
      }
      expect(await (await view.client).ping()).toBe('PONG');
      const job = await queue.add('check', { n: 1 });
      expect(await redis.exists(`${prefix}:patched:${job.id}`)).toBe(1);
    } finally {
      await queue.close();
      await deleteKeys(redis, prefix);
    }
  });
});
