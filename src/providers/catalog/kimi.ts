import type { ProviderDefinitionInput } from "../provider-schema";

export const kimiProvider = {
  id: "kimi",
  name: "Kimi (Moonshot AI)",
  aliases: ["moonshot"],
  format: "openai-chat",
  tier: "cheap",
  baseUrl: "https://api.moonshot.ai/v1",
  docsUrl: "https://platform.kimi.ai/docs/overview",
  keysUrl: "https://platform.moonshot.ai/console/api-keys",
  models: [
    {
      id: "kimi-k3.1-pro",
      name: "Kimi K3.1 Pro",
      contextWindow: 1_048_576,
      pricing: { input: 2, output: 10, cachedInput: 0.2 },
      capabilities: { tools: true, vision: true, reasoning: true },
    },
    {
      id: "kimi-k3.1-pro-highspeed",
      name: "Kimi K3.1 Pro Highspeed",
      contextWindow: 1_048_576,
      pricing: { input: 4, output: 20 },
      capabilities: { tools: true, vision: true, reasoning: true },
    },
    {
      id: "kimi-k3",
      name: "Kimi K3",
      contextWindow: 1_048_576,
      pricing: { input: 3, output: 15, cachedInput: 0.3 },
      capabilities: { tools: true, vision: true, reasoning: true },
    },
    {
      id: "kimi-k2.7-code",
      name: "Kimi K2.7 Code",
      contextWindow: 262_144,
      pricing: { input: 0.95, output: 4, cachedInput: 0.19 },
      capabilities: { tools: true, vision: true, reasoning: true },
    },
    {
      id: "kimi-k2.6",
      name: "Kimi K2.6",
      contextWindow: 262_144,
      pricing: { input: 0.95, output: 4, cachedInput: 0.16 },
      capabilities: { tools: true, vision: true, reasoning: true },
    },
  ],
  quirks: { developerRoleAsSystem: true },
} satisfies ProviderDefinitionInput;
