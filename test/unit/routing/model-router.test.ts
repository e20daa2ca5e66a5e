import { afterEach, describe, expect, test } from "bun:test";
import { ModelRouter, type RouteResolution, type RouteTarget } from "../../../src/routing/model-router";
import type { AppServices } from "../../../src/services/app-services";
import type { ConnectionCreate } from "../../../src/services/connection-service";
import { TempDirs } from "../support/temp-data";

const temp = new TempDirs();
afterEach(() => temp.cleanup());

function setup(): { services: AppServices; router: ModelRouter; add: (input: Partial<ConnectionCreate> & { providerId: string }, id?: string, now?: number) => string } {
  const services = temp.services();
  const router = new ModelRouter(services.connections, services.registry);
  let clock = 1_000;
  const add = (input: Partial<ConnectionCreate> & { providerId: string }, id?: string, now?: number) => {
    const needsKey = !services.registry.get(input.providerId)?.apiKeyOptional;
    return services.connections.create(
      { ...(needsKey ? { apiKey: `sk-test-${input.providerId}-0000` } : {}), ...input },
      { id, now: now ?? (clock += 1_000) },
    ).id;
  };
  return { services, router, add };
}

function target(resolution: RouteResolution): RouteTarget {
  if (!resolution.ok) throw new Error(`expected a route, got ${resolution.reason}: ${resolution.message}`);
  return resolution.target;
}

function failure(resolution: RouteResolution): { reason: string; message: string } {
  if (resolution.ok) throw new Error(`expected no route, got ${resolution.target.connection.id}`);
  return resolution;
}

const modelIds = (router: ModelRouter) => router.listModels().map((m) => m.id);

