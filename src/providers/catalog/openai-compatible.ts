import type { ProviderDefinitionInput } from "../provider-schema";

// Template for user-defined endpoints: each connection supplies its own base URL and models.
export const openaiCompatibleProvider = {
  id: "openai-compatible",
  name: "OpenAI-compatible (custom)",
  format: "openai-chat",
  tier: "local",
  baseUrl: "http://127.0.0.1:8000/v1",
  apiKeyOptional: true,
  requiresBaseUrl: true,
  // Unknown servers rarely accept the `developer` role; `system` is understood everywhere.
  quirks: { developerRoleAsSystem: true },
} satisfies ProviderDefinitionInput;
