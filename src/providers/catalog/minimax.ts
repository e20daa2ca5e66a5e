import type { ProviderDefinitionInput } from "../provider-schema";

export const minimaxProvider = {
  id: "minimax",
  name: "MiniMax",
  format: "openai-chat",
  tier: "cheap",
  baseUrl: "https://api.minimax.io/v1",
  docsUrl: "https://platform.minimax.io/docs/api-reference/text-openai-api",
  keysUrl: "https://platform.minimax.io/user-center/basic-information/interface-key",
  models: [
    {
      id: "MiniMax-M3",
      name: "MiniMax M3",
      contextWindow: 1_000_000,
      pricing: { input: 0.3, output: 1.2, cachedInput: 0.06 },
      capabilities: { tools: true, vision: true, reasoning: true },
    },
    {
      id: "MiniMax-M2.7",
      name: "MiniMax M2.7",
      contextWindow: 204_800,
      pricing: { input: 0.3, output: 1.2, cachedInput: 0.06 },
      capabilities: { tools: true, vision: false, reasoning: true },
    },
    {
      id: "MiniMax-M2.7-highspeed",
      name: "MiniMax M2.7 Highspeed",
      contextWindow: 204_800,
      pricing: { input: 0.6, output: 2.4, cachedInput: 0.06 },
      capabilities: { tools: true, vision: false, reasoning: true },
    },
  ],
  quirks: { developerRoleAsSystem: true },
} satisfies ProviderDefinitionInput;
