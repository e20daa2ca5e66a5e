import type { ProviderDefinitionInput } from "../provider-schema";

// A Google account's Antigravity entitlement (free or Google AI Pro / Ultra), used through the Antigravity IDE's
// Google sign-in. Usage is covered by the account's Antigravity quota (per-model, read from fetchAvailableModels by
// the quota fetcher), so per-token prices are zero.
//
// The backend is Google's Cloud Code API: Gemini-format requests inside an envelope at `{base}/v1internal:…`, and
// every answer wrapped as `{response: …}` — the executor (src/providers/executors/antigravity.ts) does both, so the
// Gemini paths below are only the pipeline's starting point. The model list is a default the user edits per
// connection: what the backend offers changes often (fetchAvailableModels lists it per account).
export const antigravityProvider = {
  id: "antigravity",
  name: "Google Antigravity (Google account)",
  aliases: ["agy"],
  format: "gemini",
  tier: "subscription",
  baseUrl: "https://daily-cloudcode-pa.googleapis.com",
  auth: { kind: "bearer" },
  // No public GET /models on the Cloud Code API: the connection test generates instead.
  quirks: { noModelsEndpoint: true },
  docsUrl: "https://antigravity.google/docs",
  oauth: {
    flows: ["authorization-code"],
    termsNote:
      "Warning: Google has suspended Google accounts for using Antigravity (and the Gemini CLI before it) from " +
      "third-party tools such as this gateway. It is the most common complaint about this kind of use, and a " +
      "suspension can reach the whole Google account — Gmail, Drive and the rest — not just Antigravity. Antigravity " +
      "is offered for Google's own Antigravity apps; Google's terms do not allow using its sign-in from other " +
      "software. Heavy use and paid AI-credit overage have been linked to bans. Only connect a Google account you can " +
      "afford to lose, never your main or work account. OmniRoute sends the Antigravity IDE's published request " +
      "headers but does not imitate its prompts or forge its fingerprints. For dependable use, use a Gemini API key " +
      "(the Google Gemini provider) instead.",
  },
  models: [
    { id: "gemini-3.1-pro-high", name: "Gemini 3.1 Pro (high)", contextWindow: 1_048_576, maxOutputTokens: 65_535, pricing: { input: 0, output: 0 }, capabilities: { tools: true, vision: true, reasoning: true } },
    { id: "gemini-3.1-pro-low", name: "Gemini 3.1 Pro (low)", contextWindow: 1_048_576, maxOutputTokens: 65_535, pricing: { input: 0, output: 0 }, capabilities: { tools: true, vision: true, reasoning: true } },
    { id: "gemini-3-flash", name: "Gemini 3 Flash", contextWindow: 1_048_576, maxOutputTokens: 65_535, pricing: { input: 0, output: 0 }, capabilities: { tools: true, vision: true, reasoning: true } },
    { id: "claude-sonnet-4-6", name: "Claude Sonnet 4.6", contextWindow: 200_000, maxOutputTokens: 64_000, pricing: { input: 0, output: 0 }, capabilities: { tools: true, vision: true, reasoning: false } },
    { id: "claude-opus-4-6-thinking", name: "Claude Opus 4.6 (thinking)", contextWindow: 200_000, maxOutputTokens: 64_000, pricing: { input: 0, output: 0 }, capabilities: { tools: true, vision: true, reasoning: true } },
    { id: "gpt-oss-120b-medium", name: "GPT-OSS 120B (medium)", contextWindow: 131_072, maxOutputTokens: 32_768, pricing: { input: 0, output: 0 }, capabilities: { tools: true, vision: false, reasoning: true } },
  ],
} satisfies ProviderDefinitionInput;
