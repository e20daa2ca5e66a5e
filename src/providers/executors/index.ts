import { AntigravityExecutor } from "./antigravity";
import { ClaudeCodeExecutor } from "./claude-code";
import { clientProfile } from "./client-profiles";
import { CodexExecutor } from "./codex";
import { GitHubCopilotExecutor } from "./github-copilot";
import { KiroExecutor } from "./kiro";
import type { ProviderExecutor } from "./provider-executor";
import { QwenCodeExecutor } from "./qwen-code";

export type { ProviderExecutor, ShapedRequest, ShapeInput } from "./provider-executor";

/** Provider id → its executor's factory. A new subscription provider is one more line here and one module. */
const FACTORIES = new Map<string, () => ProviderExecutor>([
  ["claude-code", () => new ClaudeCodeExecutor(clientProfile("claude-code"))],
  ["github-copilot", () => new GitHubCopilotExecutor(clientProfile("github-copilot"))],
  ["codex", () => new CodexExecutor(clientProfile("codex"))],
  ["qwen-code", () => new QwenCodeExecutor(clientProfile("qwen-code"))],
  ["antigravity", () => new AntigravityExecutor(clientProfile("antigravity"))],
  ["kiro", () => new KiroExecutor(clientProfile("kiro"))],
]);

const made = new Map<string, ProviderExecutor>();

/**
 * The executor shaping this provider's upstream requests, or null (every API-key provider): the connection runtime
 * keeps the answer, so requests pay one null check. One stateless instance per provider, made on first use.
 */
export function executorFor(providerId: string): ProviderExecutor | null {
  let executor = made.get(providerId);
  if (executor) return executor;
  const factory = FACTORIES.get(providerId);
  if (!factory) return null;
  executor = factory();
  made.set(providerId, executor);
  return executor;
}
