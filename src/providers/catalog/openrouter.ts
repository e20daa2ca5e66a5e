import type { ProviderDefinitionInput } from "../provider-schema";

export const openrouterProvider = {
  id: "openrouter",
  name: "OpenRouter",
  aliases: ["or"],
  format: "openai-chat",
  tier: "api-key",
  baseUrl: "https://openrouter.ai/api/v1",
  // Attribution headers: OpenRouter credits traffic to the app in its rankings.
  extraHeaders: {
    "HTTP-Referer": "https://github.com/omniroute/omniroute",
    "X-Title": "OmniRoute",
  },
  docsUrl: "https://openrouter.ai/docs",
  keysUrl: "https://openrouter.ai/settings/keys",
  models: [
    {
      id: "anthropic/claude-sonnet-5.5",
      name: "Claude Sonnet 5.5",
      contextWindow: 1_000_000,
      maxOutputTokens: 128_000,
      pricing: { input: 2, output: 10, cachedInput: 0.2, cacheWrite: 2.5 },
      capabilities: { tools: true, vision: true, reasoning: true },
    },
    {
      id: "openai/gpt-6.2-sol",
      name: "GPT-6.2 Sol",
      contextWindow: 1_050_000,
      maxOutputTokens: 128_000,
      pricing: { input: 2, output: 10, cachedInput: 0.1 },
      capabilities: { tools: true, vision: true, reasoning: true },
    },
    {
      id: "moonshotai/kimi-k3.1-pro",
      name: "Kimi K3.1 Pro",
      contextWindow: 1_048_576,
      pricing: { input: 2, output: 10, cachedInput: 0.2 },
      capabilities: { tools: true, vision: true, reasoning: true },
    },
    {
      id: "z-ai/glm-5.3",
      name: "GLM 5.3",
      contextWindow: 1_048_576,
      maxOutputTokens: 131_072,
      pricing: { input: 1.4, output: 4.4, cachedInput: 0.26 },
      capabilities: { tools: true, vision: false, reasoning: true },
    },
  ],
} satisfies ProviderDefinitionInput;
