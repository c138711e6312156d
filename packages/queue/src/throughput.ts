// Jobs finished per queue over a recent window, fleet-wide, from BullMQ's own metrics: every
// worker (startWorkers) adds each completed or failed job to a per-minute series in Redis.
import type { Queue } from 'bullmq';

/** Minutes of per-minute counts BullMQ keeps per queue: two hours, for a one-hour window. */
export const THROUGHPUT_MINUTES = 120;

const MINUTE_MS = 60_000;

/** BullMQ's `Queue.getMetrics` answer: the newest points first, each one minute's count. */
export interface MetricsSeries {
  meta: { count: number; prevTS: number; prevCount: number };
  data: number[];
}

/**
 * How many jobs a series counts within the `minutes` minutes up to `now` (the current minute
 * included). BullMQ writes a minute's count only when a later minute's first job finishes: the
 * jobs since then (`count - prevCount`) all finished in the minute of `prevTS`, and `data[i]` is
 * the count of the i-th minute before it.
 */
export function finishedWithin(series: MetricsSeries, now: number, minutes: number): number {
  const { count, prevTS, prevCount } = series.meta;
  if (!prevTS) return count; // nothing written yet: every job so far is of this first minute
  const firstMinute = Math.floor(now / MINUTE_MS) - minutes + 1;
  const lastWritten = Math.floor(prevTS / MINUTE_MS);
  let total = lastWritten >= firstMinute ? count - prevCount : 0;
  for (const [i, points] of series.data.entries()) {
    if (lastWritten - 1 - i < firstMinute) break;
    total += points;
  }
  return total;
}

export interface Throughput {
  completed: number;
  failed: number;
}

/** Jobs of `queue` completed, and failed for good (retried attempts are not counted), in the last `minutes` minutes. */
export async function queueThroughput(queue: Queue, now: number, minutes = 60): Promise<Throughput> {
  const points = Math.min(minutes, THROUGHPUT_MINUTES);
  const [completed, failed] = await Promise.all([
    queue.getMetrics('completed', 0, points),
    queue.getMetrics('failed', 0, points),
  ]);
  return { completed: finishedWithin(completed, now, minutes), failed: finishedWithin(failed, now, minutes) };
}
