import type { ProviderDefinitionInput } from "../provider-schema";

// Used mostly on the rate-limited free plan; prices are the pay-as-you-go rates.
export const cerebrasProvider = {
  id: "cerebras",
  name: "Cerebras",
  format: "openai-chat",
  tier: "free",
  baseUrl: "https://api.cerebras.ai/v1",
  docsUrl: "https://inference-docs.cerebras.ai",
  keysUrl: "https://cloud.cerebras.ai",
  models: [
    {
      id: "gpt-oss-120b",
      name: "GPT-OSS 120B",
      contextWindow: 131_072,
      maxOutputTokens: 32_768,
      pricing: { input: 0.35, output: 0.75 },
      capabilities: { tools: true, vision: false, reasoning: true },
    },
    {
      id: "zai-glm-4.7",
      name: "Z.ai GLM 4.7",
      contextWindow: 131_072,
      maxOutputTokens: 40_000,
      pricing: { input: 2.25, output: 2.75 },
      capabilities: { tools: true, vision: false, reasoning: true },
    },
    {
      id: "qwen-3.8-27b",
      name: "Qwen 3.8 27B",
      contextWindow: 65_536,
      maxOutputTokens: 32_768,
      pricing: { input: 0.99, output: 1.49 },
      capabilities: { tools: true, vision: true, reasoning: true },
    },
  ],
  quirks: { developerRoleAsSystem: true },
} satisfies ProviderDefinitionInput;
