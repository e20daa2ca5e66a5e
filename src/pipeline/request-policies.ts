import type { Settings } from "../config/settings-schema";
import type { IRFormat, IRReasoning, IRRequest } from "../ir/ir-types";
import type { RouteTarget } from "../routing/model-router";
import type { SettingsService } from "../services/settings-service";

/**
 * The gateway-wide request controls of `settings.requests`: a global system prompt and a thinking-budget mode,
 * applied to each attempt's IR request on its way upstream (after the surface's own `prepare`).
 *
 * With none active (the default) the dispatcher pays one boolean check (`active`) and same-format requests pass
 * through byte for byte. With one active, a request whose target it would change is rebuilt through the IR.
 */

export type ThinkingMode = Settings["requests"]["thinking"]["mode"];

/** What the policies need to know of a target. */
export interface PolicyTarget {
  /** The upstream's wire format (decides how "adaptive" can be expressed). */
  format: IRFormat;
  /** The catalog marks the target model reasoning-capable (`capabilities.reasoning`). */
  reasoning: boolean;
}

/** The active policies, precomputed from the settings. */
export interface RequestPolicy {
  /** The text added to the system instructions; null = none. */
  systemPrompt: string | null;
  systemPromptPosition: "prepend" | "append";
  thinkingMode: ThinkingMode;
  budgetTokens: number;
}

/** `auto` (and `adaptive` where the upstream has no model-decided budget) asks for this effort. */
const AUTO_EFFORT = "medium";

/** Formats whose encoders can say "the model decides": Anthropic `{type:"adaptive"}`, Gemini `thinkingBudget: -1`. */
const MODEL_DECIDED: ReadonlySet<IRFormat> = new Set<IRFormat>(["anthropic", "gemini"]);

/** The policy the settings describe, or null when none would change any request. */
export function policyFromSettings(requests: Settings["requests"]): RequestPolicy | null {
  const systemPrompt = requests.systemPrompt.trim().length > 0 ? requests.systemPrompt : null;
  if (systemPrompt === null && requests.thinking.mode === "passthrough") return null;
  return {
    systemPrompt,
    systemPromptPosition: requests.systemPromptPosition,
    thinkingMode: requests.thinking.mode,
    budgetTokens: requests.thinking.budgetTokens,
  };
}

/** Whether `policy` would change a request to `target` (only then is a same-format request rebuilt). */
export function policyAffects(policy: RequestPolicy, target: PolicyTarget): boolean {
  return policy.systemPrompt !== null || (policy.thinkingMode !== "passthrough" && target.reasoning);
}

/** Applies `policy` to an attempt's IR request, in place. */
export function applyRequestPolicy(ir: IRRequest, policy: RequestPolicy, target: PolicyTarget): void {
  if (policy.systemPrompt !== null) {
    const block = { type: "text" as const, text: policy.systemPrompt };
    if (policy.systemPromptPosition === "prepend") ir.system.unshift(block);
    else ir.system.push(block);
  }
  if (policy.thinkingMode === "passthrough" || !target.reasoning) return;
  const reasoning = thinkingFor(policy, target.format, ir.reasoning);
  if (reasoning) ir.reasoning = reasoning;
}

/** The reasoning config a mode gives a reasoning-capable target; undefined leaves the client's. */
function thinkingFor(policy: RequestPolicy, format: IRFormat, client: IRReasoning | undefined): IRReasoning | undefined {
  const keepThoughts = client?.includeThoughts !== undefined ? { includeThoughts: client.includeThoughts } : {};
  switch (policy.thinkingMode) {
    case "custom":
      // Exactly this budget, whatever the client asked; encoders without budgets map it to the nearest effort.
      return { enabled: true, budgetTokens: policy.budgetTokens, ...keepThoughts };
    case "auto":
      return client === undefined ? { enabled: true, effort: AUTO_EFFORT } : undefined;
    case "adaptive":
      if (client !== undefined) return undefined;
      return MODEL_DECIDED.has(format) ? { enabled: true, adaptive: true } : { enabled: true, effort: AUTO_EFFORT };
    case "passthrough":
      return undefined;
  }
}

/** The catalog's word on a route target, as the policies need it. */
export function policyTargetOf(target: RouteTarget): PolicyTarget {
  const provider = target.connection.provider;
  const model = provider.models.find((m) => m.id === target.upstreamModel);
  return { format: provider.format, reasoning: model?.capabilities?.reasoning === true };
}

/**
 * The live policies of a gateway: recomputed on every settings change (PATCH, config import, another process),
 * so the request path reads one field.
 */
export class RequestPolicies {
  /** True when some policy is on: the dispatcher's one check on every request. */
  active = false;
  /** What the policies are, as text ("" when none is on): part of the response cache's key, so a changed system prompt or thinking mode never replays an answer made under the old one. */
  fingerprint = "";
  #policy: RequestPolicy | null = null;
  readonly #stop: () => void;

  constructor(settings: Pick<SettingsService, "get" | "onChange">) {
    this.#configure(settings.get());
    this.#stop = settings.onChange((next) => this.#configure(next));
  }

  /** Whether the policies would change a request to `target` (call only when `active`). */
  affects(target: RouteTarget): boolean {
    return this.#policy !== null && policyAffects(this.#policy, policyTargetOf(target));
  }

  /** Applies the policies to an attempt's IR request (call only when `active`). */
  apply(ir: IRRequest, target: RouteTarget): void {
    if (this.#policy !== null) applyRequestPolicy(ir, this.#policy, policyTargetOf(target));
  }

  stop(): void {
    this.#stop();
  }

  #configure(settings: Settings): void {
    this.#policy = policyFromSettings(settings.requests);
    this.active = this.#policy !== null;
    this.fingerprint = this.active ? JSON.stringify(settings.requests) : "";
  }
}
