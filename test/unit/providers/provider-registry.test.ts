import { describe, expect, test } from "bun:test";
import { PROVIDER_CATALOG } from "../../../src/providers/catalog";
import { ProviderRegistry } from "../../../src/providers/provider-registry";
import type { ProviderDefinitionInput } from "../../../src/providers/provider-schema";

const base = (id: string, aliases: string[] = []): ProviderDefinitionInput => ({
  id,
  name: id,
  aliases,
  format: "openai-chat",
  tier: "api-key",
  baseUrl: "https://example.com/v1",
});

describe("ProviderRegistry", () => {
  const registry = new ProviderRegistry();

  test("holds every catalog provider, with schema defaults applied", () => {
    expect(registry.list().map((p) => p.id)).toEqual(PROVIDER_CATALOG.map((p) => p.id));
    const deepseek = registry.get("deepseek")!;
    expect(deepseek.chatPath).toBeUndefined();
    expect(deepseek.modelsPath).toBe("/models");
    expect(deepseek.auth).toEqual({ kind: "bearer" });
    expect(registry.get("nope")).toBeUndefined();
  });

  test("finds a provider by its id or any alias", () => {
    expect(registry.byPrefix("ds")?.id).toBe("deepseek");
    expect(registry.byPrefix("deepseek")?.id).toBe("deepseek");
    expect(registry.byPrefix("or")?.id).toBe("openrouter");
    expect(registry.byPrefix("claude")?.id).toBe("anthropic");
    // Whole prefixes only: "claude-co" is neither Anthropic's alias nor the Claude Code subscription's id.
    expect(registry.byPrefix("claude-co")).toBeUndefined();
    expect(registry.byPrefix("claude-code")?.id).toBe("claude-code");
    expect(registry.byPrefix("cc")?.id).toBe("claude-code");
  });

  test("refuses duplicate ids and aliases claimed twice", () => {
    expect(() => new ProviderRegistry([base("a"), base("a")])).toThrow("duplicate provider id a");
    expect(() => new ProviderRegistry([base("a", ["x"]), base("b", ["x"])])).toThrow("alias x is claimed by a and b");
    expect(() => new ProviderRegistry([base("a"), base("b", ["a"])])).toThrow("alias a is claimed by a and b");
  });

  test("refuses entries that do not match the provider schema", () => {
    expect(() => new ProviderRegistry([{ ...base("Bad Id") }])).toThrow();
    expect(() => new ProviderRegistry([{ ...base("ok"), baseUrl: "not a url" }])).toThrow();
  });
});
