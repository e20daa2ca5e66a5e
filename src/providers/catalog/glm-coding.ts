import type { ProviderDefinitionInput } from "../provider-schema";

// Flat-rate subscription: usage is covered by the plan, so per-token prices are zero.
export const glmCodingProvider = {
  id: "glm-coding",
  name: "Z.ai GLM Coding Plan",
  format: "openai-chat",
  tier: "subscription",
  baseUrl: "https://api.z.ai/api/coding/paas/v4",
  docsUrl: "https://docs.z.ai/devpack/quick-start",
  keysUrl: "https://z.ai/manage-apikey/apikey-list",
  models: [
    {
      id: "glm-5.3",
      name: "GLM-5.3",
      contextWindow: 1_000_000,
      maxOutputTokens: 131_072,
      pricing: { input: 0, output: 0 },
      capabilities: { tools: true, vision: false, reasoning: true },
    },
    {
      id: "glm-5.3-flash",
      name: "GLM-5.3 Flash",
      contextWindow: 1_000_000,
      maxOutputTokens: 128_000,
      pricing: { input: 0, output: 0 },
      capabilities: { tools: true, vision: true, reasoning: true },
    },
  ],
  quirks: { developerRoleAsSystem: true },
} satisfies ProviderDefinitionInput;
