import type { ProviderDefinitionInput } from "../provider-schema";

// A qwen.ai account used through the Qwen Code CLI's device login. Usage is covered by the account's free OAuth
// allowance (Qwen publishes request limits per minute and per day, not per-token prices), so per-token prices are
// zero. There is no quota endpoint to read: the limits show only as the upstream's 429s.
//
// The base URL is the default host; each account is served from the host its token answer names (`resource_url`,
// kept by src/oauth/providers/qwen-code.ts as the account's base URL when it is a qwen.ai / aliyuncs.com host).
export const qwenCodeProvider = {
  id: "qwen-code",
  name: "Qwen Code (subscription)",
  aliases: ["qw"],
  format: "openai-chat",
  tier: "subscription",
  baseUrl: "https://portal.qwen.ai/v1",
  auth: { kind: "bearer" },
  docsUrl: "https://github.com/QwenLM/qwen-code",
  oauth: {
    flows: ["device-code"],
    termsNote:
      "Qwen Code's qwen.ai sign-in is meant for the Qwen Code CLI. Qwen's terms do not provide for using that login " +
      "from other software such as this gateway, and Qwen can throttle, restrict or suspend accounts it sees used " +
      "this way. The free allowance is a limit on requests per minute and per day that Qwen sets and can change at " +
      "any time. OmniRoute sends Qwen Code's published request headers and does not forge anything else. If your work " +
      "must not be interrupted, use an Alibaba Cloud Model Studio (DashScope) API key through an OpenAI-compatible " +
      "connection instead.",
  },
  models: [
    { id: "qwen3-coder-plus", name: "Qwen3 Coder Plus", contextWindow: 1_000_000, maxOutputTokens: 65_536, pricing: { input: 0, output: 0 }, capabilities: { tools: true, vision: false, reasoning: false } },
    { id: "qwen3-coder-flash", name: "Qwen3 Coder Flash", contextWindow: 1_000_000, maxOutputTokens: 65_536, pricing: { input: 0, output: 0 }, capabilities: { tools: true, vision: false, reasoning: false } },
    { id: "coder-model", name: "Qwen Coder (latest)", contextWindow: 1_000_000, maxOutputTokens: 65_536, pricing: { input: 0, output: 0 }, capabilities: { tools: true, vision: false, reasoning: false } },
    { id: "vision-model", name: "Qwen Vision (latest)", contextWindow: 131_072, maxOutputTokens: 32_768, pricing: { input: 0, output: 0 }, capabilities: { tools: true, vision: true, reasoning: false } },
  ],
} satisfies ProviderDefinitionInput;
