// One call to a provider (an LLM, a TTS engine, speech to text, object storage, a webhook
// receiver), seen twice: as a client span in the job's trace and in the provider metrics.

import {
  llmTokens,
  providerCost,
  providerErrors,
  providerRateLimited,
  providerRequestDuration,
  ttsCharacters,
} from './metrics';
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
