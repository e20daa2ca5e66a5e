import type { ProviderDefinitionInput } from "../provider-schema";

export const anthropicProvider = {
  id: "anthropic",
  name: "Anthropic",
  aliases: ["claude"],
  format: "anthropic",
  tier: "api-key",
  baseUrl: "https://api.anthropic.com/v1",
  auth: { kind: "header", header: "x-api-key" },
  extraHeaders: { "anthropic-version": "2023-06-01" },
  docsUrl: "https://docs.claude.com/en/api/messages",
  keysUrl: "https://console.anthropic.com/settings/keys",
  models: [
    // Claude Code's default; pricing not listed here until it is published in a form we can verify.
    { id: "claude-opus-5-5", name: "Claude Opus 5.5", contextWindow: 1_000_000, maxOutputTokens: 128_000, capabilities: { tools: true, vision: true, reasoning: true } },
    {
      id: "claude-sonnet-4-6",
      name: "Claude Sonnet 4.6",
      contextWindow: 1_000_000,
      maxOutputTokens: 64_000,
      pricing: { input: 3, output: 15, cachedInput: 0.3, cacheWrite: 3.75 },
      capabilities: { tools: true, vision: true, reasoning: true },
    },
    {
      id: "claude-sonnet-4-5",
      name: "Claude Sonnet 4.5",
      contextWindow: 200_000,
      maxOutputTokens: 64_000,
      pricing: { input: 3, output: 15, cachedInput: 0.3, cacheWrite: 3.75 },
      capabilities: { tools: true, vision: true, reasoning: true },
    },
    {
      id: "claude-haiku-4-5-20251001",
      name: "Claude Haiku 4.5",
      contextWindow: 200_000,
      maxOutputTokens: 64_000,
      pricing: { input: 1, output: 5, cachedInput: 0.1, cacheWrite: 1.25 },
      capabilities: { tools: true, vision: true, reasoning: true },
    },
  ],
} satisfies ProviderDefinitionInput;
