// One call to a provider (an LLM, a TTS engine, speech to text, object storage, a webhook
// receiver), seen twice: as a client span in the job's trace and in the provider metrics.

import { counter, histogram } from './metrics';
import { type Attributes, type Span, SpanKind, withSpan } from './spans';

export type ProviderKind = 'llm' | 'tts' | 'asr' | 'storage' | 'webhook';

export interface ProviderCall {
  kind: ProviderKind;
  /** Who answers: anthropic, elevenlabs, espeak, fs, s3, http. */
  provider: string;
  /** What was asked, from a fixed set per provider (never an id or a URL: it is a metric label). */
  operation: string;
  attributes?: Attributes;
}

// Label sets several provider metrics share, so that their series join and cannot drift apart.
// They name fields of ProviderCall: a call's own values fill them.
type CallFields = readonly (keyof ProviderCall)[];
/** A provider: its kind (llm, tts, asr, storage, webhook) and which one answers. */
const PROVIDER_LABELS = ['kind', 'provider'] as const satisfies CallFields;
/** One call to a provider: which one, and what was asked. */
const PROVIDER_CALL_LABELS = [...PROVIDER_LABELS, 'operation'] as const satisfies CallFields;

/** Seconds: a local write takes a millisecond, an LLM answer up to minutes. */
const PROVIDER_BUCKETS = [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

export const providerRequestDuration = histogram(
  'provider_request_duration_seconds',
  'Calls to a provider (llm, tts, asr, storage, webhook) by provider, operation and outcome (ok, error)',
  [...PROVIDER_CALL_LABELS, 'outcome'],
  PROVIDER_BUCKETS,
);

export const providerErrors = counter(
  'provider_errors_total',
  'Failed provider calls by provider, operation and error code',
  [...PROVIDER_CALL_LABELS, 'code'],
);

export const providerRateLimited = counter(
  'provider_rate_limited_total',
  'Provider answers of 429 Too Many Requests, by provider',
  PROVIDER_LABELS,
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
  PROVIDER_LABELS,
);

/** The error's own code (ProviderError, WebhookDeliveryError, Node's errno), else its name. */
function errorCode(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && code.length > 0) return code;
  return err instanceof Error ? err.name : 'UNKNOWN';
}

function isRateLimited(err: unknown): boolean {
  const e = err as { code?: unknown; statusCode?: unknown; status?: unknown } | null;
  return e?.code === 'RATE_LIMITED' || e?.statusCode === 429 || e?.status === 429;
}

/** Runs one provider call in a client span and records its latency, and its error if it throws. */
export async function observeProviderCall<T>(call: ProviderCall, fn: (span: Span) => Promise<T>): Promise<T> {
  const { kind, provider, operation } = call;
  const started = performance.now();
  const seconds = () => (performance.now() - started) / 1000;
  try {
    const result = await withSpan(
      `${kind} ${operation}`,
      {
        kind: SpanKind.CLIENT,
        attributes: {
          'podfleet.provider.kind': kind,
          'podfleet.provider.name': provider,
          'podfleet.provider.operation': operation,
          ...call.attributes,
        },
      },
      fn,
    );
    providerRequestDuration.observe({ kind, provider, operation, outcome: 'ok' }, seconds());
    return result;
  } catch (err) {
    providerRequestDuration.observe({ kind, provider, operation, outcome: 'error' }, seconds());
    providerErrors.inc({ kind, provider, operation, code: errorCode(err) });
    if (isRateLimited(err)) providerRateLimited.inc({ kind, provider });
    throw err;
  }
}

/** Tokens and the estimated cost of one LLM answer. */
export function recordLlmUsage(usage: {
  provider: string;
  model: string;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}): void {
  const { provider, model } = usage;
  llmTokens.inc({ provider, model, type: 'input' }, usage.inputTokens);
  llmTokens.inc({ provider, model, type: 'output' }, usage.outputTokens);
  providerCost.inc({ kind: 'llm', provider }, usage.costUsd);
}

/** Characters one TTS engine call voiced. */
export function recordTtsCharacters(provider: string, characters: number): void {
  ttsCharacters.inc({ provider }, characters);
}

/** The estimated cost of a stage's TTS work. */
export function recordTtsCost(provider: string, costUsd: number): void {
  providerCost.inc({ kind: 'tts', provider }, costUsd);
}
