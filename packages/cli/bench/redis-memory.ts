/**
 * `npm run bench:redis-memory [-- --flows 2000]`: what Redis holds per episode job, for sizing it
 * (docs/capacity.md). On a Redis of its own, the real flows (enqueueEpisodeFlow: four stage jobs
 * with the catalog's options, a trace context in their data) are added with no worker running,
 * then drained by no-op workers, so the finished jobs are kept as the catalog says
 * (removeOnComplete: at most `count` per queue). Reports used_memory per waiting flow (a
 * backlog's cost) and per retained finished stage job (a fixed ceiling: count × stages), and
 * the Redis commands a flow costs to add and to drain. Writes bench-results/redis-memory.json.
 */

import {
  createFlowProducer,
  createRedis,
  enqueueEpisodeFlow,
  QUEUES,
  STAGES,
  type StageName,
} from '@podfleet/queue';
import { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { findExecutable, startLocalRedis } from '../src/services';
import { benchOptions, runBench, writeBenchResult } from './harness';
import { callsBetween, commandCalls } from './redis-commandstats';

const values = benchOptions({ flows: '2000' });
const FLOWS = Number(values.flows);
const PREFIX = 'memory-bench';
// What the API's tracer puts in every stage's data when OpenTelemetry is on (the larger case).
const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

async function usedMemory(redis: Redis): Promise<number> {
  const info = await redis.info('memory');
  return Number(/used_memory:(\d+)/.exec(info)?.[1]);
}

async function settledMemory(redis: Redis): Promise<number> {
  // Lazy frees and the allocator settle within a few reads; take the last of three, 100 ms apart.
  let bytes = 0;
  for (let i = 0; i < 3; i++) {
    bytes = await usedMemory(redis);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return bytes;
}

const totalCalls = (calls: Record<string, number>) => Object.values(calls).reduce((a, b) => a + b, 0);

async function main() {
  const redisServer = findExecutable('redis-server');
  if (!redisServer)
    throw new Error('bench:redis-memory starts its own Redis: redis-server must be on the PATH');
  const service = await startLocalRedis(redisServer);
  // BullMQ leaves connections it was given open: every one is disconnected at the end.
  const connections: Redis[] = [];
  const connect = (role: 'client' | 'worker') => {
    const connection = createRedis(service.url, { role });
    connections.push(connection);
    return connection;
  };
  const redis = connect('client');
  const producer = createFlowProducer(connect('client'), PREFIX);
  const workers: Worker[] = [];
  try {
    const empty = await settledMemory(redis);
    const beforeAdd = await commandCalls(redis);
    for (let i = 0; i < FLOWS; i++) {
      await enqueueEpisodeFlow(producer, {
        jobId: `cmemorybench${String(i).padStart(12, '0')}`,
        run: 1,
        userId: 'cmemorybenchuser0000000000',
        priority: 'normal',
        prefix: PREFIX,
        traceparent: TRACEPARENT,
      });
    }
    const addCalls = totalCalls(callsBetween(beforeAdd, await commandCalls(redis)));
    const waiting = await settledMemory(redis);

    const beforeDrain = await commandCalls(redis);
    const done = new Promise<void>((resolve) => {
      let uploads = 0;
      for (const stage of STAGES) {
        const worker = new Worker(stage, async () => ({ ok: true }), {
          connection: connect('worker'),
          prefix: PREFIX,
          concurrency: 16,
        });
        if (stage === 'upload')
          worker.on('completed', () => {
            if (++uploads === FLOWS) resolve();
          });
        workers.push(worker);
      }
    });
    await done;
    await Promise.all(workers.map((w) => w.close()));
    const drainCalls = totalCalls(callsBetween(beforeDrain, await commandCalls(redis)));
    const retained = await settledMemory(redis);
    const keptPerQueue = (stage: StageName) => {
      const keep = QUEUES[stage].removeOnComplete;
      return Math.min(FLOWS, typeof keep === 'object' && keep.count !== undefined ? keep.count : FLOWS);
    };
    const retainedJobs = STAGES.reduce((n, stage) => n + keptPerQueue(stage), 0);

    const result = {
      flows: FLOWS,
      stagesPerFlow: STAGES.length,
      bytesPerWaitingFlow: Math.round((waiting - empty) / FLOWS),
      bytesPerRetainedStageJob: Math.round((retained - empty) / retainedJobs),
      retainedStageJobs: retainedJobs,
      retainedCeilingBytes: retained - empty,
      redisCommandsPerFlow: { add: addCalls / FLOWS, drainNoOp: drainCalls / FLOWS },
      usedMemory: { empty, waiting, retained },
    };
    console.log(
      [
        `flows ${FLOWS} (${STAGES.length} stage jobs each)`,
        `waiting: ${result.bytesPerWaitingFlow} bytes per flow`,
        `finished, kept for Bull Board: ${result.bytesPerRetainedStageJob} bytes per stage job, ${retainedJobs} kept = ${(result.retainedCeilingBytes / 1024 / 1024).toFixed(1)} MiB ceiling`,
        `Redis commands per flow: add ${result.redisCommandsPerFlow.add.toFixed(1)}, drain through no-op workers ${result.redisCommandsPerFlow.drainNoOp.toFixed(1)}`,
      ].join('\n'),
    );
    console.log(`wrote ${await writeBenchResult('redis-memory', result)}`);
  } finally {
    await Promise.all(workers.map((w) => w.close()));
    await producer.close();
    for (const connection of connections) connection.disconnect();
    await service.stop();
  }
}

runBench('redis-memory', main);
