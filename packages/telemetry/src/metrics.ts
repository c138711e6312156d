// The workers' Prometheus metrics: one registry per process, served on the worker's health port
// (GET /metrics). Everything is counted where it happens, in this process; Prometheus adds the
// replicas up. Names never reuse one of the API's (apps/api/src/metrics.ts), whose fleet-wide
// values come from PostgreSQL and Redis. The provider metrics are declared in provider-calls.ts,
// beside ProviderCall and the one place that records them.
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';

export const METRIC_PREFIX = 'podfleet_';

export const metricsRegistry = new Registry();

/** What every metric of this registry is declared with; `name` without the prefix. */
function declaration<L extends string>(name: string, help: string, labelNames: readonly L[]) {
  return { name: METRIC_PREFIX + name, help, labelNames, registers: [metricsRegistry] };
}

/** A counter of this registry. */
export function counter<L extends string>(name: string, help: string, labelNames: readonly L[]): Counter<L> {
  return new Counter(declaration(name, help, labelNames));
}

/** A histogram of this registry. */
export function histogram<L extends string>(
  name: string,
  help: string,
  labelNames: readonly L[],
  buckets: number[],
): Histogram<L> {
  return new Histogram({ ...declaration(name, help, labelNames), buckets });
}

/** Seconds: a skipped stage takes milliseconds, an audio stage minutes. */
const STAGE_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800];

export const stageRunDuration = histogram(
  'stage_run_duration_seconds',
  'One stage attempt from pickup to outcome (completed, resumed, inactive, cancelled, failed), by stage',
  ['stage', 'outcome'],
  STAGE_BUCKETS,
);

export const workerJobs = counter(
  'worker_jobs_total',
  'BullMQ jobs this worker finished, by queue and outcome (completed, retrying, failed, handed_back) and error code',
  ['queue', 'outcome', 'error_code'],
);

let processMetrics = false;

/**
 * Adds the process's own metrics (CPU, memory, event-loop lag, GC) to the registry, once. Only
 * processes that serve the registry pay for collecting them.
 */
export function collectProcessMetrics(): Registry {
  if (!processMetrics) {
    collectDefaultMetrics({ register: metricsRegistry, prefix: METRIC_PREFIX });
    processMetrics = true;
  }
  return metricsRegistry;
}
