import type { ProviderDefinitionInput } from "../provider-schema";

export const ollamaProvider = {
  id: "ollama",
  name: "Ollama",
  format: "openai-chat",
  tier: "local",
  baseUrl: "http://127.0.0.1:11434/v1",
  apiKeyOptional: true,
  docsUrl: "https://docs.ollama.com/api/openai-compatibility",
  quirks: { developerRoleAsSystem: true },
} satisfies ProviderDefinitionInput;
