import { setTimeout as delay } from 'node:timers/promises';
import { observeProviderCall, recordLlmUsage } from '@podfleet/telemetry';
import { request as httpRequest } from 'undici';
import { z } from 'zod';
import {
  DEFAULT_OPENAI_BASE_URL,
  describeOpenAiError,
  openAiHeaders,
  openAiHttpError,
  openAiTransportError,
  openAiUrl,
  parseOpenAiAnswer,
} from '../../openai/http';
import { ProviderError, type Style } from '../../types';
import { costUsd, type ModelPrice } from '../anthropic/pricing';
import { ChatScriptWriter, type ScriptPrompt, type SourceCharLimits } from '../chat-writer';
import { outputJsonSchema } from '../prompt';
import type { ModelAttempt } from '../repair';
import { lengthTarget } from '../types';
import { openAiPriceFor } from './pricing';

export const DEFAULT_OPENAI_MODEL = 'gpt-4o-mini';

/** How the answer is asked to be JSON: by schema, as any JSON object, or by the prompt alone. */
export const STRUCTURED_OUTPUT_MODES = ['json_schema', 'json_object', 'none'] as const;
export type StructuredOutputMode = (typeof STRUCTURED_OUTPUT_MODES)[number];

export interface OpenAIScriptWriterOptions extends SourceCharLimits {
  /** Ends in `/v1`, e.g. http://localhost:11434/v1 (Ollama). Default https://api.openai.com/v1. */
  baseURL?: string;
  /** Sent as a Bearer token when set; local servers usually need none. */
  apiKey?: string;
  /** Default `gpt-4o-mini`. */
  model?: string;
  /** Per request; default 5 minutes (local models on a CPU are slow). */
  timeoutMs?: number;
  /** The first mode tried (default json_schema); a server that rejects it is asked the next way. */
  structuredOutput?: StructuredOutputMode;
  /** Attempts per request for retryable failures (429, 5xx, network); later ones go to the queue's retries. */
  maxAttempts?: number;
  /** Longest wait (Retry-After or backoff) spent in place; a longer one is thrown so the job backs off. */
  maxInlineWaitMs?: number;
  /** Overrides the price table for this model (0 for a local one is the default anyway). */
  price?: ModelPrice;
}

type ChatMessage = { role: 'system' | 'user' | 'assistant'; content: string };

const completionSchema = z.object({
  model: z.string().optional(),
  choices: z
    .array(
      z.object({
        message: z.object({ content: z.string().nullish(), refusal: z.string().nullish() }).nullish(),
        finish_reason: z.string().nullish(),
      }),
    )
    .min(1),
  usage: z.object({ prompt_tokens: z.number().nullish(), completion_tokens: z.number().nullish() }).nullish(),
});

/** A 400 that says the server does not take this way of asking for JSON. */
const RESPONSE_FORMAT_REJECTED = /response_format|json_schema|json_object|structured output|grammar/i;
/** OpenAI's newer models refuse `max_tokens` and name `max_completion_tokens` instead. */
const MAX_TOKENS_REJECTED = /max_completion_tokens/;

/**
 * Writes the dialogue through any OpenAI-compatible Chat Completions API (OpenAI, Ollama, vLLM,
 * llama.cpp server, LM Studio). It asks for JSON by schema and steps down to `json_object`, then
 * to the prompt alone, when a server rejects that (remembered for later requests); the answer is
 * validated whatever the server claims. An invalid or cut-off answer gets one repair turn quoting
 * the problem; a second is SCRIPT_INVALID. A refusal is SCRIPT_FAILED, not retried. A script off its
 * length target by more than 15 % gets one follow-up to extend or trim it.
 */
export class OpenAIScriptWriter extends ChatScriptWriter {
  readonly provider = 'openai' as const;
  private readonly baseURL: string;
  private mode: StructuredOutputMode;
  private tokenParam: 'max_tokens' | 'max_completion_tokens' = 'max_tokens';

  constructor(private readonly options: OpenAIScriptWriterOptions = {}) {
    super(options.model ?? DEFAULT_OPENAI_MODEL, options);
    this.baseURL = options.baseURL ?? DEFAULT_OPENAI_BASE_URL;
    this.mode = options.structuredOutput ?? 'json_schema';
  }

  /** The way of asking for JSON this server is asked now (after any step down). */
  get structuredOutput(): StructuredOutputMode {
    return this.mode;
  }

  // JSON costs ~1.6 tokens per spoken word, plus room for a reasoning model's thinking; 16 000
  // is the output ceiling of the smaller hosted models.
  protected maxTokens(style: Style): number {
    return Math.min(16_000, Math.ceil(lengthTarget(style).target * 2) + 4_000);
  }

