import { describe, expect, test } from "bun:test";
import { ProviderRegistry } from "../../../src/providers/provider-registry";
import { costOfUsage, PriceBook, type PriceOverrides } from "../../../src/usage/price-book";

describe("costOfUsage", () => {
  test("input, output, cached reads and cache writes at their own rates", () => {
    // 1M uncached input at $3, 0.5M cached at $0.30, 0.2M written at $3.75, 0.1M output at $15.
    const cost = costOfUsage(
      { inputTokens: 1_700_000, outputTokens: 100_000, cachedInputTokens: 500_000, cacheWriteTokens: 200_000 },
      { input: 3, output: 15, cachedInput: 0.3, cacheWrite: 3.75 },
    );
    expect(cost).toBeCloseTo(3 + 0.15 + 0.75 + 1.5, 8);
  });

  test("cached and written tokens fall back to the input price when the model lists none", () => {
    expect(costOfUsage({ inputTokens: 1000, outputTokens: 0, cachedInputTokens: 400 }, { input: 2, output: 8 })).toBeCloseTo(0.002, 10);
  });

  test("inconsistent usage never gives a negative uncached count", () => {
    expect(costOfUsage({ inputTokens: 10, outputTokens: 0, cachedInputTokens: 50 }, { input: 1, output: 1, cachedInput: 0.1 })).toBeCloseTo(0.000005, 10);
  });
});

describe("PriceBook", () => {
  const registry = new ProviderRegistry();
  let overrides: PriceOverrides = {};
  const book = new PriceBook(registry, () => overrides);
  const deepseek = registry.get("deepseek")!.models.find((m) => m.id === "deepseek-flash")!;

  test("catalog prices by provider and model", () => {
    expect(book.priceOf("deepseek", "deepseek-flash")).toEqual(deepseek.pricing!);
    expect(book.costOf("deepseek", "deepseek-flash", { inputTokens: 1_000_000, outputTokens: 1_000_000 })).toBeCloseTo(deepseek.pricing!.input + deepseek.pricing!.output, 8);
  });

  test("unknown models and unknown usage have no cost, not a guess", () => {
    expect(book.costOf("deepseek", "no-such-model", { inputTokens: 10, outputTokens: 10 })).toBeNull();
    expect(book.costOf("deepseek", "deepseek-flash", null)).toBeNull();
    expect(book.costOf(null, "deepseek-flash", { inputTokens: 10, outputTokens: 10 })).toBeNull();
  });

  test("user prices win: provider/model first, then the bare model id; custom models get a price", () => {
    overrides = { "deepseek/deepseek-flash": { input: 1, output: 2 }, "deepseek-flash": { input: 9, output: 9 }, "my-local-model": { input: 0.5, output: 0.5 } };
    expect(book.priceOf("deepseek", "deepseek-flash")).toEqual({ input: 1, output: 2 });
    expect(book.priceOf("openrouter", "deepseek-flash")).toEqual({ input: 9, output: 9 });
    expect(book.costOf("ollama", "my-local-model", { inputTokens: 2_000_000, outputTokens: 0 })).toBeCloseTo(1, 8);
    overrides = {};
  });
});
