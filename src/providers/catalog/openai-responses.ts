import type { ProviderDefinitionInput } from "../provider-schema";
import { openaiProvider } from "./openai";

/**
 * OpenAI through the Responses API: the same models and key as `openai`, but reasoning survives across turns
 * (encrypted reasoning items), which Chat Completions cannot carry.
 */
export const openaiResponsesProvider = {
  id: "openai-responses",
  name: "OpenAI (Responses API)",
  aliases: ["oair"],
  format: "openai-responses",
  tier: "api-key",
  baseUrl: "https://api.openai.com/v1",
  docsUrl: "https://developers.openai.com/api/docs/guides/migrate-to-responses",
  keysUrl: openaiProvider.keysUrl,
  models: openaiProvider.models,
} satisfies ProviderDefinitionInput;
