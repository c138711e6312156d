import { LIST_PRICES, type ModelPrice } from '../list-prices';

export type { ModelPrice };

/** Anthropic's list prices. Dated ids (`claude-haiku-4-5-20251001`) resolve to their alias. */
export const MODEL_PRICES = LIST_PRICES.anthropic;

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
