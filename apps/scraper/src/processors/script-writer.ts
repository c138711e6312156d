import type { ScraperConfig } from '@podfleet/config';
import { createScriptWriter, type ScriptWriter } from '@podfleet/providers';

/** The writer SCRIPT_PROVIDER names, with its settings. */
export function scriptWriterFor(config: ScraperConfig): ScriptWriter {
  switch (config.SCRIPT_PROVIDER) {
    case 'anthropic':
      return createScriptWriter({
        provider: 'anthropic',
        apiKey: config.ANTHROPIC_API_KEY!,
        model: config.ANTHROPIC_MODEL,
        timeoutMs: config.ANTHROPIC_TIMEOUT_MS,
        baseURL: config.ANTHROPIC_BASE_URL,
      });
    case 'openai': {
      const input = config.OPENAI_PRICE_INPUT_PER_MTOK;
      const output = config.OPENAI_PRICE_OUTPUT_PER_MTOK;
      return createScriptWriter({
        provider: 'openai',
        baseURL: config.OPENAI_BASE_URL,
        apiKey: config.OPENAI_API_KEY,
        model: config.OPENAI_MODEL,
        timeoutMs: config.OPENAI_TIMEOUT_MS,
        structuredOutput: config.OPENAI_STRUCTURED_OUTPUT,
        // One price set prices both directions; the other is then taken as 0.
        ...(input !== undefined || output !== undefined
          ? { price: { inputPerMTok: input ?? 0, outputPerMTok: output ?? 0 } }
          : {}),
      });
    }
    case 'local':
      return createScriptWriter({ provider: 'local' });
  }
}
