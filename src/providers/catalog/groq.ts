import type { ProviderDefinitionInput } from "../provider-schema";

// Used mostly on the rate-limited free plan; prices are the pay-as-you-go rates.
export const groqProvider = {
  id: "groq",
  name: "Groq",
  format: "openai-chat",
  tier: "free",
  baseUrl: "https://api.groq.com/openai/v1",
  docsUrl: "https://console.groq.com/docs",
  keysUrl: "https://console.groq.com/keys",
  models: [
    {
      id: "openai/gpt-oss-120b",
      name: "GPT-OSS 120B",
      contextWindow: 131_072,
      maxOutputTokens: 65_536,
      pricing: { input: 0.15, output: 0.6, cachedInput: 0.075 },
      capabilities: { tools: true, vision: false, reasoning: true },
    },
    {
      id: "openai/gpt-oss-20b",
      name: "GPT-OSS 20B",
      contextWindow: 131_072,
      maxOutputTokens: 65_536,
      pricing: { input: 0.075, output: 0.3, cachedInput: 0.0375 },
      capabilities: { tools: true, vision: false, reasoning: true },
    },
    {
      id: "qwen/qwen3.8-27b",
      name: "Qwen3.8 27B",
      contextWindow: 131_072,
      maxOutputTokens: 16_384,
      pricing: { input: 0.8, output: 4, cachedInput: 0.4 },
      capabilities: { tools: true, vision: true, reasoning: true },
    },
  ],
  // Answers carry x_groq and usage_breakdown, which strict OpenAI clients refuse: they are rebuilt clean.
  quirks: { developerRoleAsSystem: true, sanitizeResponses: true },
} satisfies ProviderDefinitionInput;