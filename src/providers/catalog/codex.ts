import type { ProviderDefinitionInput } from "../provider-schema";

// A ChatGPT subscription (Plus, Pro, Business, Edu, Enterprise) used through the Codex CLI's OAuth login. Usage is
// covered by the plan (its limits are the five-hour and weekly windows the quota fetcher reads), so per-token
// prices are zero.
//
// The upstream speaks the Responses API only and streams every answer (the executor sets `stream: true`; the
// pipeline folds the stream into one JSON answer for clients that asked for none). The model list is a default the
// user edits per connection: what a plan offers changes often (the authoritative list is the CLI's
// GET https://chatgpt.com/backend-api/codex/models).
export const codexProvider = {
  id: "codex",
  name: "OpenAI Codex (ChatGPT subscription)",
  aliases: ["cx"],
  format: "openai-responses",
  tier: "subscription",
  baseUrl: "https://chatgpt.com/backend-api/codex",
  chatPath: "/responses",
  auth: { kind: "bearer" },
  // Its /models wants the CLI's client_version and lists what the CLI shows: the connection test generates instead.
  quirks: { noModelsEndpoint: true },
  docsUrl: "https://developers.openai.com/codex/auth",
  oauth: {
    flows: ["authorization-code"],
    termsNote:
      "Codex usage is included in ChatGPT plans for OpenAI's own Codex apps (the CLI, the IDE extension, the web). " +
      "OpenAI's terms do not provide for using a ChatGPT login from third-party tools such as this gateway, and OpenAI " +
      "can rate-limit, restrict or suspend accounts it sees used this way. Requests count against your plan's " +
      "five-hour and weekly Codex limits. OmniRoute sends the Codex CLI's published request headers but does not " +
      "imitate its prompt or forge its fingerprints. If your work must not be interrupted, use an OpenAI API key " +
      "(the OpenAI provider) instead.",
  },
  models: [
    { id: "gpt-5.5", name: "GPT-5.5", contextWindow: 400_000, maxOutputTokens: 128_000, pricing: { input: 0, output: 0 }, capabilities: { tools: true, vision: true, reasoning: true } },
    { id: "gpt-5.3-codex", name: "GPT-5.3 Codex", contextWindow: 400_000, maxOutputTokens: 128_000, pricing: { input: 0, output: 0 }, capabilities: { tools: true, vision: true, reasoning: true } },
    { id: "gpt-5.2", name: "GPT-5.2", contextWindow: 400_000, maxOutputTokens: 128_000, pricing: { input: 0, output: 0 }, capabilities: { tools: true, vision: true, reasoning: true } },
    { id: "gpt-5.1-codex-mini", name: "GPT-5.1 Codex mini", contextWindow: 400_000, maxOutputTokens: 128_000, pricing: { input: 0, output: 0 }, capabilities: { tools: true, vision: true, reasoning: true } },
  ],
} satisfies ProviderDefinitionInput;
