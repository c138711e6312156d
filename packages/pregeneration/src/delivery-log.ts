// How each episode request was answered, for the time to first audio: one structured log line
// (`podcast_delivery`) at once, and one episode_requests row, written in batches in the background
// so that a request (a cache hit above all) never waits for PostgreSQL.
import type { JobType, PrismaClient } from '@podfleet/db';
import type { Logger } from '@podfleet/queue';

/** cache: today's episode at once; generated: a new job; joined: a job already in flight. */
export type DeliverySource = 'cache' | 'generated' | 'joined';

export interface EpisodeDelivery {
  userId: string;
  kind: JobType;
  source: DeliverySource;
  /** The job that makes the episode (generated, joined). */
  jobId?: string;
  /** The episode a cache hit answered with. */
  episodeId?: string;
  requestedAt: Date;
  /** From the request arriving to its answer being sent. */
  answerMs: number;
}

export interface DeliveryLogOptions {
  /** A batch is written at most this long after its first row (default 1 s). */
  flushEveryMs?: number;
  /** A batch this large is written at once (default 500). */
  maxBatch?: number;
}

export class DeliveryLog {
  private batch: EpisodeDelivery[] = [];
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private readonly flushEveryMs: number;
  private readonly maxBatch: number;

  constructor(
    private readonly db: PrismaClient,
    /** Where a batch that could not be written is reported. */
    private readonly logger: Logger,
    options: DeliveryLogOptions = {},
  ) {
    this.flushEveryMs = options.flushEveryMs ?? 1_000;
    this.maxBatch = options.maxBatch ?? 500;
  }

  /** Logs the `podcast_delivery` line (on the request's logger) and queues the row. Never waits. */
  record(delivery: EpisodeDelivery, log: Logger): void {
    log.info(
      {
        event: 'podcast_delivery',
        userId: delivery.userId,
        kind: delivery.kind,
        source: delivery.source,
        latencyMs: delivery.answerMs,
        ...(delivery.jobId ? { jobId: delivery.jobId } : {}),
        ...(delivery.episodeId ? { episodeId: delivery.episodeId } : {}),
      },
      'podcast_delivery',
    );
    this.batch.push(delivery);
    if (this.batch.length >= this.maxBatch) void this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), this.flushEveryMs);
      this.timer.unref();
    }
  }

  /** Writes what is queued; resolves once every batch taken so far is written (or given up). */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const rows = this.batch;
    this.batch = [];
    if (rows.length > 0) {
      this.writing = this.writing.then(() =>
        this.db.episodeRequest
          .createMany({
            data: rows.map((r) => ({
              userId: r.userId,
              type: r.kind,
              source: r.source,
              jobId: r.jobId ?? null,
              episodeId: r.episodeId ?? null,
              requestedAt: r.requestedAt,
              answerMs: Math.round(r.answerMs),
            })),
          })
          .then(
            () => undefined,
            // Figures only: a lost batch costs some samples, never a request.
            (err: unknown) =>
              this.logger.warn({ err, rows: rows.length }, 'could not record episode deliveries'),
          ),
      );
    }
    return this.writing;
  }
}
