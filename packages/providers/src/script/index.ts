import { AnthropicScriptWriter, type AnthropicScriptWriterOptions } from './anthropic/writer';
import { LocalScriptWriter } from './local/writer';
import { OpenAIScriptWriter, type OpenAIScriptWriterOptions } from './openai/writer';
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
export { OPENAI_MODEL_PRICES, openAiPriceFor } from './openai/pricing';
export {
  DEFAULT_OPENAI_MODEL,
  OpenAIScriptWriter,
  type OpenAIScriptWriterOptions,
  STRUCTURED_OUTPUT_MODES,
  type StructuredOutputMode,
} from './openai/writer';
export { countWords, WORDS_PER_MINUTE } from './speech-rate';
export {
  type FleetPace,
  fleetPaceKey,
  fleetPaceSchema,
  LINE_GAP_SEC,
  paceFor,
  publishNominalPace,
  REFERENCE_PACE,
  readFleetPace,
  recordMeasuredPace,
  type SpeechPace,
  scriptSeconds,
  spokenSeconds,
} from './spoken-duration';
export { LENGTH_TOLERANCE, lengthTarget, type ScriptWriteRequest, type ScriptWriter } from './types';

export type ScriptWriterConfig =
  | { provider: 'local' }
  | ({ provider: 'anthropic' } & AnthropicScriptWriterOptions)
  | ({ provider: 'openai' } & OpenAIScriptWriterOptions);

/** Builds the writer SCRIPT_PROVIDER selects (options come from packages/config). */
export function createScriptWriter(config: ScriptWriterConfig): ScriptWriter {
  if (config.provider === 'anthropic') return new AnthropicScriptWriter(config);
  if (config.provider === 'openai') return new OpenAIScriptWriter(config);
  return new LocalScriptWriter();
}
