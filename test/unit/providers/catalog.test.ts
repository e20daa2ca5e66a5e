import { FORMAT_ENDPOINTS } from "../../../src/providers/format-endpoints";
import { describe, expect, test } from "bun:test";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { PROVIDER_CATALOG } from "../../../src/providers/catalog";
import { ProviderRegistry } from "../../../src/providers/provider-registry";
import { type ProviderDefinition, providerDefinitionSchema, withProviderDefaults } from "../../../src/providers/provider-schema";

const CATALOG_DIR = join(import.meta.dir, "../../../src/providers/catalog");
const LOCAL_HOSTS = new Set(["127.0.0.1", "localhost"]);

const results = PROVIDER_CATALOG.map((entry) => ({ entry, result: providerDefinitionSchema.safeParse(entry) }));
const providers: ProviderDefinition[] = results.flatMap(({ result }) => (result.success ? [result.data] : []));
const remote = providers.filter((p) => p.tier !== "local");
const local = providers.filter((p) => p.tier === "local");

function duplicates(values: readonly string[]): string[] {
  const seen = new Set<string>();
  const dupes = new Set<string>();
  for (const value of values) {
    if (seen.has(value)) dupes.add(value);
    seen.add(value);
  }
  return [...dupes];
}

const camelCase = (id: string) => id.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());

