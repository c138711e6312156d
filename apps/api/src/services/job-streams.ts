import type { Job, PrismaClient } from '@podfleet/db';
import { toJobView } from '@podfleet/pipeline';
import { type JobEvent, RedisUnavailableError, subscribeJobEvents } from '@podfleet/queue';
import type { Request, Response } from 'express';
import type { Redis } from 'ioredis';
import { notFound } from '../http/problem';

const TERMINAL = new Set(['completed', 'failed', 'cancelled']);
/** Id of the terminal event: an EventSource reconnecting with it gets 204 and stops reconnecting. */
const END_EVENT_ID = 'end';

type State = Pick<Job, 'status' | 'phase' | 'progress' | 'currentStep'>;

export interface JobStreamsOptions {
  db: PrismaClient;
  /** The process's one subscriber connection; every stream shares it (fan-out by channel). */
  subscriber: Redis;
  prefix: string;
  heartbeatMs: number;
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

  constructor(private readonly opts: JobStreamsOptions) {}

  get size(): number {
    return this.open.size;
  }

  /** Serves one stream; 404 (before any byte is sent) when the job is not in `scope`. */
  async serve(req: Request, res: Response, jobId: string, scope: { userId?: string }): Promise<void> {
    const { db, subscriber, prefix, heartbeatMs } = this.opts;
    if (subscriber.status !== 'ready') throw new RedisUnavailableError(subscriber.status);

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
      write('progress', { jobId, ...last });
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
    let heartbeat: NodeJS.Timeout | undefined;
    const end = () => {
      if (ended) return;
      ended = true;
      clearInterval(heartbeat);
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
    res.write('retry: 3000\n\n');

    started = true;
    if (TERMINAL.has(job.status)) {
      await finish(job);
      return;
    }
    sendProgress(job);
    for (const event of backlog.splice(0)) handle(event);

    heartbeat = setInterval(() => {
      if (ended || finishing) return;
      res.write(': heartbeat\n\n');
      db.job
        .findUnique({ where: { id: jobId } })
        .then((current) => {
          if (!current || ended || finishing) return;
          if (TERMINAL.has(current.status)) void finish(current);
          else sendProgress(current);
        })
        .catch((err: unknown) => req.log.warn({ err, jobId }, 'SSE state check failed'));
    }, heartbeatMs);
    heartbeat.unref();
  }

  /** Ends every open stream (shutdown); clients reconnect to another replica. */
  closeAll(): void {
    for (const end of [...this.open]) end();
  }
}

function sameState(a: State, b: State): boolean {
  return (
    a.status === b.status &&
    a.phase === b.phase &&
    a.progress === b.progress &&
    a.currentStep === b.currentStep
  );
}
