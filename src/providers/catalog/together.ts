import type { ProviderDefinitionInput } from "../provider-schema";

export const togetherProvider = {
  id: "together",
  name: "Together AI",
  format: "openai-chat",
  tier: "cheap",
  baseUrl: "https://api.together.xyz/v1",
  docsUrl: "https://docs.together.ai",
  keysUrl: "https://api.together.ai/settings/api-keys",
  models: [
    {
      id: "deepseek-ai/DeepSeek-V4-Pro",
      name: "DeepSeek V4 Pro",
      contextWindow: 512_000,
      maxOutputTokens: 384_000,
      pricing: { input: 2.1, output: 4.4, cachedInput: 0.2 },
      capabilities: { tools: true, vision: false, reasoning: true },
    },
    {
      id: "deepseek-ai/DeepSeek-V4.1-Flash",
      name: "DeepSeek V4.1 Flash",
      contextWindow: 1_000_000,
      pricing: { input: 0.3, output: 1.2, cachedInput: 0.006 },
      capabilities: { tools: true, vision: true, reasoning: true },
    },
    {
      id: "moonshotai/Kimi-K3",
      name: "Kimi K3",
      contextWindow: 1_048_576,
      pricing: { input: 3, output: 15, cachedInput: 0.3 },
      capabilities: { tools: true, vision: true, reasoning: true },
    },
    {
      id: "zai-org/GLM-5.3",
      name: "GLM 5.3",
      contextWindow: 1_048_575,
      maxOutputTokens: 262_144,
      pricing: { input: 1.4, output: 4.4, cachedInput: 0.26 },
      capabilities: { tools: true, vision: false, reasoning: true },
    },
    {
      id: "Qwen/Qwen3.7-Max",
      name: "Qwen3.7 Max",
      contextWindow: 1_000_000,
      maxOutputTokens: 500_000,
      pricing: { input: 2.5, output: 7.5 },
      capabilities: { tools: true, vision: false, reasoning: false },
    },
    {
      id: "meta-llama/Llama-3.3-70B-Instruct-Turbo",
      name: "Llama 3.3 70B Instruct Turbo",
      contextWindow: 131_072,
      pricing: { input: 0.88, output: 0.88 },
      capabilities: { tools: true, vision: false, reasoning: false },
    },
  ],
  quirks: { developerRoleAsSystem: true },
} satisfies ProviderDefinitionInput;
