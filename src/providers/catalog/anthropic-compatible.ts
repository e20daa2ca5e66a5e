import type { ProviderDefinitionInput } from "../provider-schema";

/** Any endpoint speaking Anthropic Messages; the user supplies base URL (up to `/v1`), key, alias and models. */
export const anthropicCompatibleProvider = {
  id: "anthropic-compatible",
  name: "Anthropic-compatible endpoint",
  format: "anthropic",
  tier: "api-key",
  baseUrl: "https://example.invalid/v1",
  auth: { kind: "header", header: "x-api-key" },
  extraHeaders: { "anthropic-version": "2023-06-01" },
  requiresBaseUrl: true,
  models: [],
} satisfies ProviderDefinitionInput;