describe("ModelRouter.resolve", () => {
  test("resolves '<alias>/<model>' to the provider's connection and the upstream model id", () => {
    const { router, add } = setup();
    const id = add({ providerId: "deepseek" });
    const t = target(router.resolve("ds/deepseek-flash"));
    expect(t.connection.id).toBe(id);
    expect(t.connection.provider.id).toBe("deepseek");
    expect(t.upstreamModel).toBe("deepseek-flash");
    expect(t.prefix).toBe("ds");
  });

  test("the provider id works as a prefix too", () => {
    const { router, add } = setup();
    const id = add({ providerId: "deepseek" });
    const t = target(router.resolve("deepseek/deepseek-v4-pro"));
    expect(t).toMatchObject({ upstreamModel: "deepseek-v4-pro", prefix: "deepseek" });
    expect(t.connection.id).toBe(id);
  });

  test("a known prefix passes model ids the catalog does not list through to the upstream", () => {
    const { router, add } = setup();
    add({ providerId: "deepseek" });
    expect(target(router.resolve("ds/deepseek-next-preview")).upstreamModel).toBe("deepseek-next-preview");
  });

  test("an aggregator prefix keeps the rest of an OpenRouter-style id, slashes included", () => {
    const { router, add } = setup();
    add({ providerId: "openrouter" });
    expect(target(router.resolve("or/anthropic/claude-sonnet-5.5"))).toMatchObject({
      upstreamModel: "anthropic/claude-sonnet-5.5",
      prefix: "or",
    });
    expect(target(router.resolve("openrouter/z-ai/glm-5.3")).upstreamModel).toBe("z-ai/glm-5.3");
  });

  test("an OpenRouter-style 'vendor/model' id without prefix resolves to the aggregator listing it", () => {
    const { router, add } = setup();
    const id = add({ providerId: "openrouter" });
    const t = target(router.resolve("anthropic/claude-sonnet-5.5"));
    expect(t.connection.id).toBe(id);
    expect(t.upstreamModel).toBe("anthropic/claude-sonnet-5.5");
    expect(t.prefix).toBe("or");
  });

  test("an OpenRouter 'vendor/model' id whose vendor is also an unconnected catalog provider resolves to the aggregator", () => {
    const { router, add } = setup();
    const id = add({ providerId: "openrouter" });
    const resolution = router.resolve("openai/gpt-6.2-sol");
    expect(resolution.ok ? resolution.target.connection.id : resolution.message).toBe(id);
    expect(target(resolution).upstreamModel).toBe("openai/gpt-6.2-sol");
  });

  test("with the vendor's own provider connected, its prefix wins over the aggregator's id", () => {
    const { router, add } = setup();
    add({ providerId: "openrouter" });
    const openai = add({ providerId: "openai" });
    const t = target(router.resolve("openai/gpt-6.2-sol"));
    expect(t.connection.id).toBe(openai);
    expect(t.upstreamModel).toBe("gpt-6.2-sol");
  });

  test("a bare model id listed by exactly one provider resolves to it", () => {
    const { router, add } = setup();
    add({ providerId: "openai" });
    const ds = add({ providerId: "deepseek" });
    const t = target(router.resolve("deepseek-flash"));
    expect(t.connection.id).toBe(ds);
    expect(t).toMatchObject({ upstreamModel: "deepseek-flash", prefix: "ds" });
  });

  test("a bare model id listed by several providers is refused, naming their prefixes", () => {
    const { router, add } = setup();
    add({ providerId: "openai-compatible", alias: "lan-a", baseUrl: "http://192.168.1.10:8000/v1", models: ["qwen3-coder"] });
    add({ providerId: "openai-compatible", alias: "lan-b", baseUrl: "http://192.168.1.11:8000/v1", models: ["qwen3-coder"] });
    const { reason, message } = failure(router.resolve("qwen3-coder"));
    expect(reason).toBe("unknown-model");
    expect(message).toContain("several providers (lan-a, lan-b)");
    expect(message).toContain("'<alias>/qwen3-coder'");
    expect(target(router.resolve("lan-b/qwen3-coder")).prefix).toBe("lan-b");
  });

  test("unknown models and prefixes are refused as unknown-model", () => {
    const { router, add } = setup();
    add({ providerId: "deepseek" });
    for (const model of ["totally-unknown", "nope/deepseek-flash", "ds", "/deepseek-flash"]) {
      const { reason, message } = failure(router.resolve(model));
      expect(reason).toBe("unknown-model");
      expect(message).toContain(`'${model}'`);
      expect(message).toContain("GET /v1/models");
    }
  });

  test("a prefix with nothing after the slash is not routed", () => {
    const { router, add } = setup();
    add({ providerId: "deepseek" });
    expect(router.resolve("ds/").ok).toBe(false);
  });

  test("a disabled connection answers no-enabled-connection for its prefixes and drops its bare ids", () => {
    const { router, add } = setup();
    add({ providerId: "deepseek", enabled: false });
    for (const model of ["ds/deepseek-flash", "deepseek/deepseek-flash"]) {
      const { reason, message } = failure(router.resolve(model));
      expect(reason).toBe("no-enabled-connection");
      expect(message).toContain("no enabled connection");
    }
    expect(failure(router.resolve("deepseek-flash")).reason).toBe("unknown-model");
    expect(router.listModels()).toEqual([]);
  });

  test("a catalog provider without any connection answers no-enabled-connection", () => {
    const { router } = setup();
    const { reason, message } = failure(router.resolve("ds/deepseek-flash"));
    expect(reason).toBe("no-enabled-connection");
    expect(message).toContain("'ds'");
  });

  test("follows connection changes without being rebuilt by hand", () => {
    const { services, router, add } = setup();
    expect(router.resolve("ds/deepseek-flash").ok).toBe(false);
    const id = add({ providerId: "deepseek" });
    expect(target(router.resolve("ds/deepseek-flash")).connection.id).toBe(id);
    services.connections.update(id, { enabled: false });
    expect(failure(router.resolve("ds/deepseek-flash")).reason).toBe("no-enabled-connection");
    services.connections.update(id, { enabled: true });
    expect(router.resolve("ds/deepseek-flash").ok).toBe(true);
    services.connections.delete(id);
    expect(router.resolve("ds/deepseek-flash").ok).toBe(false);
  });
});

describe("ModelRouter account selection", () => {
  test("the lowest priority value wins", () => {
    const { router, add } = setup();
    add({ providerId: "deepseek", name: "backup", priority: 5 });
    const primary = add({ providerId: "deepseek", name: "primary", priority: 1 });
    for (let i = 0; i < 5; i++) expect(target(router.resolve("ds/deepseek-flash")).connection.id).toBe(primary);
  });

  test("accounts with equal best priority rotate; worse ones are not used", () => {
    const { router, add } = setup();
    const a = add({ providerId: "deepseek", name: "a", priority: 0 });
    const b = add({ providerId: "deepseek", name: "b", priority: 0 });
    const c = add({ providerId: "deepseek", name: "c", priority: 1 });
    const picks = Array.from({ length: 6 }, () => target(router.resolve("ds/deepseek-flash")).connection.id);
    expect(picks).toEqual([a, b, a, b, a, b]);
    expect(picks).not.toContain(c);
  });

  test("all prefixes and bare ids of one provider share one rotation", () => {
    const { router, add } = setup();
    const a = add({ providerId: "deepseek", name: "a" });
    const b = add({ providerId: "deepseek", name: "b" });
    const picks = ["ds/deepseek-flash", "deepseek/deepseek-flash", "deepseek-flash", "ds/deepseek-v4-pro"].map(
      (model) => target(router.resolve(model)).connection.id,
    );
    expect(picks).toEqual([a, b, a, b]);
  });

  test("a disabled account leaves the rotation", () => {
    const { services, router, add } = setup();
    const a = add({ providerId: "deepseek", name: "a" });
    const b = add({ providerId: "deepseek", name: "b" });
    services.connections.update(a, { enabled: false });
    const picks = Array.from({ length: 3 }, () => target(router.resolve("ds/deepseek-flash")).connection.id);
    expect(picks).toEqual([b, b, b]);
  });
});

