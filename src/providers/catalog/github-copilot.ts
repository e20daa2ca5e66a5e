import type { ProviderDefinitionInput } from "../provider-schema";

// A GitHub Copilot plan used through its device login. Usage is covered by the plan (premium requests are counted
// by GitHub and read by the quota fetcher), so per-token prices are zero.
//
// The model list is a default the user edits per connection: what a plan offers changes often and differs between
// Free, Pro, Pro+, Business and Enterprise (the authoritative list is GET https://api.githubcopilot.com/models).
// Responses-only models (the *-codex family) are left out: this provider speaks Chat Completions.
export const githubCopilotProvider = {
  id: "github-copilot",
  name: "GitHub Copilot (subscription)",
  aliases: ["gh"],
  format: "openai-chat",
  tier: "subscription",
  baseUrl: "https://api.githubcopilot.com",
  auth: { kind: "bearer" },
  docsUrl: "https://docs.github.com/en/copilot",
  oauth: {
    flows: ["device-code"],
    termsNote:
      "GitHub Copilot plans are licensed for use in supported editors and GitHub's own tools. Calling the Copilot API " +
      "from other software is not a use GitHub supports, and GitHub has suspended Copilot access (HTTP 403) for " +
      "accounts with unusual automated traffic. Requests you send here use your plan's premium requests like the " +
      "editor does; OmniRoute marks tool continuations as agent turns the way the editor does, and never hides a " +
      "human turn as one.",
  },
  models: [
    { id: "gpt-4.1", name: "GPT-4.1", contextWindow: 128_000, maxOutputTokens: 16_384, pricing: { input: 0, output: 0 }, capabilities: { tools: true, vision: true, reasoning: false } },
    { id: "gpt-5-mini", name: "GPT-5 mini", contextWindow: 264_000, maxOutputTokens: 64_000, pricing: { input: 0, output: 0 }, capabilities: { tools: true, vision: true, reasoning: true } },
    { id: "gpt-5.5", name: "GPT-5.5", contextWindow: 400_000, maxOutputTokens: 128_000, pricing: { input: 0, output: 0 }, capabilities: { tools: true, vision: true, reasoning: true } },
    { id: "claude-sonnet-4.6", name: "Claude Sonnet 4.6", contextWindow: 200_000, maxOutputTokens: 32_000, pricing: { input: 0, output: 0 }, capabilities: { tools: true, vision: true, reasoning: true } },
    { id: "claude-haiku-4.5", name: "Claude Haiku 4.5", contextWindow: 200_000, maxOutputTokens: 32_000, pricing: { input: 0, output: 0 }, capabilities: { tools: true, vision: true, reasoning: true } },
    { id: "gemini-2.5-pro", name: "Gemini 2.5 Pro", contextWindow: 128_000, maxOutputTokens: 64_000, pricing: { input: 0, output: 0 }, capabilities: { tools: true, vision: true, reasoning: true } },
  ],
  // Copilot forwards OpenAI's reasoning families, which refuse max_tokens.
  quirks: { maxCompletionTokensModelPrefixes: ["gpt-5", "o1", "o3", "o4"] },
} satisfies ProviderDefinitionInput;
