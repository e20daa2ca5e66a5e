import type { ProviderDefinitionInput } from "../provider-schema";

export const mistralProvider = {
  id: "mistral",
  name: "Mistral AI",
  format: "openai-chat",
  tier: "api-key",
  baseUrl: "https://api.mistral.ai/v1",
  docsUrl: "https://docs.mistral.ai",
  keysUrl: "https://console.mistral.ai/api-keys",
  models: [
    {
      id: "mistral-medium-3.5",
      name: "Mistral Medium 3.5",
      contextWindow: 262_144,
      pricing: { input: 1.5, output: 7.5, cachedInput: 0.15 },
      capabilities: { tools: true, vision: true, reasoning: true },
    },
    {
      id: "mistral-large-4",
      name: "Mistral Large 4 (preview)",
      contextWindow: 524_288,
      maxOutputTokens: 262_144,
      // Public-preview price, half of the $1.36 / $4.18 list price.
      pricing: { input: 0.68, output: 2.09, cachedInput: 0.07 },
      capabilities: { tools: true, vision: true, reasoning: true },
    },
    {
      id: "mistral-small-latest",
      name: "Mistral Small 4",
      contextWindow: 256_000,
      pricing: { input: 0.15, output: 0.6, cachedInput: 0.015 },
      capabilities: { tools: true, vision: true, reasoning: true },
    },
  ],
  quirks: { developerRoleAsSystem: true },
} satisfies ProviderDefinitionInput;