describe("ModelRouter model list", () => {
  test("lists each connected provider's models as '<alias>/<model>'", () => {
    const { router, add } = setup();
    add({ providerId: "deepseek" });
    add({ providerId: "openrouter" });
    expect(router.listModels()).toContainEqual({ id: "ds/deepseek-flash", object: "model", created: 0, owned_by: "deepseek" });
    expect(new Set(modelIds(router))).toEqual(
      new Set([
        "ds/deepseek-v4-pro",
        "ds/deepseek-flash",
        "or/anthropic/claude-sonnet-5.5",
        "or/openai/gpt-6.2-sol",
        "or/moonshotai/kimi-k3.1-pro",
        "or/z-ai/glm-5.3",
      ]),
    );
  });

  test("models of several accounts of one provider are listed once", () => {
    const { router, add } = setup();
    add({ providerId: "deepseek", name: "a" });
    add({ providerId: "deepseek", name: "b" });
    add({ providerId: "deepseek", name: "c", models: ["deepseek-flash", "deepseek-extra"] });
    const ids = modelIds(router);
    expect(ids).toHaveLength(new Set(ids).size);
    expect(new Set(ids)).toEqual(new Set(["ds/deepseek-v4-pro", "ds/deepseek-flash", "ds/deepseek-extra"]));
  });

  test("a connection's own model list replaces the provider defaults", () => {
    const { router, add } = setup();
    add({ providerId: "deepseek", models: ["only-this"] });
    expect(modelIds(router)).toEqual(["ds/only-this"]);
    expect(target(router.resolve("only-this")).upstreamModel).toBe("only-this");
  });

  test("modelsBody is the serialised OpenAI list of listModels and follows changes", () => {
    const { services, router, add } = setup();
    expect(JSON.parse(router.modelsBody())).toEqual({ object: "list", data: [] });
    const id = add({ providerId: "deepseek" });
    expect(JSON.parse(router.modelsBody())).toEqual({ object: "list", data: router.listModels() });
    expect(router.listModels().length).toBe(2);
    services.connections.delete(id);
    expect(JSON.parse(router.modelsBody())).toEqual({ object: "list", data: [] });
  });
});

describe("ModelRouter custom OpenAI-compatible connections", () => {
  test("route by their own alias, list under it, and carry their base URL", () => {
    const { router, add } = setup();
    const id = add({ providerId: "openai-compatible", alias: "lab", baseUrl: "http://127.0.0.1:8000/v1/", models: ["qwen3", "llama-4"] });
    const t = target(router.resolve("lab/qwen3"));
    expect(t.connection.id).toBe(id);
    expect(t).toMatchObject({ upstreamModel: "qwen3", prefix: "lab" });
    expect(t.connection.chatUrl).toBe("http://127.0.0.1:8000/v1/chat/completions");
    expect(router.listModels()).toEqual([
      { id: "lab/qwen3", object: "model", created: 0, owned_by: "openai-compatible" },
      { id: "lab/llama-4", object: "model", created: 0, owned_by: "openai-compatible" },
    ]);
    expect(target(router.resolve("llama-4")).prefix).toBe("lab");
  });

  test("an aliased connection does not answer to the provider id", () => {
    const { router, add } = setup();
    add({ providerId: "openai-compatible", alias: "lab", baseUrl: "http://127.0.0.1:8000/v1", models: ["qwen3"] });
    expect(router.resolve("openai-compatible/qwen3").ok).toBe(false);
  });

  test("two aliased endpoints are separate groups and never rotate into each other", () => {
    const { router, add } = setup();
    const a = add({ providerId: "openai-compatible", alias: "box-a", baseUrl: "http://10.0.0.2:8000/v1", models: ["m"] });
    const b = add({ providerId: "openai-compatible", alias: "box-b", baseUrl: "http://10.0.0.3:8000/v1", models: ["m"] });
    for (let i = 0; i < 3; i++) {
      expect(target(router.resolve("box-a/m")).connection.id).toBe(a);
      expect(target(router.resolve("box-b/m")).connection.id).toBe(b);
    }
  });
});
