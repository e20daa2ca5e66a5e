import type { ProviderDefinitionInput } from "../provider-schema";

export const geminiProvider = {
  id: "gemini",
  name: "Google Gemini (API key)",
  aliases: ["google"],
  format: "gemini",
  tier: "api-key",
  baseUrl: "https://generativelanguage.googleapis.com/v1beta",
  auth: { kind: "header", header: "x-goog-api-key" },
  docsUrl: "https://ai.google.dev/gemini-api/docs",
  keysUrl: "https://aistudio.google.com/apikey",
  models: [
    { id: "gemini-3.1-pro-preview", name: "Gemini 3.1 Pro (preview)", contextWindow: 1_048_576, maxOutputTokens: 65_536, capabilities: { tools: true, vision: true, reasoning: true } },
    { id: "gemini-3.8-flash", name: "Gemini 3.8 Flash", contextWindow: 1_048_576, maxOutputTokens: 65_536, capabilities: { tools: true, vision: true, reasoning: true } },
    { id: "gemini-3.5-flash-lite", name: "Gemini 3.5 Flash-Lite", contextWindow: 1_048_576, maxOutputTokens: 65_536, capabilities: { tools: true, vision: true, reasoning: true } },
    {
      id: "gemini-2.5-pro",
      name: "Gemini 2.5 Pro",
      contextWindow: 1_048_576,
      maxOutputTokens: 65_536,
      pricing: { input: 1.25, output: 10, cachedInput: 0.31 },
      capabilities: { tools: true, vision: true, reasoning: true },
    },
    {
      id: "gemini-2.5-flash",
      name: "Gemini 2.5 Flash",
      contextWindow: 1_048_576,
      maxOutputTokens: 65_536,
      pricing: { input: 0.3, output: 2.5, cachedInput: 0.075 },
      capabilities: { tools: true, vision: true, reasoning: true },
    },
  ],
} satisfies ProviderDefinitionInput;
