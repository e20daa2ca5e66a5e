import type { ProviderDefinitionInput } from "../provider-schema";

// A Claude Pro / Max subscription used through its OAuth login. Usage is covered by the plan (its limits are the
// five-hour and weekly windows the quota fetcher reads), so per-token prices are zero.
export const claudeCodeProvider = {
  id: "claude-code",
  name: "Claude Code (subscription)",
  aliases: ["cc"],
  format: "anthropic",
  tier: "subscription",
  baseUrl: "https://api.anthropic.com/v1",
  // The official client calls the SDK's beta endpoint; the executor adds the same query to count_tokens.
  chatPath: "/messages?beta=true",
  auth: { kind: "bearer" },
  docsUrl: "https://docs.claude.com/en/docs/claude-code/overview",
  oauth: {
    flows: ["authorization-code"],
    termsNote:
      "Claude Pro and Max plans are meant for Anthropic's own apps (Claude Code, claude.ai). Anthropic's consumer " +
      "terms do not provide for using a subscription login from third-party tools such as this gateway, and Anthropic " +
      "can rate-limit, restrict or suspend accounts it sees used this way. OmniRoute sends Claude Code's published " +
      "request headers but does not imitate its prompt or forge its fingerprints. If your work must not be " +
      "interrupted, use an API key (the Anthropic provider) instead.",
  },
  models: [
    { id: "claude-opus-5-5", name: "Claude Opus 5.5", contextWindow: 1_000_000, maxOutputTokens: 128_000, pricing: { input: 0, output: 0 }, capabilities: { tools: true, vision: true, reasoning: true } },
    { id: "claude-sonnet-4-6", name: "Claude Sonnet 4.6", contextWindow: 1_000_000, maxOutputTokens: 64_000, pricing: { input: 0, output: 0 }, capabilities: { tools: true, vision: true, reasoning: true } },
    { id: "claude-sonnet-4-5", name: "Claude Sonnet 4.5", contextWindow: 200_000, maxOutputTokens: 64_000, pricing: { input: 0, output: 0 }, capabilities: { tools: true, vision: true, reasoning: true } },
    { id: "claude-haiku-4-5-20251001", name: "Claude Haiku 4.5", contextWindow: 200_000, maxOutputTokens: 64_000, pricing: { input: 0, output: 0 }, capabilities: { tools: true, vision: true, reasoning: true } },
  ],
} satisfies ProviderDefinitionInput;
