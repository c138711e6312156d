import type { ModelPrice } from '../anthropic/pricing';

/**
 * OpenAI list prices (USD per million tokens, standard tier, 2025). Dated ids
 * (`gpt-4o-mini-2024-07-18`) resolve to their alias. Any other model, which is what local servers
 * (Ollama, vLLM, llama.cpp, LM Studio) serve, costs 0 unless OPENAI_PRICE_* says otherwise.
 */
export const OPENAI_MODEL_PRICES: Readonly<Record<string, ModelPrice>> = {
  'gpt-5': { inputPerMTok: 1.25, outputPerMTok: 10 },
  'gpt-5-mini': { inputPerMTok: 0.25, outputPerMTok: 2 },
  'gpt-5-nano': { inputPerMTok: 0.05, outputPerMTok: 0.4 },
  'gpt-4.1': { inputPerMTok: 2, outputPerMTok: 8 },
  'gpt-4.1-mini': { inputPerMTok: 0.4, outputPerMTok: 1.6 },
  'gpt-4.1-nano': { inputPerMTok: 0.1, outputPerMTok: 0.4 },
  'gpt-4o': { inputPerMTok: 2.5, outputPerMTok: 10 },
  'gpt-4o-mini': { inputPerMTok: 0.15, outputPerMTok: 0.6 },
};

const FREE: ModelPrice = { inputPerMTok: 0, outputPerMTok: 0 };

/** The configured price when given, else the table's, else free (a local model). */
export function openAiPriceFor(model: string, configured?: ModelPrice): ModelPrice {
  return (
    configured ??
    OPENAI_MODEL_PRICES[model] ??
    OPENAI_MODEL_PRICES[model.replace(/-\d{4}-\d{2}-\d{2}$/, '')] ??
    FREE
  );
}
