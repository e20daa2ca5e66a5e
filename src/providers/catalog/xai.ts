import type { ProviderDefinitionInput } from "../provider-schema";

export const xaiProvider = {
  id: "xai",
  name: "xAI",
  aliases: ["grok"],
  format: "openai-chat",
  tier: "api-key",
  baseUrl: "https://api.x.ai/v1",
  docsUrl: "https://docs.x.ai",
  keysUrl: "https://console.x.ai",
  // Prices below apply under 200K prompt tokens; larger prompts bill at twice the rate.
  models: [
    {
      id: "grok-4.7",
      name: "Grok 4.7",
      contextWindow: 500_000,
      pricing: { input: 2, output: 6, cachedInput: 0.5 },
      capabilities: { tools: true, vision: true, reasoning: true },
    },
    {
      id: "grok-4.6",
      name: "Grok 4.6",
      contextWindow: 500_000,
      pricing: { input: 2, output: 6, cachedInput: 0.5 },
      capabilities: { tools: true, vision: true, reasoning: true },
    },
    {
      id: "grok-4.3",
      name: "Grok 4.3",
      contextWindow: 1_000_000,
      pricing: { input: 1.25, output: 2.5, cachedInput: 0.2 },
      capabilities: { tools: true, vision: true, reasoning: true },
    },
    {
      id: "grok-build-0.1",
      name: "Grok Build 0.1",
      contextWindow: 256_000,
      pricing: { input: 1, output: 2, cachedInput: 0.2 },
      capabilities: { tools: true, vision: true, reasoning: true },
    },
  ],
  quirks: { developerRoleAsSystem: true },
} satisfies ProviderDefinitionInput;
