import type { ProviderDefinitionInput } from "../provider-schema";

// MiniMax's Anthropic-format endpoint authenticates with a Bearer token, unlike Anthropic itself.
export const minimaxAnthropicProvider = {
  id: "minimax-anthropic",
  name: "MiniMax (Anthropic format)",
  aliases: ["mma"],
  format: "anthropic",
  tier: "cheap",
  baseUrl: "https://api.minimax.io/anthropic/v1",
  auth: { kind: "bearer" },
  extraHeaders: { "anthropic-version": "2023-06-01" },
  docsUrl: "https://platform.minimax.io/docs/api-reference/text-anthropic-api",
  keysUrl: "https://platform.minimax.io/user-center/basic-information/interface-key",
  models: [
    { id: "MiniMax-M3", name: "MiniMax M3", contextWindow: 1_000_000, pricing: { input: 0.3, output: 1.2, cachedInput: 0.06 }, capabilities: { tools: true, vision: true, reasoning: true } },
    { id: "MiniMax-M2.7", name: "MiniMax M2.7", contextWindow: 204_800, pricing: { input: 0.3, output: 1.2, cachedInput: 0.06 }, capabilities: { tools: true, vision: false, reasoning: true } },
  ],
  quirks: { noModelsEndpoint: true },
} satisfies ProviderDefinitionInput;
