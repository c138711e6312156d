// The workers' Prometheus metrics: one registry per process, served on the worker's health port
// (GET /metrics). Everything is counted where it happens, in this process; Prometheus adds the
// replicas up. Names never reuse one of the API's (apps/api/src/metrics.ts), whose fleet-wide
// values come from PostgreSQL and Redis.
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';

export const METRIC_PREFIX = 'podfleet_';

export const metricsRegistry = new Registry();

/** Seconds: a skipped stage takes milliseconds, an audio stage minutes. */
const STAGE_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800];
/** Seconds: a local write takes a millisecond, an LLM answer up to minutes. */
const PROVIDER_BUCKETS = [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

export const stageRunDuration = new Histogram({
  name: `${METRIC_PREFIX}stage_run_duration_seconds`,
  help: 'One stage attempt from pickup to outcome (completed, resumed, inactive, cancelled, failed), by stage',
  labelNames: ['stage', 'outcome'] as const,
  buckets: STAGE_BUCKETS,
  registers: [metricsRegistry],
});

export const workerJobs = new Counter({
  name: `${METRIC_PREFIX}worker_jobs_total`,
  help: 'BullMQ jobs this worker finished, by queue and outcome (completed, retrying, failed, handed_back) and error code',
  labelNames: ['queue', 'outcome', 'error_code'] as const,
  registers: [metricsRegistry],
});

export const providerRequestDuration = new Histogram({
  name: `${METRIC_PREFIX}provider_request_duration_seconds`,
  help: 'Calls to a provider (llm, tts, storage, webhook) by provider, operation and outcome (ok, error)',
  labelNames: ['kind', 'provider', 'operation', 'outcome'] as const,
  buckets: PROVIDER_BUCKETS,
  registers: [metricsRegistry],
});

export const providerErrors = new Counter({
  name: `${METRIC_PREFIX}provider_errors_total`,
  help: 'Failed provider calls by provider, operation and error code',
  labelNames: ['kind', 'provider', 'operation', 'code'] as const,
  registers: [metricsRegistry],
});

export const providerRateLimited = new Counter({
  name: `${METRIC_PREFIX}provider_rate_limited_total`,
  help: 'Provider answers of 429 Too Many Requests, by provider',
  labelNames: ['kind', 'provider'] as const,
  registers: [metricsRegistry],
});

export const ttsCharacters = new Counter({
  name: `${METRIC_PREFIX}tts_characters_total`,
  help: 'Characters sent to a TTS engine (clip-cache hits send none), by engine',
  labelNames: ['provider'] as const,
  registers: [metricsRegistry],
});

export const llmTokens = new Counter({
  name: `${METRIC_PREFIX}llm_tokens_total`,
  help: 'LLM tokens billed, by provider, model and type (input, output)',
  labelNames: ['provider', 'model', 'type'] as const,
  registers: [metricsRegistry],
});

export const providerCost = new Counter({
  name: `${METRIC_PREFIX}provider_cost_usd_total`,
  help: 'Estimated provider cost in USD (list prices), by kind and provider',
  labelNames: ['kind', 'provider'] as const,
  registers: [metricsRegistry],
});

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
