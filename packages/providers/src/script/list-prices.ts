import { z } from 'zod';
import listPrices from './list-prices.json';

/** USD per million tokens. `longContext` applies to the whole request once its prompt exceeds the threshold. */
export interface ModelPrice {
  inputPerMTok: number;
  outputPerMTok: number;
  longContext?: { promptTokensOver: number; inputPerMTok: number; outputPerMTok: number };
}

const rates = { inputPerMTok: z.number().nonnegative(), outputPerMTok: z.number().nonnegative() };
const priceTableSchema = z.record(
  z.string(),
  z.strictObject({
    ...rates,
    longContext: z.strictObject({ promptTokensOver: z.number().int().positive(), ...rates }).optional(),
  }),
);

/**
 * The providers' list prices per model, kept as data (list-prices.json) so that a price change
 * touches no code:
 * - anthropic: platform.claude.com (November 2026); cache writes/reads are billed at the input
 *   price here, as podfleet sets no cache breakpoints;
 * - openai: standard tier (2025).
 */
export const LIST_PRICES: Readonly<Record<'anthropic' | 'openai', Readonly<Record<string, ModelPrice>>>> = z
  .strictObject({ anthropic: priceTableSchema, openai: priceTableSchema })
  .parse(listPrices);
