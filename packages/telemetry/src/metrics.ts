// The workers' Prometheus metrics: one registry per process, served on the worker's health port
// (GET /metrics). Everything is counted where it happens, in this process; Prometheus adds the
// replicas up. Names never reuse one of the API's (apps/api/src/metrics.ts), whose fleet-wide
// values come from PostgreSQL and Redis.
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';

export const METRIC_PREFIX = 'podfleet_';

export const metricsRegistry = new Registry();

/** A counter of this registry; `name` without the prefix. */
function counter<L extends string>(name: string, help: string, labelNames: readonly L[]): Counter<L> {
  return new Counter({ name: METRIC_PREFIX + name, help, labelNames, registers: [metricsRegistry] });
}

/** A histogram of this registry; `name` without the prefix. */
function histogram<L extends string>(
  name: string,
  help: string,
  labelNames: readonly L[],
  buckets: number[],
): Histogram<L> {
  return new Histogram({
    name: METRIC_PREFIX + name,
    help,
    labelNames,
    buckets,
    registers: [metricsRegistry],
  });
}

/** Seconds: a skipped stage takes milliseconds, an audio stage minutes. */
const STAGE_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800];
/** Seconds: a local write takes a millisecond, an LLM answer up to minutes. */
const PROVIDER_BUCKETS = [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

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

export const providerRequestDuration = histogram(
  'provider_request_duration_seconds',
  'Calls to a provider (llm, tts, storage, webhook) by provider, operation and outcome (ok, error)',
  ['kind', 'provider', 'operation', 'outcome'],
  PROVIDER_BUCKETS,
);

export const providerErrors = counter(
  'provider_errors_total',
  'Failed provider calls by provider, operation and error code',
  ['kind', 'provider', 'operation', 'code'],
);

export const providerRateLimited = counter(
  'provider_rate_limited_total',
  'Provider answers of 429 Too Many Requests, by provider',
  ['kind', 'provider'],
);

export const ttsCharacters = counter(
  'tts_characters_total',
  'Characters sent to a TTS engine (clip-cache hits send none), by engine',
  ['provider'],
);

export const llmTokens = counter(
  'llm_tokens_total',
  'LLM tokens billed, by provider, model and type (input, output)',
  ['provider', 'model', 'type'],
);

export const providerCost = counter(
  'provider_cost_usd_total',
  'Estimated provider cost in USD (list prices), by kind and provider',
  ['kind', 'provider'],
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
