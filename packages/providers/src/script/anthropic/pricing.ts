/** USD per million tokens. `longContext` applies to the whole request once its prompt exceeds the threshold. */
export interface ModelPrice {
  inputPerMTok: number;
  outputPerMTok: number;
  longContext?: { promptTokensOver: number; inputPerMTok: number; outputPerMTok: number };
}

/**
 * List prices from platform.claude.com (November 2026). Dated ids (`claude-haiku-4-5-20251001`) resolve
 * to their alias. Cache writes/reads are billed at the input price here: podfleet sets no cache breakpoints.
 */
export const MODEL_PRICES: Readonly<Record<string, ModelPrice>> = {
  'claude-fable-5-1': { inputPerMTok: 10, outputPerMTok: 50 },
  'claude-fable-5': { inputPerMTok: 10, outputPerMTok: 50 },
  'claude-opus-5-5': { inputPerMTok: 4, outputPerMTok: 20 },
  'claude-opus-5': { inputPerMTok: 5, outputPerMTok: 25 },
  'claude-sonnet-5-5': { inputPerMTok: 2, outputPerMTok: 10 },
  'claude-sonnet-5': { inputPerMTok: 2, outputPerMTok: 10 },
  'claude-haiku-5-5': {
    inputPerMTok: 0.1,
    outputPerMTok: 0.5,
    longContext: { promptTokensOver: 100_000, inputPerMTok: 0.5, outputPerMTok: 2.5 },
  },
  'claude-haiku-4-5': { inputPerMTok: 1, outputPerMTok: 5 },
  'claude-sonnet-4-5': { inputPerMTok: 3, outputPerMTok: 15 },
  'claude-opus-4-5': { inputPerMTok: 5, outputPerMTok: 25 },
};

/** For models missing from the table: Sonnet-class prices, so an unknown model is not reported as free. */
export const FALLBACK_PRICE: ModelPrice = { inputPerMTok: 3, outputPerMTok: 15 };

export function priceFor(
  model: string,
  prices: Readonly<Record<string, ModelPrice>> = MODEL_PRICES,
): ModelPrice {
  return prices[model] ?? prices[model.replace(/-\d{8}$/, '')] ?? FALLBACK_PRICE;
}

/** Cost of one request in USD, rounded to a millionth of a dollar. */
export function costUsd(
  model: string,
  usage: { inputTokens: number; outputTokens: number },
  prices?: Readonly<Record<string, ModelPrice>>,
): number {
  const price = priceFor(model, prices);
  const rates =
    price.longContext && usage.inputTokens > price.longContext.promptTokensOver ? price.longContext : price;
  const usd = (usage.inputTokens * rates.inputPerMTok + usage.outputTokens * rates.outputPerMTok) / 1_000_000;
  return Math.round(usd * 1_000_000) / 1_000_000;
}
