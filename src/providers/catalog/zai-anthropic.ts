import type { ProviderDefinitionInput } from "../provider-schema";

// The GLM Coding Plan's Anthropic-format endpoint (what Claude Code is pointed at); flat-rate, so prices are zero.
export const zaiAnthropicProvider = {
  id: "zai-anthropic",
  name: "Z.ai GLM Coding Plan (Anthropic format)",
  aliases: ["zai"],
  format: "anthropic",
  tier: "subscription",
  baseUrl: "https://api.z.ai/api/anthropic/v1",
  auth: { kind: "header", header: "x-api-key" },
  extraHeaders: { "anthropic-version": "2023-06-01" },
  docsUrl: "https://docs.z.ai/devpack/tool/claude",
  keysUrl: "https://z.ai/manage-apikey/apikey-list",
  models: [
    { id: "glm-5.3", name: "GLM-5.3", contextWindow: 1_000_000, maxOutputTokens: 131_072, pricing: { input: 0, output: 0 }, capabilities: { tools: true, vision: false, reasoning: true } },
    { id: "glm-5.3-flash", name: "GLM-5.3 Flash", contextWindow: 1_000_000, maxOutputTokens: 128_000, pricing: { input: 0, output: 0 }, capabilities: { tools: true, vision: true, reasoning: true } },
  ],
  quirks: { noModelsEndpoint: true },
} satisfies ProviderDefinitionInput;