  /** One answer: retryable failures retried in place while the wait is short. */
  protected async ask({ system, turns, hostNames, maxTokens, signal }: ScriptPrompt): Promise<ModelAttempt> {
    const messages: ChatMessage[] = [{ role: 'system', content: system }, ...turns];
    const maxAttempts = this.options.maxAttempts ?? 3;
    for (let n = 1; ; n++) {
      try {
        return await this.send(messages, hostNames, maxTokens, signal);
      } catch (err) {
        if (!(err instanceof ProviderError) || !err.retryable || n >= maxAttempts) throw err;
        const wait = err.retryAfterMs ?? Math.min(8_000, 500 * 2 ** (n - 1)) * (0.5 + Math.random() / 2);
        if (wait > (this.options.maxInlineWaitMs ?? 10_000)) throw err;
        await delay(wait, undefined, { signal }).catch(() => {
          throw signal?.reason ?? err;
        });
      }
    }
  }

  private body(messages: ChatMessage[], hostNames: string[], maxTokens: number): Record<string, unknown> {
    const body: Record<string, unknown> = {
      model: this.model,
      messages,
      [this.tokenParam]: maxTokens,
      stream: false,
    };
    if (this.mode === 'json_schema') {
      body.response_format = {
        type: 'json_schema',
        json_schema: { name: 'podcast_script', schema: outputJsonSchema(hostNames), strict: true },
      };
    } else if (this.mode === 'json_object') {
      body.response_format = { type: 'json_object' };
    }
    return body;
  }

  /**
   * One request, adapting to the server: a 400 that rejects the JSON mode steps down a mode, one
   * that names `max_completion_tokens` switches the parameter, and the request is sent again.
   */
  private async send(
    messages: ChatMessage[],
    hostNames: string[],
    maxTokens: number,
    signal: AbortSignal | undefined,
  ): Promise<ModelAttempt> {
    for (;;) {
      const answer = await this.post(this.body(messages, hostNames, maxTokens), signal);
      if (answer.status === 200) return this.read(answer.body);
      const problem = describeOpenAiError(answer.body).message;
      if (answer.status === 400 || answer.status === 422) {
        if (this.tokenParam === 'max_tokens' && MAX_TOKENS_REJECTED.test(problem)) {
          this.tokenParam = 'max_completion_tokens';
          continue;
        }
        if (this.mode !== 'none' && RESPONSE_FORMAT_REJECTED.test(problem)) {
          this.mode = this.mode === 'json_schema' ? 'json_object' : 'none';
          continue;
        }
      }
      throw openAiHttpError('openai', 'SCRIPT_FAILED', answer.status, answer.headers, answer.body);
    }
  }

  private async post(
    body: Record<string, unknown>,
    signal: AbortSignal | undefined,
  ): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
    const timeoutMs = this.options.timeoutMs ?? 300_000;
    return observeProviderCall(
      {
        kind: 'llm',
        provider: 'openai',
        operation: 'chat.completions',
        attributes: { 'gen_ai.request.model': this.model, 'gen_ai.request.max_tokens': maxTokensOf(body) },
      },
      async (span) => {
        const timeout = AbortSignal.timeout(timeoutMs);
        try {
          const res = await httpRequest(openAiUrl(this.baseURL, 'chat/completions'), {
            method: 'POST',
            headers: openAiHeaders(this.options.apiKey),
            body: JSON.stringify(body),
            signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
          });
          span.setAttribute('http.response.status_code', res.statusCode);
          const text = await res.body.text();
          // Rate limits count as errors in the call's metrics; other refusals are read by `send`.
          if (res.statusCode === 429 || res.statusCode >= 500) {
            throw openAiHttpError('openai', 'SCRIPT_FAILED', res.statusCode, res.headers, text);
          }
          return { status: res.statusCode, headers: res.headers, body: text };
        } catch (err) {
          throw openAiTransportError('openai', 'SCRIPT_FAILED', err, { signal, timeout, timeoutMs });
        }
      },
    );
  }

  private read(body: string): ModelAttempt {
    const answer = parseOpenAiAnswer('openai', 'SCRIPT_FAILED', body, completionSchema);
    const { choices, usage } = answer;
    const choice = choices[0]!;
    const model = answer.model || this.model;
    const inputTokens = usage?.prompt_tokens ?? 0;
    const outputTokens = usage?.completion_tokens ?? 0;
    const cost = costUsd(
      model,
      { inputTokens, outputTokens },
      { [model]: openAiPriceFor(model, this.options.price) },
    );
    // Billed per answer, whether or not the script it holds is usable.
    recordLlmUsage({ provider: 'openai', model, inputTokens, outputTokens, costUsd: cost });
    const refusal = choice.message?.refusal?.trim();
    if (refusal || choice.finish_reason === 'content_filter') {
      throw new ProviderError(
        'SCRIPT_FAILED',
        `openai: the model declined to write this script${refusal ? ` (${refusal.slice(0, 200)})` : ''}`,
        false,
      );
    }
    return {
      text: choice.message?.content ?? '',
      truncated: choice.finish_reason === 'length',
      model,
      inputTokens,
      outputTokens,
      costUsd: cost,
    };
  }
}

function maxTokensOf(body: Record<string, unknown>): number {
  return Number(body.max_tokens ?? body.max_completion_tokens ?? 0);
}
