import type { ProviderDefinitionInput } from "../provider-schema";

// Prices are DeepSeek's peak-hour list rates; off-peak hours bill at half.
export const deepseekProvider = {
  id: "deepseek",
  name: "DeepSeek",
  aliases: ["ds"],
  format: "openai-chat",
  tier: "cheap",
  baseUrl: "https://api.deepseek.com/v1",
  docsUrl: "https://api-docs.deepseek.com",
  keysUrl: "https://platform.deepseek.com/api_keys",
  models: [
    {
      id: "deepseek-v4-pro",
      name: "DeepSeek V4 Pro",
      contextWindow: 1_000_000,
      maxOutputTokens: 384_000,
      pricing: { input: 1.32, output: 3.96, cachedInput: 0.044 },
      capabilities: { tools: true, vision: false, reasoning: true },
    },
    {
      id: "deepseek-flash",
      name: "DeepSeek V4.1 Flash",
      contextWindow: 1_000_000,
      maxOutputTokens: 384_000,
      pricing: { input: 0.3, output: 1.2, cachedInput: 0.006 },
      capabilities: { tools: true, vision: true, reasoning: true },
    },
  ],
  quirks: { developerRoleAsSystem: true },
} satisfies ProviderDefinitionInput;
