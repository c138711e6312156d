// The benches' baseline: BullMQ alone running the fleet's shape, a 4-stage flow per job (each
// stage the only child of the next) through no-op workers, as many per stage and as concurrent
// as the fleet's, with no bookkeeping. What the queue itself costs per job and per hand-over.
import { createRedis } from '@podfleet/queue';
import { type Job as BullJob, FlowProducer, Queue, Worker } from 'bullmq';

const STAGES = ['scrape', 'script', 'audio', 'upload'] as const;

export interface RawFlowsOptions {
  redisUrl: string;
  prefix: string;
  flows: number;
  /** Flows being added at once. */
  inFlight: number;
  /** Workers per stage. */
  replicas: number;
  /** Each worker's concurrency, by stage. */
  concurrency: Record<(typeof STAGES)[number], number>;
}

export interface RawFlowsResult {
  flows: number;
  wallMs: number;
  /** Each flow's add (FlowProducer.add). */
  addMs: number[];
  /** Flow added → root finished. */
  endToEndMs: number[];
  /** One stage finished → the next one taken by a worker. */
  hopMs: number[];
}

/** Runs `fn` over `items`, `limit` at a time. */
export async function inPool<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

export async function runRawFlows(options: RawFlowsOptions): Promise<RawFlowsResult> {
  const { redisUrl, flows: n } = options;
  const prefix = `${options.prefix}-raw`;
  const connection = createRedis(redisUrl, { role: 'worker', name: 'bench-raw' });
  const connections = [connection];
  const queues = STAGES.map((s) => new Queue(s, { connection, prefix }));
  const workers: Worker[] = [];
  for (let r = 0; r < options.replicas; r++) {
    for (const s of STAGES) {
      const conn = createRedis(redisUrl, { role: 'worker', name: `bench-raw-${s}-${r}` });
      connections.push(conn);
      workers.push(
        new Worker(s, async () => 'ok', { connection: conn, prefix, concurrency: options.concurrency[s] }),
      );
    }
  }
  await Promise.all(workers.map((w) => w.waitUntilReady()));
  const producer = new FlowProducer({ connection, prefix });
  const addMs: number[] = [];
  let done = 0;
  let allDone: () => void = () => {};
  const finished = new Promise<void>((resolve) => {
    allDone = resolve;
  });
  for (const w of workers.filter((w) => w.name === 'upload'))
    w.on('completed', () => {
      if (++done === n) allDone();
    });
  const started = performance.now();
  await inPool(
    Array.from({ length: n }, (_, i) => i),
    options.inFlight,
    async (i) => {
      let node: Parameters<FlowProducer['add']>[0] | undefined;
      for (const s of STAGES) {
        node = {
          name: s,
          queueName: s,
          data: { i },
          opts: { jobId: `r${i}.${s}`, removeOnComplete: false },
          ...(node ? { children: [{ ...node, opts: { ...node.opts, failParentOnFailure: true } }] } : {}),
        };
      }
      const t0 = performance.now();
      await producer.add(node!);
      addMs.push(performance.now() - t0);
    },
  );
  if (n > 0) await finished;
  const wallMs = performance.now() - started;

  const byStage = await Promise.all(queues.map((q) => q.getCompleted(0, n)));
  const find = (stage: number, i: number) =>
    byStage[stage]!.find((j: BullJob) => j.id === `r${i}.${STAGES[stage]}`);
  const endToEndMs: number[] = [];
  const hopMs: number[] = [];
  for (let i = 0; i < n; i++) {
    const chain = STAGES.map((_, s) => find(s, i));
    if (chain.some((j) => !j?.finishedOn || !j.processedOn)) continue;
    endToEndMs.push(chain[3]!.finishedOn! - chain[0]!.timestamp);
    for (let s = 1; s < chain.length; s++) hopMs.push(chain[s]!.processedOn! - chain[s - 1]!.finishedOn!);
  }
  await Promise.all(workers.map((w) => w.close()));
  await producer.close();
  for (const q of queues) await q.obliterate({ force: true });
  await Promise.all(queues.map((q) => q.close()));
  for (const c of connections) c.disconnect();
  return { flows: n, wallMs, addMs, endToEndMs, hopMs };
}
