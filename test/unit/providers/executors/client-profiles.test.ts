import { describe, expect, test } from "bun:test";
import shipped from "../../../../src/providers/client-profiles.json" with { type: "json" };
import { clientProfile, parseClientProfiles } from "../../../../src/providers/executors/client-profiles";
import { executorFor } from "../../../../src/providers/executors";
import { PROVIDER_CATALOG } from "../../../../src/providers/catalog";

describe("client profiles", () => {
  test("the shipped file parses, with a profile for every provider that has an executor", () => {
    const profiles = parseClientProfiles(shipped);
    // Every OAuth provider of the catalog has one (each phase-2 provider adds its own entry).
    for (const provider of PROVIDER_CATALOG) if ("oauth" in provider) expect(profiles.has(provider.id), provider.id).toBe(true);
    const claude = clientProfile("claude-code");
    expect(claude.headers["user-agent"]).toMatch(/^claude-cli\/\d+\.\d+\.\d+ \(external, cli\)$/);
    expect(claude.requiredBetas).toContain("oauth-2025-04-20");
    expect(claude.betas).toContain("oauth-2025-04-20");
    const copilot = clientProfile("github-copilot");
    for (const name of ["editor-version", "editor-plugin-version", "copilot-integration-id", "user-agent", "openai-intent", "x-github-api-version"]) {
      expect(copilot.headers[name], name).toBeString();
    }
  });

  test("a header name in capitals, a value with a line break or a profile without headers is refused", () => {
    expect(() => parseClientProfiles({ p: { headers: { "User-Agent": "x" } } })).toThrow();
    expect(() => parseClientProfiles({ p: { headers: { "user-agent": "x\r\nx-evil: 1" } } })).toThrow();
    expect(() => parseClientProfiles({ p: {} })).toThrow();
    expect(() => clientProfile("deepseek")).toThrow(/no profile for deepseek/);
  });

  test("executors: one per OAuth provider of the catalog, none for API-key providers, one instance each", () => {
    for (const provider of PROVIDER_CATALOG) {
      const executor = executorFor(provider.id);
      if ("oauth" in provider) expect(executor?.providerId, provider.id).toBe(provider.id);
      else expect(executor, provider.id).toBeNull();
    }
    expect(executorFor("claude-code")).toBe(executorFor("claude-code")!);
    expect(executorFor("constructor")).toBeNull();
    expect(executorFor("__proto__")).toBeNull();
  });
});
