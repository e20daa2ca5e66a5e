import { describe, expect, test } from "bun:test";
import { DEFAULT_SETTINGS, settingsPatchSchema, settingsSchema, type Settings } from "../../../src/config/settings-schema";
import { WIRE_FORMATS } from "../../../src/formats/wire-formats";
import type { IRFormat, IRRequest } from "../../../src/ir/ir-types";
import {
  applyRequestPolicy,
  policyAffects,
  policyFromSettings,
  RequestPolicies,
  type PolicyTarget,
  type RequestPolicy,
} from "../../../src/pipeline/request-policies";
import type { SettingsListener } from "../../../src/services/settings-service";

type Requests = Settings["requests"];

function requests(overrides: Partial<Requests> = {}): Requests {
  return { ...DEFAULT_SETTINGS.requests, ...overrides };
}

function policy(overrides: Partial<Requests>): RequestPolicy {
  const built = policyFromSettings(requests(overrides));
  if (!built) throw new Error("expected an active policy");
  return built;
}

function ir(overrides: Partial<IRRequest> = {}): IRRequest {
  return {
    model: "m",
    system: [{ type: "text", text: "Client instructions." }],
    messages: [{ role: "user", content: [{ type: "text", text: "hi" }] }],
    tools: [],
    stream: false,
    ...overrides,
  };
}

const reasoningTarget = (format: IRFormat): PolicyTarget => ({ format, reasoning: true });
const plainTarget = (format: IRFormat): PolicyTarget => ({ format, reasoning: false });

describe("settings.requests", () => {
  test("defaults are all off", () => {
    expect(DEFAULT_SETTINGS.requests).toEqual({ systemPrompt: "", systemPromptPosition: "prepend", thinking: { mode: "passthrough", budgetTokens: 8192 } });
    expect(policyFromSettings(DEFAULT_SETTINGS.requests)).toBeNull();
  });

  test("the schema enforces the ranges", () => {
    expect(settingsSchema.safeParse({ requests: { systemPrompt: "x".repeat(20_001) } }).success).toBe(false);
    expect(settingsSchema.safeParse({ requests: { thinking: { mode: "custom", budgetTokens: 1_000 } } }).success).toBe(false);
    expect(settingsSchema.safeParse({ requests: { thinking: { mode: "custom", budgetTokens: 128_001 } } }).success).toBe(false);
    expect(settingsSchema.safeParse({ requests: { thinking: { mode: "sometimes" } } }).success).toBe(false);
    expect(settingsSchema.parse({ requests: { thinking: { mode: "custom", budgetTokens: 1_024 } } }).requests.thinking.budgetTokens).toBe(1_024);
  });

  test("a PATCH of thinking carries both fields, so a stored budget is never silently reset", () => {
    expect(settingsPatchSchema.safeParse({ requests: { thinking: { mode: "custom" } } }).success).toBe(false);
    expect(settingsPatchSchema.safeParse({ requests: { thinking: { mode: "custom", budgetTokens: 4_096 } } }).success).toBe(true);
    expect(settingsPatchSchema.safeParse({ requests: { systemPrompt: "Be brief." } }).success).toBe(true);
    expect(settingsPatchSchema.safeParse({ requests: { unknown: 1 } }).success).toBe(false);
  });

  test("a whitespace-only system prompt is no policy", () => {
    expect(policyFromSettings(requests({ systemPrompt: "  \n " }))).toBeNull();
  });
});

describe("system prompt", () => {
  test("prepend adds the first system block, append the last", () => {
    const first = ir();
    applyRequestPolicy(first, policy({ systemPrompt: "House rules." }), plainTarget("openai-chat"));
    expect(first.system.map((p) => p.text)).toEqual(["House rules.", "Client instructions."]);

    const last = ir();
    applyRequestPolicy(last, policy({ systemPrompt: "House rules.", systemPromptPosition: "append" }), plainTarget("openai-chat"));
    expect(last.system.map((p) => p.text)).toEqual(["Client instructions.", "House rules."]);
  });

  test("a request without system instructions gets only ours, and nothing else changes", () => {
    const request = ir({ system: [], temperature: 0.2 });
    applyRequestPolicy(request, policy({ systemPrompt: "House rules." }), reasoningTarget("anthropic"));
    expect(request.system).toEqual([{ type: "text", text: "House rules." }]);
    expect(request.reasoning).toBeUndefined();
    expect(request.temperature).toBe(0.2);
  });

  test("it affects every target, reasoning or not", () => {
    expect(policyAffects(policy({ systemPrompt: "x" }), plainTarget("gemini"))).toBe(true);
  });
});

