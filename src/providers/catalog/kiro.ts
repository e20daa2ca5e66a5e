import type { ProviderDefinitionInput } from "../provider-schema";

// An AWS Builder ID with Kiro (Amazon Q Developer) access, used through the Kiro IDE's device sign-in. Usage is
// covered by the account's Kiro plan (monthly credits / agentic requests, read from getUsageLimits by the quota
// fetcher), so per-token prices are zero.
//
// The wire is not OpenAI Chat: the executor (src/providers/executors/kiro.ts) turns the OpenAI Chat body the
// translators produce into Kiro's `conversationState`, and Kiro's binary event stream back into Chat SSE. The format
// below is what the gateway's translators target; the executor moves `{base}/chat/completions` to Kiro's one
// generation endpoint, `{base}/generateAssistantResponse`.
export const kiroProvider = {
  id: "kiro",
  name: "Kiro (AWS Builder ID)",
  aliases: ["kr"],
  format: "openai-chat",
  tier: "subscription",
  baseUrl: "https://codewhisperer.us-east-1.amazonaws.com",
  auth: { kind: "bearer" },
  // No model list endpoint: the connection test generates instead.
  quirks: { noModelsEndpoint: true },
  docsUrl: "https://kiro.dev/docs/",
  oauth: {
    flows: ["device-code"],
    termsNote:
      "Kiro's AWS Builder ID sign-in is meant for the Kiro IDE and CLI. The AWS and Kiro terms do not provide for " +
      "using it from other software such as this gateway, and AWS can throttle, restrict or suspend access for " +
      "accounts it sees used this way. Your plan's monthly credits are spent by requests made here just as by the IDE. " +
      "OmniRoute sends the Kiro IDE's published request headers but does not forge its machine id or any other " +
      "fingerprint. For dependable use, use Claude through Amazon Bedrock or the Anthropic API instead.",
  },
  models: [
    { id: "claude-sonnet-4.5", name: "Claude Sonnet 4.5", contextWindow: 200_000, maxOutputTokens: 64_000, pricing: { input: 0, output: 0 }, capabilities: { tools: true, vision: true, reasoning: false } },
    { id: "claude-sonnet-4", name: "Claude Sonnet 4", contextWindow: 200_000, maxOutputTokens: 64_000, pricing: { input: 0, output: 0 }, capabilities: { tools: true, vision: true, reasoning: false } },
    { id: "claude-haiku-4.5", name: "Claude Haiku 4.5", contextWindow: 200_000, maxOutputTokens: 64_000, pricing: { input: 0, output: 0 }, capabilities: { tools: true, vision: true, reasoning: false } },
    { id: "claude-opus-4.5", name: "Claude Opus 4.5", contextWindow: 200_000, maxOutputTokens: 64_000, pricing: { input: 0, output: 0 }, capabilities: { tools: true, vision: true, reasoning: false } },
  ],
} satisfies ProviderDefinitionInput;
