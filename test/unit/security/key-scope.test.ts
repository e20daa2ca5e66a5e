import { describe, expect, test } from "bun:test";
import { KeyRateGate } from "../../../src/security/key-rate-limit";
import { KeyScope, keyPermissionsSchema, permittedTargets } from "../../../src/security/key-scope";
import { isSafeModelId } from "../../../src/routing/model-id";

const scope = (allow: string[] | null, blockedProviders: string[] = []) => new KeyScope(keyPermissionsSchema.parse({ allow, blockedProviders }));
const openai = { id: "openai", prefixes: ["oai"] };
const anthropic = { id: "anthropic", prefixes: ["cc"] };
const target = (providerId: string, aliases: string[], model: string, alias: string | null = null) => ({
  connection: { alias, provider: { id: providerId, aliases } },
  upstreamModel: model,
});

describe("KeyScope", () => {
  test("model globs match the provider id or any of its prefixes, and only that provider", () => {
    const s = scope(["openai/gpt-*", "cc/claude-haiku-*"]);
    expect(s.allowsModel(openai, "gpt-5.4")).toBe(true);
    expect(s.allowsModel(openai, "o3")).toBe(false);
    expect(s.allowsModel(anthropic, "claude-haiku-4-5")).toBe(true);
    expect(s.allowsModel(anthropic, "claude-opus-4-6")).toBe(false);
    expect(s.allowsModel({ id: "openrouter", prefixes: ["or"] }, "gpt-5.4")).toBe(false);
    // Glob characters other than * are literal.
    expect(scope(["openai/gpt-5.4"]).allowsModel(openai, "gpt-5x4")).toBe(false);
  });

  test("provider: entries, combo globs, * and null", () => {
    expect(scope(["provider:anthropic"]).allowsModel(anthropic, "anything")).toBe(true);
    expect(scope(["provider:anthropic"]).allowsCombo("coding")).toBe(false);
    expect(scope(["combo:team-*"]).allowsCombo("team-fast")).toBe(true);
    expect(scope(["combo:team-*"]).allowsCombo("coding")).toBe(false);
    expect(scope(["*"]).allowsCombo("x")).toBe(true);
    expect(scope(null).allowsModel(openai, "x")).toBe(true);
    expect(scope([]).allowsModel(openai, "x")).toBe(false);
  });

  test("a blocked provider wins over every allow, and combos lose only its targets", () => {
    const s = scope(["*"], ["anthropic"]);
    expect(s.allowsModel(anthropic, "claude")).toBe(false);
    const plan = { combo: "coding", targets: [target("anthropic", ["cc"], "claude"), target("openai", ["oai"], "gpt")] };
    const permitted = permittedTargets(s, plan, "coding");
    expect(permitted.ok && permitted.targets.map((t) => t.connection.provider.id)).toEqual(["openai"]);
    const onlyBlocked = permittedTargets(s, { combo: "coding", targets: [plan.targets[0]!] }, "coding");
    expect(onlyBlocked.ok).toBe(false);
  });

  test("a direct model needs its own permission; the refusal says what the key may use", () => {
    const s = scope(["combo:coding"]);
    const refused = permittedTargets(s, { targets: [target("openai", ["oai"], "gpt")] }, "oai/gpt");
    expect(refused.ok).toBe(false);
    expect(!refused.ok && refused.message).toContain("combo:coding");
    // A connection alias counts as a prefix.
    expect(permittedTargets(scope(["work/*"]), { targets: [target("openai", ["oai"], "gpt", "work")] }, "work/gpt").ok).toBe(true);
  });

  test("entries are validated", () => {
    for (const bad of ["gpt-*", "openai/has space", "provider:a/b", ""]) {
      expect(keyPermissionsSchema.safeParse({ allow: [bad] }).success).toBe(false);
    }
    expect(keyPermissionsSchema.safeParse({ allow: ["combo:team/fast", "openrouter/openai/*"] }).success).toBe(true);
    expect(KeyScope.unrestricted(keyPermissionsSchema.parse({ allow: ["*"] }))).toBe(true);
    expect(KeyScope.unrestricted(keyPermissionsSchema.parse({ allow: ["*"], blockedProviders: ["x"] }))).toBe(false);
  });
});

describe("KeyRateGate", () => {
  test("an exact 60 s sliding window per key, with the time the oldest start leaves it", () => {
    const gate = new KeyRateGate();
    gate.configure(new Map([["k", { rpm: 3 }]]));
    const ctx = { apiKeyId: "k", combo: null };
    expect(gate.check(ctx, 0)).toBeNull();
    expect(gate.check(ctx, 10_000)).toBeNull();
    expect(gate.check(ctx, 20_000)).toBeNull();
    const refused = gate.check(ctx, 30_000);
    expect(refused?.status).toBe(429);
    expect(refused?.retryAt).toBe(60_000);
    expect(gate.check(ctx, 60_000)).toBeNull();
    expect(gate.check({ apiKeyId: "other", combo: null }, 60_000)).toBeNull();
    expect(gate.check({ apiKeyId: null, combo: null }, 60_000)).toBeNull();
  });

  test("reconfiguring keeps the history of keys whose limit did not change", () => {
    const gate = new KeyRateGate();
    gate.configure(new Map([["k", { rpm: 1 }]]));
    gate.check({ apiKeyId: "k", combo: null }, 0);
    gate.configure(new Map([["k", { rpm: 1 }], ["j", { rpm: 5 }]]));
    expect(gate.check({ apiKeyId: "k", combo: null }, 1_000)).not.toBeNull();
    gate.configure(new Map());
    expect(gate.check({ apiKeyId: "k", combo: null }, 1_000)).toBeNull();
  });
});

describe("isSafeModelId", () => {
  test("real ids pass; ids that could walk an upstream URL do not", () => {
    for (const ok of ["gpt-5.4", "claude-sonnet-4@20250514", "qwen2.5:7b", "meta-llama/Llama-3.3-70B", "accounts/fireworks/models/x", "oai/gpt-4.1", "models/gemini-2.5-pro"]) {
      expect(isSafeModelId(ok)).toBe(true);
    }
    for (const bad of ["../x", "a/../b", "a/./b", "a//b", "a/", "a?b", "a#b", "a%2e", "a b", "a\\b", "", ".", "x".repeat(300), "a\nb"]) {
      expect(isSafeModelId(bad)).toBe(false);
    }
  });
});
