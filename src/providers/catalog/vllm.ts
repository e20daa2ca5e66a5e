import type { ProviderDefinitionInput } from "../provider-schema";

export const vllmProvider = {
  id: "vllm",
  name: "vLLM",
  format: "openai-chat",
  tier: "local",
  baseUrl: "http://127.0.0.1:8000/v1",
  apiKeyOptional: true,
  docsUrl: "https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html",
  quirks: { developerRoleAsSystem: true },
} satisfies ProviderDefinitionInput;
