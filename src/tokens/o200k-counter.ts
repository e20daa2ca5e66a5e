/**
 * The o200k_base BPE, loaded on first use only: its rank table costs tens of MB once evaluated, and idle memory
 * is a product feature while most users never ask for a token count. Only this one encoding is imported
 * (`gpt-tokenizer/encoding/o200k_base`), not the package root that would pull in every encoding.
 */

export type TextTokenCounter = (text: string) => number;

let loading: Promise<TextTokenCounter> | undefined;

/** Resolves to a counter backed by o200k_base; the module is imported once and cached. */
export function loadO200kCounter(): Promise<TextTokenCounter> {
  loading ??= import("gpt-tokenizer/encoding/o200k_base").then(
    (encoding): TextTokenCounter => {
      // Text that happens to contain "<|endoftext|>" and the like is user text, never a control token;
      // the library's default would throw on it.
      const options = { disallowedSpecial: new Set<string>() };
      return (text) => (text.length === 0 ? 0 : encoding.countTokens(text, options));
    },
    (error: unknown): TextTokenCounter => {
      // Never fail a count because the tokenizer is missing; retry the import next time.
      loading = undefined;
      console.warn(`[tokens] o200k_base unavailable, using a character estimate: ${String(error)}`);
      return approximateTokenCount;
    },
  );
  return loading;
}

/** Deliberately generous stand-in (≈3 characters per token) when the BPE cannot be loaded. */
export function approximateTokenCount(text: string): number {
  return Math.ceil(text.length / 3);
}
