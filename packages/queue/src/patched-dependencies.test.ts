// The fixes in patches/ (pnpm-workspace.yaml `patchedDependencies`): ioredis and BullMQ gave
// each pipeline, MULTI and flow node getters or closures of its own, which kept them alive
// through young-generation GCs, and ioredis copied every script of the client onto each pipeline. These tests fail if a patch stops being applied (e.g. after a
// version bump), and run the rewritten code.
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
    // MULTI's exec wrappers are shared functions, not closures made per pipeline.
    const other = redis.multi();
    expect(other.exec).toBe(pipeline.exec);
    const execBuffer = (p: object) => (p as { execBuffer?: unknown }).execBuffer;
    expect(execBuffer(other)).toBe(execBuffer(pipeline));
    expect(await pipeline.exec()).toEqual([
      [null, 'PONG'],
      [null, 'patched'],
    ]);
  });

  it("ioredis: pipelines find the client's scripts on a shared prototype, redefined ones included", async () => {
    type Scripted = { scriptEcho(arg: string): Promise<unknown> };
    type ScriptedPipeline = {
      scriptEcho(arg: string): unknown;
      exec(): Promise<Array<[Error | null, unknown]>>;
    };
    const client = plainRedis();
    try {
      client.defineCommand('scriptEcho', { numberOfKeys: 0, lua: "return 'one:' .. ARGV[1]" });
      const [first, second] = [client.multi(), client.pipeline()] as unknown as ScriptedPipeline[];
      // Not copied onto each pipeline (that made every MULTI a dictionary of 120+ functions).
      expect(Object.getOwnPropertyDescriptor(first, 'scriptEcho')).toBeUndefined();
      expect(first!.scriptEcho).toBe(second!.scriptEcho);
      first!.scriptEcho('a');
      second!.scriptEcho('b');
      expect(await first!.exec()).toEqual([[null, 'one:a']]);
      expect(await second!.exec()).toEqual([[null, 'one:b']]);
      // A script defined again after pipelines were made: new pipelines run the new one.
      client.defineCommand('scriptEcho', { numberOfKeys: 0, lua: "return 'two:' .. ARGV[1]" });
      const third = client.multi() as unknown as ScriptedPipeline;
      third.scriptEcho('c');
      expect(await third.exec()).toEqual([[null, 'two:c']]);
      expect(await (client as unknown as Scripted).scriptEcho('d')).toBe('two:d');
    } finally {
      await client.quit();
    }
  });

  it("BullMQ: a queue's backend view keeps its getters on a prototype and still reaches Redis", async () => {
    const prefix = testPrefix('patched');
    const queue = new Queue('patched', { connection: redis, prefix });
    try {
      type Transaction = Record<'runCommand' | 'hset' | 'hscan' | 'sscan', unknown> & {
        exec(): Promise<Array<[Error | null, unknown]>>;
      };
      type Client = { ping(): Promise<string>; multi(): Transaction };
      const view = (queue as unknown as { backend: { queue: { client: Promise<Client> } } }).backend.queue;
      for (const getter of ['client', 'closing', 'blockingClient', 'redisVersion', 'databaseType']) {
        expect(Object.getOwnPropertyDescriptor(view, getter)).toBeUndefined();
      }
      const client = await view.client;
      expect(await client.ping()).toBe('PONG');
      // BullMQ's transaction adapters are shared functions, not closures made per MULTI.
      const [first, second] = [client.multi(), client.multi()];
      for (const method of ['runCommand', 'hset', 'hscan', 'sscan'] as const) {
        expect(first[method]).toBe(second[method]);
      }
      // …and they still queue what the originals queued, on the transaction they are called on.
      type Call = (...args: unknown[]) => unknown;
      const hashKey = `${prefix}:hash`;
      const setKey = `${prefix}:set`;
      (first.hset as Call)(hashKey, { field: 'value' });
      (first.runCommand as Call)('sadd', [setKey, 'member']);
      (first.hscan as Call)(hashKey, '0', { COUNT: 10 });
      (first.sscan as Call)(setKey, '0');
      expect(await first.exec()).toEqual([
        [null, 1],
        [null, 1],
        [null, ['0', ['field', 'value']]],
        [null, ['0', ['member']]],
      ]);
      const job = await queue.add('check', { n: 1 });
      expect(await redis.exists(`${prefix}:patched:${job.id}`)).toBe(1);
    } finally {
      await queue.close();
      await deleteKeys(redis, prefix);
    }
  });
});
