// The rank table is embedded as a file, not bundled: bundled, its 2.4 MB of source cost ~5 MB of idle memory
// in the compiled binary even when never run. As a file it is only read on the first count.
import ranksFile from "gpt-tokenizer/bpeRanks/o200k_base" with { type: "file" };
import { createLogger } from "../logging/logger";

/** With `type: "file"` the default export is the file's path (the package's own types describe the table). */
const RANKS_PATH = ranksFile as unknown as string;

/**
 * The o200k_base BPE, loaded on first use only: its rank table costs tens of MB once evaluated, and idle memory
 * is a product feature while most users never ask for a token count. Only this one encoding is loaded, not
 * the package root that would pull in every encoding.
 */

export type TextTokenCounter = (text: string) => number;

let loading: Promise<TextTokenCounter> | undefined;

/** Resolves to a counter backed by o200k_base; the module is imported once and cached. */
export function loadO200kCounter(): Promise<TextTokenCounter> {
  loading ??= Promise.all([import("gpt-tokenizer/GptEncoding"), import(RANKS_PATH) as Promise<{ default: typeof ranksFile }>]).then(
    ([{ GptEncoding }, ranks]): TextTokenCounter => {
      const encoding = GptEncoding.getEncodingApi("o200k_base", () => ranks.default);
      // Text that happens to contain "<|endoftext|>" and the like is user text, never a control token;
      // the library's default would throw on it.
      const options = { disallowedSpecial: new Set<string>() };
      return (text) => (text.length === 0 ? 0 : encoding.countTokens(text, options));
    },
    (error: unknown): TextTokenCounter => {
      // Never fail a count because the tokenizer is missing; retry the import next time.
      loading = undefined;
      createLogger("tokens").warn("o200k_base unavailable, using a character estimate", { error });
      return approximateTokenCount;
    },
  );
  return loading;
}

/** Deliberately generous stand-in (≈3 characters per token) when the BPE cannot be loaded. */
export function approximateTokenCount(text: string): number {
  return Math.ceil(text.length / 3);
}
