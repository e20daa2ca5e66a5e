import type { ProviderDefinitionInput } from "../provider-schema";

// The hosted build.nvidia.com endpoints are free (rate-limited trial credits), hence zero prices.
export const nvidiaProvider = {
  id: "nvidia",
  name: "NVIDIA NIM",
  aliases: ["nim"],
  format: "openai-chat",
  tier: "free",
  baseUrl: "https://integrate.api.nvidia.com/v1",
  docsUrl: "https://docs.api.nvidia.com/nim/",
  keysUrl: "https://build.nvidia.com/settings/api-keys",
  models: [
    {
      id: "deepseek-ai/deepseek-v4-pro",
      name: "DeepSeek V4 Pro",
      contextWindow: 1_000_000,
      maxOutputTokens: 384_000,
      pricing: { input: 0, output: 0 },
      capabilities: { tools: true, vision: false, reasoning: true },
    },
    {
      id: "moonshotai/kimi-k3",
      name: "Kimi K3",
      contextWindow: 1_048_576,
      pricing: { input: 0, output: 0 },
      capabilities: { tools: true, vision: true, reasoning: true },
    },
    {
      id: "z-ai/glm-5.1",
      name: "GLM-5.1",
      contextWindow: 202_752,
      maxOutputTokens: 131_072,
      pricing: { input: 0, output: 0 },
      capabilities: { tools: true, vision: false, reasoning: true },
    },
    {
      id: "minimaxai/minimax-m3",
      name: "MiniMax M3",
      contextWindow: 1_000_000,
      maxOutputTokens: 16_384,
      pricing: { input: 0, output: 0 },
      capabilities: { tools: true, vision: true, reasoning: true },
    },
    {
      id: "nvidia/nemotron-3-super-120b-a12b",
      name: "Nemotron 3 Super 120B",
      contextWindow: 262_144,
      pricing: { input: 0, output: 0 },
      capabilities: { tools: true, vision: false, reasoning: true },
    },
  ],
  quirks: { developerRoleAsSystem: true },
} satisfies ProviderDefinitionInput;
