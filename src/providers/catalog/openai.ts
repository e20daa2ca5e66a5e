import type { ProviderDefinitionInput } from "../provider-schema";

export const openaiProvider = {
  id: "openai",
  name: "OpenAI",
  aliases: ["oai"],
  format: "openai-chat",
  tier: "api-key",
  baseUrl: "https://api.openai.com/v1",
  docsUrl: "https://developers.openai.com/api/docs",
  keysUrl: "https://platform.openai.com/api-keys",
  models: [
    {
      id: "gpt-6.2-astra",
      name: "GPT-6.2 Astra",
      contextWindow: 1_050_000,
      maxOutputTokens: 128_000,
      pricing: { input: 8, output: 40, cachedInput: 0.4 },
      capabilities: { tools: true, vision: true, reasoning: true },
    },
    {
      id: "gpt-6.2-sol",
      name: "GPT-6.2 Sol",
      contextWindow: 1_050_000,
      maxOutputTokens: 128_000,
      pricing: { input: 2, output: 10, cachedInput: 0.1, cacheWrite: 2.5 },
      capabilities: { tools: true, vision: true, reasoning: true },
    },
    {
      id: "gpt-6-luna",
      name: "GPT-6 Luna",
      contextWindow: 1_050_000,
      maxOutputTokens: 128_000,
      pricing: { input: 0.1, output: 0.5, cachedInput: 0.01, cacheWrite: 0.125 },
      // Chat Completions only accepts tools with reasoning_effort "none" on this model.
      capabilities: { tools: true, vision: true, reasoning: true },
    },
    {
      id: "gpt-5.5",
      name: "GPT-5.5",
      contextWindow: 1_050_000,
      maxOutputTokens: 128_000,
      pricing: { input: 5, output: 30, cachedInput: 0.5 },
      capabilities: { tools: true, vision: true, reasoning: true },
    },
  ],
  quirks: {
    // The GPT-6 family rejects max_tokens like the o-series and GPT-5 do.
    maxCompletionTokensModelPrefixes: ["o1", "o3", "o4", "gpt-5", "gpt-6"],
  },
} satisfies ProviderDefinitionInput;
