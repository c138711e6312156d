import { assertRedisReady, type QueueSet, STAGE_ORDER } from '@podfleet/queue';
import { serviceUnavailable } from '../http/problem';

/** Stage queues whose waiting jobs count as the fleet's backlog. */
const STAGE_QUEUES = STAGE_ORDER;
/** States of jobs no worker has picked up yet (waiting-children parents are not extra work). */
const WAITING_STATES = ['wait', 'prioritized', 'delayed'] as const;

/**
 * Global backpressure: the number of stage jobs waiting for a worker across every stage queue.
 * One reading serves for `cacheMs`, so a burst of submissions costs a few Redis calls, not
 * four per request; the limit may then be overshot by what arrives within that window.
 */
export class QueueDepth {
  private cached: { at: number; depth: Promise<number> } | null = null;

  constructor(
    private readonly queues: QueueSet,
    private readonly cacheMs: number,
  ) {}

  waiting(now = Date.now()): Promise<number> {
    if (this.cached && now - this.cached.at < this.cacheMs) return this.cached.depth;
    const depth = this.read();
    this.cached = { at: now, depth };
    depth.catch(() => {
      if (this.cached?.depth === depth) this.cached = null; // never cache a failure
    });
    return depth;
  }

  private async read(): Promise<number> {
    assertRedisReady(this.queues.scrape); // BullMQ would wait for Redis instead of failing
    const counts = await Promise.all(STAGE_QUEUES.map((q) => this.queues[q].getJobCounts(...WAITING_STATES)));
    return counts.reduce((sum, c) => sum + WAITING_STATES.reduce((s, state) => s + (c[state] ?? 0), 0), 0);
  }
}

/** How long a client should wait when the fleet's queue is full. */
const QUEUE_FULL_RETRY_AFTER_SEC = 30;

/** 503 `queue-full` (Retry-After 30 s) when `maxQueueSize` stage jobs already wait for a worker. */
export async function assertQueueHasRoom(queueDepth: QueueDepth, maxQueueSize: number): Promise<void> {
  const waiting = await queueDepth.waiting();
  if (waiting >= maxQueueSize) {
    throw serviceUnavailable(
      `the queue is full (${waiting} jobs waiting); try again later`,
      QUEUE_FULL_RETRY_AFTER_SEC,
      'queue-full',
    );
  }
}
