import type { ProviderDefinitionInput } from "../provider-schema";

export const llamaCppProvider = {
  id: "llama-cpp",
  name: "llama.cpp server",
  aliases: ["llamacpp"],
  format: "openai-chat",
  tier: "local",
  baseUrl: "http://127.0.0.1:8080/v1",
  apiKeyOptional: true,
  docsUrl: "https://github.com/ggml-org/llama.cpp/blob/master/tools/server/README.md",
  quirks: { developerRoleAsSystem: true },
} satisfies ProviderDefinitionInput;