describe("thinking modes", () => {
  test("passthrough leaves reasoning alone", () => {
    const request = ir({ reasoning: { enabled: true, effort: "high" } });
    applyRequestPolicy(request, policy({ systemPrompt: "x" }), reasoningTarget("openai-chat"));
    expect(request.reasoning).toEqual({ enabled: true, effort: "high" });
  });

  test("no mode touches a target the catalog does not mark reasoning-capable", () => {
    for (const mode of ["auto", "custom", "adaptive"] as const) {
      const p = policy({ thinking: { mode, budgetTokens: 2048 } });
      expect(policyAffects(p, plainTarget("anthropic"))).toBe(false);
      const request = ir();
      applyRequestPolicy(request, p, plainTarget("anthropic"));
      expect(request.reasoning).toBeUndefined();
    }
  });

  test("auto turns reasoning on at medium effort when the client said nothing; the client's own setting wins", () => {
    const p = policy({ thinking: { mode: "auto", budgetTokens: 8192 } });
    const silent = ir();
    applyRequestPolicy(silent, p, reasoningTarget("openai-chat"));
    expect(silent.reasoning).toEqual({ enabled: true, effort: "medium" });

    const off = ir({ reasoning: { enabled: false, effort: "none" } });
    applyRequestPolicy(off, p, reasoningTarget("openai-chat"));
    expect(off.reasoning).toEqual({ enabled: false, effort: "none" });
  });

  test("custom sets exactly the budget, over the client's, keeping whether thoughts are returned", () => {
    const p = policy({ thinking: { mode: "custom", budgetTokens: 20_000 } });
    const request = ir({ reasoning: { enabled: false, effort: "none", includeThoughts: false } });
    applyRequestPolicy(request, p, reasoningTarget("anthropic"));
    expect(request.reasoning).toEqual({ enabled: true, budgetTokens: 20_000, includeThoughts: false });
  });

  test("adaptive lets the model decide where the format can say so, else behaves like auto", () => {
    const p = policy({ thinking: { mode: "adaptive", budgetTokens: 8192 } });
    for (const format of ["anthropic", "gemini"] as const) {
      const request = ir();
      applyRequestPolicy(request, p, reasoningTarget(format));
      expect(request.reasoning).toEqual({ enabled: true, adaptive: true });
    }
    for (const format of ["openai-chat", "openai-responses"] as const) {
      const request = ir();
      applyRequestPolicy(request, p, reasoningTarget(format));
      expect(request.reasoning).toEqual({ enabled: true, effort: "medium" });
    }
    const own = ir({ reasoning: { enabled: true, budgetTokens: 3000 } });
    applyRequestPolicy(own, p, reasoningTarget("anthropic"));
    expect(own.reasoning).toEqual({ enabled: true, budgetTokens: 3000 });
  });
});

describe("what each upstream format receives", () => {
  const encode = (format: IRFormat, overrides: Partial<Requests>) => {
    const request = ir();
    applyRequestPolicy(request, policy(overrides), reasoningTarget(format));
    return WIRE_FORMATS[format].adapter.encodeRequest(request) as Record<string, unknown>;
  };

  test("Anthropic: custom is thinking.budget_tokens, adaptive is {type: adaptive}, the prompt leads the system blocks", () => {
    const custom = encode("anthropic", { thinking: { mode: "custom", budgetTokens: 16_000 } });
    expect(custom.thinking).toEqual({ type: "enabled", budget_tokens: 16_000 });
    expect(custom.max_tokens as number).toBeGreaterThan(16_000);
    expect(encode("anthropic", { thinking: { mode: "adaptive", budgetTokens: 8192 } }).thinking).toEqual({ type: "adaptive" });
    const prompted = encode("anthropic", { systemPrompt: "House rules." });
    expect(prompted.system).toEqual([
      { type: "text", text: "House rules." },
      { type: "text", text: "Client instructions." },
    ]);
  });

  test("Gemini: custom is thinkingBudget, adaptive the dynamic budget -1", () => {
    const thinking = (body: Record<string, unknown>) => (body.generationConfig as { thinkingConfig?: Record<string, unknown> }).thinkingConfig;
    expect(thinking(encode("gemini", { thinking: { mode: "custom", budgetTokens: 4096 } }))?.thinkingBudget).toBe(4096);
    expect(thinking(encode("gemini", { thinking: { mode: "adaptive", budgetTokens: 8192 } }))?.thinkingBudget).toBe(-1);
  });

  test("OpenAI Chat: auto is reasoning_effort medium, custom the nearest effort, the prompt joins the system message", () => {
    expect(encode("openai-chat", { thinking: { mode: "auto", budgetTokens: 8192 } }).reasoning_effort).toBe("medium");
    expect(encode("openai-chat", { thinking: { mode: "custom", budgetTokens: 2048 } }).reasoning_effort).toBe("low");
    const messages = encode("openai-chat", { systemPrompt: "House rules.", systemPromptPosition: "append" }).messages as Array<{ role: string; content: string }>;
    expect(messages[0]).toEqual({ role: "system", content: "Client instructions.\n\nHouse rules." });
  });
});

describe("RequestPolicies", () => {
  test("follows settings changes; inactive when everything is off", () => {
    let current: Settings = DEFAULT_SETTINGS;
    const listeners: SettingsListener[] = [];
    const settings = {
      get: () => current,
      onChange: (listener: SettingsListener) => {
        listeners.push(listener);
        return () => listeners.splice(listeners.indexOf(listener), 1);
      },
    };
    const policies = new RequestPolicies(settings);
    expect(policies.active).toBe(false);

    const change = (next: Settings) => {
      const previous = current;
      current = next;
      for (const listener of [...listeners]) listener(next, previous);
    };
    change({ ...DEFAULT_SETTINGS, requests: requests({ thinking: { mode: "auto", budgetTokens: 8192 } }) });
    expect(policies.active).toBe(true);
    change(DEFAULT_SETTINGS);
    expect(policies.active).toBe(false);

    policies.stop();
    expect(listeners).toHaveLength(0);
  });
});
