import { LIST_PRICES, type ModelPrice } from '../list-prices';

/**
 * OpenAI's list prices. Dated ids (`gpt-4o-mini-2024-07-18`) resolve to their alias. Any other
 * model, which is what local servers (Ollama, vLLM, llama.cpp, LM Studio) serve, costs 0 unless
 * OPENAI_PRICE_* says otherwise.
 */
export const OPENAI_MODEL_PRICES = LIST_PRICES.openai;

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
