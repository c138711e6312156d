import { AnthropicScriptWriter, type AnthropicScriptWriterOptions } from './anthropic/writer';
import { LocalScriptWriter } from './local/writer';
import type { ScriptWriter } from './types';

export { costUsd, FALLBACK_PRICE, MODEL_PRICES, type ModelPrice, priceFor } from './anthropic/pricing';
export {
  AnthropicScriptWriter,
  type AnthropicScriptWriterOptions,
  DEFAULT_ANTHROPIC_BASE_URL,
  DEFAULT_ANTHROPIC_MODEL,
} from './anthropic/writer';
export { splitSentencesAndFragments } from './local/sentences';
export { LocalScriptWriter } from './local/writer';
export {
  countWords,
  type ScriptWriteRequest,
  type ScriptWriter,
  targetWordCount,
  WORD_BUDGET_TOLERANCE,
  WORDS_PER_MINUTE,
} from './types';

export type ScriptWriterConfig =
  | { provider: 'local' }
  | ({ provider: 'anthropic' } & AnthropicScriptWriterOptions);

/** Builds the writer SCRIPT_PROVIDER selects (options come from packages/config). */
export function createScriptWriter(config: ScriptWriterConfig): ScriptWriter {
  return config.provider === 'anthropic' ? new AnthropicScriptWriter(config) : new LocalScriptWriter();
}
