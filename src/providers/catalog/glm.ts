import type { ProviderDefinitionInput } from "../provider-schema";

export const glmProvider = {
  id: "glm",
  name: "Z.ai GLM",
  format: "openai-chat",
  tier: "cheap",
  // General pay-as-you-go API; Coding Plan keys only work on the separate glm-coding endpoint.
  baseUrl: "https://api.z.ai/api/paas/v4",
  docsUrl: "https://docs.z.ai",
  keysUrl: "https://z.ai/manage-apikey/apikey-list",
  models: [
    {
      id: "glm-5.3",
      name: "GLM-5.3",
      contextWindow: 1_000_000,
      maxOutputTokens: 131_072,
      pricing: { input: 1.4, output: 4.4, cachedInput: 0.26 },
      capabilities: { tools: true, vision: false, reasoning: true },
    },
    {
      id: "glm-5.3-flash",
      name: "GLM-5.3 Flash",
      contextWindow: 1_000_000,
      maxOutputTokens: 128_000,
      pricing: { input: 0.07, output: 0.25 },
      capabilities: { tools: true, vision: true, reasoning: true },
    },
    {
      id: "glm-5.2",
      name: "GLM-5.2",
      contextWindow: 1_000_000,
      pricing: { input: 1.4, output: 4.4, cachedInput: 0.26 },
      capabilities: { tools: true, vision: false, reasoning: true },
    },
    {
      id: "glm-5v-turbo",
      name: "GLM-5V Turbo",
      contextWindow: 200_000,
      maxOutputTokens: 128_000,
      pricing: { input: 1.2, output: 4 },
      capabilities: { tools: true, vision: true, reasoning: true },
    },
  ],
  quirks: { developerRoleAsSystem: true },
} satisfies ProviderDefinitionInput;