describe("provider catalog", () => {
  test("is not empty and covers every tier used by built-ins", () => {
    expect(PROVIDER_CATALOG.length).toBeGreaterThan(0);
    expect(new Set(providers.map((p) => p.tier))).toEqual(new Set(["api-key", "subscription", "cheap", "free", "local"]));
  });

  test.each(results.map(({ entry, result }) => [entry.id, result] as const))(
    "%s parses with providerDefinitionSchema",
    (_id, result) => {
      expect(result.error?.issues ?? []).toEqual([]);
      expect(result.success).toBe(true);
    },
  );

  test("every entry parses, and the start-up path (defaults without zod) gives exactly what the schema gives", () => {
    for (const { entry, result } of results) {
      expect(result.success, entry.id).toBe(true);
      expect(withProviderDefaults(entry), entry.id).toEqual(result.data!);
    }
    // The registry built at start holds the same definitions.
    const registry = new ProviderRegistry();
    for (const provider of providers) expect(registry.get(provider.id)).toEqual(provider);
  });

  test("provider ids are unique", () => {
    expect(duplicates(providers.map((p) => p.id))).toEqual([]);
  });

  test("aliases are unique across all providers and never shadow a provider id", () => {
    const aliases = providers.flatMap((p) => p.aliases);
    expect(duplicates(aliases)).toEqual([]);
    const ids = new Set(providers.map((p) => p.id));
    expect(aliases.filter((alias) => ids.has(alias))).toEqual([]);
  });

  test("model ids are unique within each provider", () => {
    const offenders = providers.flatMap((p) => duplicates(p.models.map((m) => m.id)).map((id) => `${p.id}:${id}`));
    expect(offenders).toEqual([]);
  });

  test("remote providers use https base URLs", () => {
    const offenders = remote.filter((p) => new URL(p.baseUrl).protocol !== "https:").map((p) => p.id);
    expect(offenders).toEqual([]);
  });

  test("local providers use http on 127.0.0.1 or localhost", () => {
    const offenders = local
      .filter((p) => {
        const url = new URL(p.baseUrl);
        return url.protocol !== "http:" || !LOCAL_HOSTS.has(url.hostname);
      })
      .map((p) => p.id);
    expect(offenders).toEqual([]);
  });

  test("base URL + the format's paths compose into clean endpoint URLs", () => {
    const expected = { "openai-chat": "/chat/completions", anthropic: "/messages", "openai-responses": "/responses" } as const;
    for (const p of providers) {
      expect(p.baseUrl.endsWith("/")).toBe(false);
      const base = new URL(p.baseUrl);
      // A base URL at the host's root (Copilot) has pathname "/": the paths follow it without a second slash.
      const basePath = base.pathname === "/" ? "" : base.pathname;
      expect(base.search).toBe("");
      expect(base.hash).toBe("");
      const generate = FORMAT_ENDPOINTS[p.format].generatePath("m-1", true, p.chatPath);
      if (p.format === "gemini") expect(generate).toBe("/models/m-1:streamGenerateContent?alt=sse");
      else expect(new URL(p.baseUrl + generate).pathname).toBe(`${basePath}${expected[p.format]}`);
      expect(new URL(p.baseUrl + p.modelsPath).pathname).toBe(`${basePath}/models`);
    }
  });

  // Models whose prices have not been published in a form we could check: their cost shows as unknown.
  const UNPRICED = ["anthropic:claude-opus-5-5", "gemini:gemini-3.1-pro-preview", "gemini:gemini-3.8-flash", "gemini:gemini-3.5-flash-lite"];

  test("every model of a remote provider has a context window and pricing (or is a known unpriced one)", () => {
    const offenders = remote.flatMap((p) =>
      p.models.filter((m) => !(m.contextWindow > 0) || (m.pricing === undefined && !UNPRICED.includes(`${p.id}:${m.id}`))).map((m) => `${p.id}:${m.id}`),
    );
    expect(offenders).toEqual([]);
  });

  test("remote providers ship default models; local tiers defer to the server's /models", () => {
    expect(remote.filter((p) => p.models.length === 0 && !p.requiresBaseUrl).map((p) => p.id)).toEqual([]);
    expect(local.filter((p) => p.models.length > 0).map((p) => p.id)).toEqual([]);
  });

  test("model limits and prices are internally consistent", () => {
    const offenders = providers.flatMap((p) =>
      p.models
        .filter(
          (m) =>
            (m.maxOutputTokens !== undefined && m.maxOutputTokens > m.contextWindow) ||
            (m.pricing?.cachedInput !== undefined && m.pricing.cachedInput > m.pricing.input),
        )
        .map((m) => `${p.id}:${m.id}`),
    );
    expect(offenders).toEqual([]);
  });

  test("API keys are required remotely and optional locally", () => {
    expect(remote.filter((p) => p.apiKeyOptional).map((p) => p.id)).toEqual([]);
    expect(local.filter((p) => !p.apiKeyOptional).map((p) => p.id)).toEqual([]);
  });

  test("only the custom OpenAI- and Anthropic-compatible entries require a user base URL", () => {
    expect(providers.filter((p) => p.requiresBaseUrl).map((p) => p.id)).toEqual(["openai-compatible", "anthropic-compatible"]);
  });

  test("remote providers link their docs over https, and their key pages where one exists", () => {
    // Kimi's coding plan hands out keys inside its subscription console, which has no stable public URL; OAuth
    // subscriptions have no key at all.
    const offenders = remote
      .filter((p) => !p.requiresBaseUrl)
      .filter((p) => !p.docsUrl?.startsWith("https://") || (p.id !== "kimi-coding" && !p.oauth && !p.keysUrl?.startsWith("https://")))
      .map((p) => p.id);
    expect(offenders).toEqual([]);
  });

  test("OpenRouter sends attribution headers", () => {
    const openrouter = providers.find((p) => p.id === "openrouter");
    expect(openrouter?.extraHeaders).toEqual({
      "HTTP-Referer": "https://github.com/omniroute/omniroute",
      "X-Title": "OmniRoute",
    });
  });

  test("OpenAI reasoning families use max_completion_tokens", () => {
    const prefixes = providers.find((p) => p.id === "openai")?.quirks.maxCompletionTokensModelPrefixes ?? [];
    expect(prefixes).toEqual(expect.arrayContaining(["o1", "o3", "o4", "gpt-5"]));
  });

  test("every catalog file is registered, named after its id and exports <camelId>Provider", async () => {
    const files = readdirSync(CATALOG_DIR).filter((f) => f.endsWith(".ts") && f !== "index.ts");
    const registered = new Set<unknown>(PROVIDER_CATALOG);
    const problems: string[] = [];
    for (const file of files) {
      const mod: Record<string, unknown> = await import(join(CATALOG_DIR, file));
      const id = file.slice(0, -".ts".length);
      const exportName = `${camelCase(id)}Provider`;
      const provider = mod[exportName] as { id?: string } | undefined;
      if (!provider) problems.push(`${file}: missing export ${exportName}`);
      else if (provider.id !== id) problems.push(`${file}: id is ${provider.id}`);
      else if (!registered.has(provider)) problems.push(`${file}: not in PROVIDER_CATALOG`);
    }
    expect(problems).toEqual([]);
    expect(files.length).toBe(PROVIDER_CATALOG.length);
  });
});
