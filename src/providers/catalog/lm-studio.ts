import type { ProviderDefinitionInput } from "../provider-schema";

export const lmStudioProvider = {
  id: "lm-studio",
  name: "LM Studio",
  aliases: ["lmstudio"],
  format: "openai-chat",
  tier: "local",
  baseUrl: "http://127.0.0.1:1234/v1",
  apiKeyOptional: true,
  docsUrl: "https://lmstudio.ai/docs/app/api/endpoints/openai",
  quirks: { developerRoleAsSystem: true },
} satisfies ProviderDefinitionInput;
