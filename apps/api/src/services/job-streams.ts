import { createHash, randomUUID } from 'node:crypto';
import type { Job, PrismaClient } from '@podfleet/db';
import { toJobView } from '@podfleet/pipeline';
import { type JobEvent, RedisScript, RedisUnavailableError, subscribeJobEvents } from '@podfleet/queue';
import type { Request, Response } from 'express';
import type { Redis } from 'ioredis';
import { HttpProblem, notFound } from '../http/problem';

const TERMINAL = new Set(['completed', 'failed', 'cancelled']);
/** Id of the terminal event: an EventSource reconnecting with it gets 204 and stops reconnecting. */
const END_EVENT_ID = 'end';

type State = Pick<Job, 'status' | 'phase' | 'progress' | 'currentStep'>;

export interface JobStreamsOptions {
  db: PrismaClient;
  /** The process's one subscriber connection; every stream shares it (fan-out by channel). */
  subscriber: Redis;
  /** Producer-role connection: each user's open streams are counted there, across replicas. */
  redis: Redis;
  prefix: string;
  heartbeatMs: number;
  /** Open streams per user (every replica) and per process; a stream's lifetime (ms). */
  limits: { userMaxStreams: number; maxStreams: number; maxStreamMs: number };
}

/** A stream slot outlives its stream's lifetime by this much in Redis (a replica that died keeps none longer). */
const SLOT_GRACE_MS = 60_000;
/** Retry-After (s) when this process serves MAX_STREAMS: a client is better off at another replica. */
const PROCESS_FULL_RETRY_SEC = 5;

// The user's open streams as a sorted set scored by when each slot lapses: lapsed slots go first,
// then a slot is taken if fewer than the limit remain. Answers {1} or {0, ms until the first lapses}.
const TAKE_SLOT = new RedisScript(`
local now = tonumber(ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then
  local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return {0, tonumber(first[2]) - now}
end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return {1, 0}
`);

type PollListener = (job: Job | null | Error) => void;

/** The job read once per heartbeat for every stream of it in this process. */
interface JobPoll {
  listeners: Set<PollListener>;
  timer: NodeJS.Timeout;
}

/**
 * Server-Sent Events of job progress. Workers publish state changes on a Redis channel per job
 * (@podfleet/queue events), so a stream on any API replica hears them. Each stream subscribes
 * BEFORE reading the job, so no change between the read and the subscription is missed; it
 * sends the current state, then `progress` events (never going backwards), then exactly one
 * terminal event (`completed`, `failed` or `cancelled`, carrying the job) and ends. Pub/sub is
 * fire-and-forget, so every heartbeat also re-reads the job: a lost message delays an update by
 * at most one heartbeat and never leaves a stream open forever.
 */
export class JobStreams {
  private readonly open = new Set<() => void>();
  /** Streams being set up (counted against MAX_STREAMS before they open). */
  private starting = 0;
  private readonly polls = new Map<string, JobPoll>();

  constructor(private readonly opts: JobStreamsOptions) {}

  get size(): number {
    return this.open.size;
  }

  /** Jobs this process polls (one read per heartbeat each, however many streams watch it). */
  get polledJobs(): number {
    return this.polls.size;
  }

  /**
   * Serves one stream; 404 (before any byte is sent) when the job is not in `scope`; 429 with
   * Retry-After past MAX_STREAMS in this process or USER_MAX_STREAMS of the user's.
   */
  async serve(req: Request, res: Response, jobId: string, scope: { userId?: string }): Promise<void> {
    const { subscriber } = this.opts;
    if (subscriber.status !== 'ready') throw new RedisUnavailableError(subscriber.status);
    const { maxStreams } = this.opts.limits;
    if (this.open.size + this.starting >= maxStreams) {
      throw tooManyStreams(
        `this server holds ${maxStreams} event streams; try again shortly`,
        PROCESS_FULL_RETRY_SEC,
      );
    }
    this.starting += 1;
    let release: () => void = () => {};
    try {
      if (scope.userId) release = await this.takeUserSlot(req, scope.userId);
      await this.stream(req, res, jobId, scope, release);
    } catch (err) {
      release();
      throw err;
    } finally {
      this.starting -= 1;
    }
  }

  /** One of the user's USER_MAX_STREAMS slots (every replica), or 429; the function gives it back. */
  private async takeUserSlot(req: Request, userId: string): Promise<() => void> {
    const { redis, prefix, limits } = this.opts;
    const key = `${prefix}:sse:${userId}`;
    const slot = randomUUID();
    const [taken, lapsesInMs] = (await TAKE_SLOT.run(
      redis,
      [key],
      [Date.now(), limits.userMaxStreams, limits.maxStreamMs + SLOT_GRACE_MS, slot],
    )) as [number, number];
    if (taken !== 1) {
      // A slot frees when a stream closes (any time) or at the latest when the oldest one lapses.
      const retrySec = Math.max(1, Math.min(30, Math.ceil(lapsesInMs / 1000)));
      throw tooManyStreams(
        `you have ${limits.userMaxStreams} event streams open; close one or try again in ${retrySec} s`,
        retrySec,
      );
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      redis
        .zrem(key, slot)
        .catch((err: unknown) => req.log.warn({ err }, 'could not free an event stream slot'));
    };
  }

