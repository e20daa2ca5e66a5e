import type { ProviderDefinitionInput } from "../provider-schema";

// Kimi's coding subscription with an API key, served in Anthropic format.
export const kimiCodingProvider = {
  id: "kimi-coding",
  name: "Kimi Coding Plan (API key)",
  aliases: ["kmc"],
  format: "anthropic",
  tier: "subscription",
  baseUrl: "https://api.kimi.com/coding/v1",
  auth: { kind: "header", header: "x-api-key" },
  extraHeaders: { "anthropic-version": "2023-06-01" },
  docsUrl: "https://www.kimi.com/coding/docs/",
  models: [
    { id: "kimi-k2.7-code", name: "Kimi K2.7 Code", contextWindow: 262_144, pricing: { input: 0, output: 0 }, capabilities: { tools: true, vision: true, reasoning: true } },
  ],
  quirks: { noModelsEndpoint: true },
} satisfies ProviderDefinitionInput;
