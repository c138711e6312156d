import type { Redis } from 'ioredis';
import { z } from 'zod';
import { STAGE_ORDER } from './queues';

/**
 * A job-event bus over Redis pub/sub, so whichever API replica holds a client's SSE stream hears
 * what any worker reports. Pub/sub is fire-and-forget: a subscriber reads the job's current state
 * from the database after subscribing, and treats events as "something changed" plus detail.
 */
export const jobEventSchema = z.object({
  type: z.enum(['progress', 'completed', 'failed', 'cancelled']),
  jobId: z.string().min(1),
  status: z.enum(['queued', 'running', 'completed', 'failed', 'cancelled']),
  phase: z.enum(STAGE_ORDER).nullable(),
  progress: z.number().min(0).max(100),
  currentStep: z.string().nullable(),
  /** ISO timestamp of the change. */
  at: z.iso.datetime(),
  error: z.object({ code: z.string(), message: z.string() }).nullable().optional(),
  episodeId: z.string().nullable().optional(),
});

export type JobEvent = z.infer<typeof jobEventSchema>;

export function jobEventChannel(prefix: string, jobId: string): string {
  return `${prefix}:events:${jobId}`;
}

/** Publishes one event (validated); resolves to the number of subscribers that received it. */
export async function publishJobEvent(
  redis: Redis,
  prefix: string,
  jobId: string,
  event: JobEvent,
): Promise<number> {
  const valid = jobEventSchema.parse(event);
  if (valid.jobId !== jobId)
    throw new Error(`event for job ${valid.jobId} published on job ${jobId}'s channel`);
  return redis.publish(jobEventChannel(prefix, jobId), JSON.stringify(valid));
}

type Handler = (event: JobEvent) => void;

/** Per subscriber connection: channel → handlers. One 'message' listener dispatches for all. */
const dispatchers = new WeakMap<Redis, Map<string, Set<Handler>>>();

function dispatcherFor(sub: Redis): Map<string, Set<Handler>> {
  let channels = dispatchers.get(sub);
  if (!channels) {
    const map = new Map<string, Set<Handler>>();
    sub.on('message', (channel: string, message: string) => {
      const handlers = map.get(channel);
      if (!handlers) return;
      let parsed: JobEvent;
      try {
        parsed = jobEventSchema.parse(JSON.parse(message));
      } catch {
        return; // not one of ours; never let a bad message break the other streams
      }
      for (const handler of handlers) handler(parsed);
    });
    dispatchers.set(sub, map);
    channels = map;
  }
  return channels;
}

/**
 * Subscribes to one job's events on a connection dedicated to subscriptions (a Redis connection
 * in subscriber mode can run no other command). Many jobs and many listeners can share it.
 * Resolves once Redis confirmed the subscription; the returned function unsubscribes.
 */
export async function subscribeJobEvents(
  sub: Redis,
  prefix: string,
  jobId: string,
  onEvent: Handler,
): Promise<() => Promise<void>> {
  const channel = jobEventChannel(prefix, jobId);
  const channels = dispatcherFor(sub);
  let handlers = channels.get(channel);
  if (!handlers) {
    handlers = new Set();
    channels.set(channel, handlers);
  }
  // A distinct wrapper per call, so the same function subscribed twice is two subscriptions.
  const handler: Handler = (event) => onEvent(event);
  handlers.add(handler);
  await sub.subscribe(channel);
  let done = false;
  return async () => {
    if (done) return;
    done = true;
    const current = channels.get(channel);
    current?.delete(handler);
    if (current && current.size === 0) {
      channels.delete(channel);
      await sub.unsubscribe(channel);
    }
  };
}