  /** Adds a listener to the job's shared heartbeat read; the function removes it. */
  private poll(jobId: string, listener: PollListener): () => void {
    let poll = this.polls.get(jobId);
    if (!poll) {
      const listeners = new Set<PollListener>();
      const timer = setInterval(() => {
        this.opts.db.job.findUnique({ where: { id: jobId } }).then(
          (job) => {
            for (const l of listeners) l(job);
          },
          (err: unknown) => {
            for (const l of listeners) l(err instanceof Error ? err : new Error(String(err)));
          },
        );
      }, this.opts.heartbeatMs);
      timer.unref();
      poll = { listeners, timer };
      this.polls.set(jobId, poll);
    }
    const { listeners, timer } = poll;
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
      if (listeners.size === 0 && this.polls.get(jobId)?.timer === timer) {
        clearInterval(timer);
        this.polls.delete(jobId);
      }
    };
  }

  private async stream(
    req: Request,
    res: Response,
    jobId: string,
    scope: { userId?: string },
    release: () => void,
  ): Promise<void> {
    const { db, subscriber, prefix } = this.opts;

    let started = false;
    let ended = false;
    let finishing = false;
    const backlog: JobEvent[] = [];
    let last: State | null = null;

    const write = (event: string, data: unknown, id?: string) => {
      res.write(`${id ? `id: ${id}\n` : ''}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    };
    const sendProgress = (s: State) => {
      if (last && (s.progress < last.progress || sameState(s, last))) return;
      last = { status: s.status, phase: s.phase, progress: s.progress, currentStep: s.currentStep };
      write('progress', { jobId, ...last }, stateId(last));
    };
    const finish = async (fallback: State & Partial<Job>) => {
      if (finishing) return;
      finishing = true;
      // The row is the record; the event only tells us to look (it can also outrun nothing: workers commit first).
      const job = await db.job.findUnique({ where: { id: jobId } }).catch(() => null);
      const view = job && TERMINAL.has(job.status) ? toJobView(job) : { id: jobId, ...fallback };
      write(view.status as string, view, END_EVENT_ID);
      end();
    };
    const handle = (event: JobEvent) => {
      if (ended || finishing) return;
      if (TERMINAL.has(event.type) || TERMINAL.has(event.status)) {
        void finish({
          status: event.status,
          phase: event.phase,
          progress: event.progress,
          currentStep: event.currentStep,
          ...(event.error ? { errorCode: event.error.code, errorMessage: event.error.message } : {}),
          ...(event.episodeId ? { episodeId: event.episodeId } : {}),
        } as State & Partial<Job>);
      } else {
        sendProgress(event);
      }
    };

    const unsubscribe = await subscribeJobEvents(subscriber, prefix, jobId, (event) => {
      if (started) handle(event);
      else backlog.push(event);
    });
    let stopPolling: () => void = () => {};
    let lifetime: NodeJS.Timeout | undefined;
    const end = () => {
      if (ended) return;
      ended = true;
      stopPolling();
      clearTimeout(lifetime);
      release();
      this.open.delete(end);
      unsubscribe().catch((err: unknown) => req.log.warn({ err, jobId }, 'SSE unsubscribe failed'));
      if (!res.writableEnded) res.end();
    };

    let job: Job | null;
    try {
      job = await db.job.findFirst({ where: { id: jobId, ...scope } });
    } catch (err) {
      await unsubscribe();
      throw err;
    }
    if (!job) {
      await unsubscribe();
      throw notFound('job');
    }
    if (TERMINAL.has(job.status) && req.headers['last-event-id'] === END_EVENT_ID) {
      await unsubscribe();
      release();
      res.status(204).end(); // an EventSource that already saw the end: tells it to stop reconnecting
      return;
    }

    res.status(200);
    res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    res.setHeader('Cache-Control', 'no-cache, no-transform');
    res.setHeader('Connection', 'keep-alive');
    res.setHeader('X-Accel-Buffering', 'no'); // nginx: do not buffer the stream
    res.flushHeaders();
    this.open.add(end);
    req.on('close', end);
    if (req.socket.destroyed) {
      end(); // the client left while the stream was being set up
      return;
    }
    res.write('retry: 3000\n\n');

    started = true;
    if (TERMINAL.has(job.status)) {
      await finish(job);
      return;
    }
    // A client resuming (Last-Event-ID) already has this state: the stream goes on from it.
    const resumedFrom = req.headers['last-event-id'];
    if (resumedFrom !== undefined && resumedFrom === stateId(job)) {
      last = { status: job.status, phase: job.phase, progress: job.progress, currentStep: job.currentStep };
    } else {
      sendProgress(job);
    }
    for (const event of backlog.splice(0)) handle(event);

    stopPolling = this.poll(jobId, (current) => {
      if (ended || finishing) return;
      res.write(': heartbeat\n\n');
      if (current instanceof Error) req.log.warn({ err: current, jobId }, 'SSE state check failed');
      else if (current && TERMINAL.has(current.status)) void finish(current);
      else if (current) sendProgress(current);
    });
    // No stream is held forever: the client reconnects (retry: 3000) and resumes from its Last-Event-ID.
    lifetime = setTimeout(end, this.opts.limits.maxStreamMs);
    lifetime.unref();
  }

  /** Ends every open stream (shutdown); clients reconnect to another replica. */
  closeAll(): void {
    for (const end of [...this.open]) end();
  }
}

const tooManyStreams = (detail: string, retryAfterSec: number) =>
  new HttpProblem(429, {
    type: 'too-many-streams',
    detail,
    headers: { 'Retry-After': String(retryAfterSec) },
  });

/** A progress event's id: names the state, so a client resuming with it is not sent it again. */
function stateId(s: State): string {
  const text = JSON.stringify([s.status, s.phase, s.progress, s.currentStep]);
  return `${s.progress}.${createHash('sha256').update(text).digest('base64url').slice(0, 12)}`;
}

function sameState(a: State, b: State): boolean {
  return (
    a.status === b.status &&
    a.phase === b.phase &&
    a.progress === b.progress &&
    a.currentStep === b.currentStep
  );
}
