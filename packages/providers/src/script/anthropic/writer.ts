import Anthropic from '@anthropic-ai/sdk';
import { observeProviderCall, recordLlmUsage } from '@podfleet/telemetry';
import { ProviderError, type Style } from '../../types';
import { ChatScriptWriter, type ScriptPrompt, type SourceCharLimits } from '../chat-writer';
import { outputJsonSchema } from '../prompt';
import type { ModelAttempt } from '../repair';
import { lengthTarget } from '../types';
import { toProviderError } from './errors';
import { costUsd, type ModelPrice } from './pricing';

export const DEFAULT_ANTHROPIC_MODEL = 'claude-sonnet-5-5';
export const DEFAULT_ANTHROPIC_BASE_URL = 'https://api.anthropic.com';

export interface AnthropicScriptWriterOptions extends SourceCharLimits {
  apiKey: string;
  /** Default `claude-sonnet-5-5`. */
  model?: string;
  /** Without `/v1`: the SDK appends `/v1/messages`. Default https://api.anthropic.com. */
  baseURL?: string;
  /**
   * SDK-level retries; default 0. BullMQ owns retries: an SDK retry sleeps inside the job (holding the
   * worker slot and the job lock) and would multiply with the stage's attempts. 429/529/5xx surface as
   * retryable ProviderErrors carrying the server's Retry-After.
   */
  maxRetries?: number;
  /** Per request; default 5 minutes. */
  timeoutMs?: number;
  /** Overrides/extends the price table ($ per million tokens). */
  prices?: Readonly<Record<string, ModelPrice>>;
}

/**
 * Writes the dialogue with the Anthropic Messages API, asking for JSON through structured outputs
 * (`output_config.format`, which current models accept where forced `tool_choice` is rejected), and
 * validates the answer. An invalid answer gets one repair turn that quotes the problem; a second
 * invalid answer is SCRIPT_INVALID (not retryable: the same input would likely fail the same way).
 * A script off its length target by more than 15 % gets one follow-up to extend or trim it.
 */
export class AnthropicScriptWriter extends ChatScriptWriter {
  readonly provider = 'anthropic' as const;
  private readonly client: Anthropic;

  constructor(private readonly options: AnthropicScriptWriterOptions) {
    super(options.model ?? DEFAULT_ANTHROPIC_MODEL, options);
    this.client = new Anthropic({
      apiKey: options.apiKey,
      baseURL: options.baseURL ?? DEFAULT_ANTHROPIC_BASE_URL,
      maxRetries: options.maxRetries ?? 0,
      timeout: options.timeoutMs ?? 300_000,
    });
  }

  // JSON costs ~1.6 tokens per spoken word; the rest is room for adaptive thinking. Stays below the
  // SDK's non-streaming ceiling (~21 000 tokens).
  protected maxTokens(style: Style): number {
    return Math.min(20_000, Math.ceil(lengthTarget(style).target * 2) + 6_000);
  }

  protected async ask({ system, turns, hostNames, maxTokens, signal }: ScriptPrompt): Promise<ModelAttempt> {
    const message = await observeProviderCall(
      {
        kind: 'llm',
        provider: 'anthropic',
        operation: 'messages.create',
        attributes: { 'gen_ai.request.model': this.model, 'gen_ai.request.max_tokens': maxTokens },
      },
      async (span) => {
        let answer: Anthropic.Message;
        try {
          answer = await this.client.messages.create(
            {
              model: this.model,
              max_tokens: maxTokens,
              system,
              messages: turns,
              output_config: { format: { type: 'json_schema', schema: outputJsonSchema(hostNames) } },
            },
            { signal },
          );
        } catch (err) {
          throw toProviderError(err);
        }
        span.setAttributes({
          'gen_ai.response.model': answer.model,
          'gen_ai.usage.input_tokens': answer.usage.input_tokens,
          'gen_ai.usage.output_tokens': answer.usage.output_tokens,
        });
        return answer;
      },
    );
    if (message.stop_reason === 'refusal') {
      throw new ProviderError('SCRIPT_FAILED', 'anthropic: the model declined to write this script', false);
    }
    const usage = message.usage;
    const inputTokens =
      usage.input_tokens + (usage.cache_creation_input_tokens ?? 0) + (usage.cache_read_input_tokens ?? 0);
    const outputTokens = usage.output_tokens;
    const text = message.content.map((block) => (block.type === 'text' ? block.text : '')).join('');
    const model = message.model || this.model;
    const cost = costUsd(model, { inputTokens, outputTokens }, this.options.prices);
    // Billed per answer, whether or not the script it holds is usable.
    recordLlmUsage({ provider: 'anthropic', model, inputTokens, outputTokens, costUsd: cost });
    return {
      text,
      truncated: message.stop_reason === 'max_tokens',
      model,
      inputTokens,
      outputTokens,
      costUsd: cost,
    };
  }
}
