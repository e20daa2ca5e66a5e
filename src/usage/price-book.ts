import type { IRUsage } from "../ir/ir-types";
import type { ModelPricing } from "../providers/provider-schema";
import type { ProviderRegistry } from "../providers/provider-registry";

/** User prices (settings `pricing`), keyed `<provider id>/<model id>` or a bare `<model id>` for any provider. */
export type PriceOverrides = Readonly<Record<string, ModelPricing>>;

/**
 * Prices per 1M tokens for every model that can serve a request: the user's own entries first (an edited price,
 * or a custom model the catalog does not know), then the built-in catalog. Unknown models have no price, and
 * their requests no cost — never a guessed one.
 */
export class PriceBook {
  constructor(
    private readonly registry: ProviderRegistry,
    private readonly overrides: () => PriceOverrides,
  ) {}

  priceOf(providerId: string, model: string): ModelPricing | null {
    const overrides = this.overrides();
    const own = overrides[`${providerId}/${model}`] ?? overrides[model];
    if (own) return own;
    return this.registry.get(providerId)?.models.find((m) => m.id === model)?.pricing ?? null;
  }

  /** What a request cost in US dollars, or null when the model has no price or the usage is unknown. */
  costOf(providerId: string | null, model: string | null, usage: IRUsage | null): number | null {
    if (!providerId || !model || !usage) return null;
    const price = this.priceOf(providerId, model);
    return price ? costOfUsage(usage, price) : null;
  }
}

/**
 * Usage follows the IR convention: input includes cached and cache-write tokens, output includes reasoning.
 * Cached reads and cache writes are billed at their own rates when the price lists them, else as input.
 */
export function costOfUsage(usage: IRUsage, price: ModelPricing): number {
  const cached = usage.cachedInputTokens ?? 0;
  const written = usage.cacheWriteTokens ?? 0;
  const uncached = Math.max(0, usage.inputTokens - cached - written);
  const micro = uncached * price.input + cached * (price.cachedInput ?? price.input) + written * (price.cacheWrite ?? price.input) + usage.outputTokens * price.output;
  // Per-1M prices: round to a millionth of a cent so sums of many rows stay exact enough and readable.
  return Math.round(micro / 1e6 * 1e8) / 1e8;
}
