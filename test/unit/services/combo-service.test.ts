import { afterEach, describe, expect, test } from "bun:test";
import { openAppServices } from "../../../src/services/app-services";
import {
  comboCreateSchema,
  ComboValidationError,
  comboUpdateSchema,
  type ComboService,
} from "../../../src/services/combo-service";
import { TempDirs } from "../support/temp-data";

const temp = new TempDirs();
afterEach(() => temp.cleanup());

function validationError(action: () => unknown): ComboValidationError {
  try {
    action();
  } catch (error) {
    if (error instanceof ComboValidationError) return error;
    throw error;
  }
  throw new Error("expected a ComboValidationError");
}

function names(combos: ComboService): string[] {
  return combos.list().map((c) => c.name);
}

const DS = { model: "ds/deepseek-v4-pro" };

describe("ComboService.create", () => {
  test("stores the targets as given, trimmed, with defaults, and builds the runtime view", () => {
    const { combos, store } = temp.services();
    const view = combos.create(
      {
        name: "team/fast",
        targets: [{ model: "  ds/deepseek-v4-pro " }, { model: "nobody/not-connected-yet", weight: 3, timeoutMs: 30_000 }],
        description: "fast lane",
      },
      { now: Date.UTC(2026, 0, 2) },
    );
    expect(view).toEqual({
      name: "team/fast",
      strategy: null,
      stickyRequests: null,
      enabled: true,
      targets: [
        { model: "ds/deepseek-v4-pro", weight: 1 },
        { model: "nobody/not-connected-yet", weight: 3, timeoutMs: 30_000 },
      ],
      description: "fast lane",
      cacheTtlSeconds: null,
      createdAt: "2026-01-02T00:00:00.000Z",
      updatedAt: "2026-01-02T00:00:00.000Z",
    });
    const row = store.sqlite.query<{ targets_json: string }, []>("SELECT targets_json FROM combos").get()!;
    expect(JSON.parse(row.targets_json)).toEqual(view.targets);
    expect(combos.runtime()).toEqual([
      {
        name: "team/fast",
        strategy: null,
        stickyRequests: null,
        enabled: true,
        targets: [
          { model: "ds/deepseek-v4-pro", combo: null, weight: 1, timeoutMs: null },
          { model: "nobody/not-connected-yet", combo: null, weight: 3, timeoutMs: 30_000 },
        ],
      },
    ]);
    expect(combos.getRuntime("team/fast")).toBe(combos.runtime()[0]!);
    expect(combos.get("team/fast")).toEqual(view);
    expect(combos.get("team")).toBeUndefined();
  });

  test("keeps strategy, stickiness and the disabled flag, and lists combos by name", () => {
    const { combos } = temp.services();
    combos.create({ name: "zeta", targets: [DS] });
    combos.create({ name: "alpha", strategy: "round-robin", stickyRequests: 5, enabled: false, targets: [DS] });
    expect(names(combos)).toEqual(["alpha", "zeta"]);
    expect(combos.getRuntime("alpha")).toMatchObject({ strategy: "round-robin", stickyRequests: 5, enabled: false });
  });

  test("a combo target is written combo:<name> and is stored normalised", () => {
    const { combos } = temp.services();
    combos.create({ name: "base", targets: [DS] });
    const view = combos.create({ name: "top", targets: [{ model: " combo: base " }, DS] });
    expect(view.targets[0]).toEqual({ model: "combo:base", weight: 1 });
    expect(combos.getRuntime("top")!.targets[0]).toEqual({ model: "combo:base", combo: "base", weight: 1, timeoutMs: null });
  });

  test.each([
    ["gpt-4o", '"gpt-4o" must be written "<alias>/<model>"'],
    ["/deepseek-v4-pro", '"/deepseek-v4-pro" must be written "<alias>/<model>"'],
    ["ds/", '"ds/" must be written "<alias>/<model>"'],
    ["   ", '"" must be written "<alias>/<model>"'],
    ["combo:", '"combo:" does not name a combo'],
    ["combo:Coding", '"combo:Coding" does not name a combo'],
  ])("the target %j is refused with a message naming its index", (model, message) => {
    const { combos } = temp.services();
    const error = validationError(() => combos.create({ name: "c", targets: [DS, { model }] }));
    expect(error.status).toBe(400);
    expect(error.message).toStartWith("targets[1]: ");
    expect(error.message).toContain(message);
    expect(names(combos)).toEqual([]);
  });

  test("a name equal to a provider id or alias, or starting with one as its first segment, is refused with 409", () => {
    const { combos } = temp.services();
    for (const [name, provider] of [
      ["ds", "DeepSeek"],
      ["deepseek", "DeepSeek"],
      ["ds/fast", "DeepSeek"],
      ["claude/best", "Anthropic"],
      ["openai-compatible/x", "OpenAI-compatible"],
    ] as const) {
      const error = validationError(() => combos.create({ name, targets: [DS] }));
      expect(error.status).toBe(409);
      expect(error.message).toContain("the model prefix of provider");
      expect(error.message).toContain(provider);
    }
    expect(validationError(() => combos.create({ name: "ds/fast", targets: [DS] })).message).toBe(
      'Combo name "ds/fast" starts with "ds", which is the model prefix of provider DeepSeek; choose another name.',
    );
    // Only whole segments count: "dsx" and "team/ds" are free.
    combos.create({ name: "dsx/fast", targets: [DS] });
    combos.create({ name: "team/ds", targets: [DS] });
    expect(names(combos)).toEqual(["dsx/fast", "team/ds"]);
  });

  test("a name using a connection's alias as its prefix is refused with 409, naming the connection", () => {
    const { combos, connections } = temp.services();
    connections.create({ providerId: "openai-compatible", name: "Lab box", alias: "lab", baseUrl: "http://127.0.0.1:8000/v1" });
    for (const name of ["lab", "lab/qwen3"]) {
      const error = validationError(() => combos.create({ name, targets: [DS] }));
      expect(error.status).toBe(409);
      expect(error.message).toContain('the alias of connection "Lab box"');
    }
  });

  test("a second combo with the same name is refused with 409; names are case-sensitive by construction", () => {
    const { combos } = temp.services();
    combos.create({ name: "coding", targets: [DS] });
    const error = validationError(() => combos.create({ name: "coding", targets: [{ model: "oai/gpt-5.5" }] }));
    expect(error.status).toBe(409);
    expect(error.message).toBe('A combo named "coding" already exists.');
    expect(combos.get("coding")!.targets).toEqual([{ model: "ds/deepseek-v4-pro", weight: 1 }]);
    expect(comboCreateSchema.safeParse({ name: "Coding", targets: [DS] }).success).toBe(false);
  });

  test('"templates" is reserved for the templates endpoint', () => {
    const { combos } = temp.services();
    const error = validationError(() => combos.create({ name: "templates", targets: [DS] }));
    expect(error.status).toBe(400);
    expect(error.message).toContain("reserved");
    combos.create({ name: "templates/mine", targets: [DS] });
  });

  test("the service re-checks the name even when the schema was bypassed", () => {
    const { combos } = temp.services();
    expect(validationError(() => combos.create({ name: "Bad Name", targets: [DS] })).message).toContain("is invalid");
  });
});

describe("combo schemas", () => {
  const valid = { name: "coding", targets: [DS] };

  test.each(["Coding", "-x", ".x", "/x", "x/", "a//b", "a/.b", "a/../b", "with space", "a:b", "a".repeat(65), ""])(
    "refuses the name %j",
    (name) => {
      expect(comboCreateSchema.safeParse({ ...valid, name }).success).toBe(false);
    },
  );

  test.each(["coding", "team/fast", "a.b_c-d", "0", "a/b/c", "a".repeat(64)])("accepts the name %j", (name) => {
    expect(comboCreateSchema.safeParse({ ...valid, name }).success).toBe(true);
  });

  test.each([
    ["no targets", { targets: [] }],
    ["51 targets", { targets: Array.from({ length: 51 }, () => DS) }],
    ["weight 0", { targets: [{ ...DS, weight: 0 }] }],
    ["weight 1001", { targets: [{ ...DS, weight: 1001 }] }],
    ["fractional weight", { targets: [{ ...DS, weight: 1.5 }] }],
    ["timeout under 1 s", { targets: [{ ...DS, timeoutMs: 999 }] }],
    ["timeout over 1 h", { targets: [{ ...DS, timeoutMs: 3_600_001 }] }],
    ["an empty model", { targets: [{ model: "" }] }],
    ["an unknown target field", { targets: [{ ...DS, provider: "ds" }] }],
    ["an unknown strategy", { strategy: "fastest" }],
    ["stickyRequests 0", { stickyRequests: 0 }],
    ["a 501-character description", { description: "x".repeat(501) }],
    ["an unknown field", { priority: 1 }],
  ])("refuses %s", (_label, patch) => {
    expect(comboCreateSchema.safeParse({ ...valid, ...patch }).success).toBe(false);
  });

  test("accepts every strategy, the limits, and nulls for the optional fields", () => {
    for (const strategy of ["fill-first", "round-robin", "power-of-two", "random", "least-used", "cost-optimized", "lowest-latency", "reset-aware", null]) {
      expect(comboCreateSchema.safeParse({ ...valid, strategy }).success).toBe(true);
    }
    const limits = { targets: [{ ...DS, weight: 1000, timeoutMs: 3_600_000 }, { ...DS, weight: 1, timeoutMs: 1000 }], description: "x".repeat(500) };
    expect(comboCreateSchema.safeParse({ ...valid, ...limits, stickyRequests: 1 }).success).toBe(true);
    expect(comboCreateSchema.safeParse({ ...valid, targets: Array.from({ length: 50 }, () => DS) }).success).toBe(true);
    expect(comboUpdateSchema.safeParse({ strategy: null, stickyRequests: null, description: null }).success).toBe(true);
    expect(comboUpdateSchema.safeParse({ targets: [] }).success).toBe(false);
    expect(comboUpdateSchema.safeParse({ createdAt: "x" }).success).toBe(false);
  });
});

describe("combo references", () => {
  test("a combo that does not exist cannot be referenced", () => {
    const { combos } = temp.services();
    const error = validationError(() => combos.create({ name: "top", targets: [DS, { model: "combo:missing" }] }));
    expect(error.status).toBe(400);
    expect(error.message).toBe('targets[1]: combo "missing" does not exist (GET /api/combos lists the combos).');
  });

  test("a combo cannot name itself", () => {
    const { combos } = temp.services();
    expect(validationError(() => combos.create({ name: "loop", targets: [{ model: "combo:loop" }] })).message).toBe(
      'Combo "loop" would form a cycle: loop → loop. A combo cannot reach itself through its targets.',
    );
    expect(names(combos)).toEqual([]);
    combos.create({ name: "loop", targets: [DS] });
    const error = validationError(() => combos.update("loop", { targets: [DS, { model: "combo:loop" }] }));
    expect(error.status).toBe(400);
    expect(error.message).toBe('Combo "loop" would form a cycle: loop → loop. A combo cannot reach itself through its targets.');
    expect(combos.get("loop")!.targets).toEqual([{ model: "ds/deepseek-v4-pro", weight: 1 }]);
  });

  test("A → B → A and longer cycles are refused, naming the cycle; nothing changes", () => {
    const { combos } = temp.services();
    combos.create({ name: "b", targets: [DS] });
    combos.create({ name: "a", targets: [{ model: "combo:b" }] });
    expect(validationError(() => combos.update("b", { targets: [{ model: "combo:a" }] })).message).toContain(
      'Combo "b" would form a cycle: b → a → b.',
    );
    combos.create({ name: "c", targets: [{ model: "combo:a" }, DS] });
    combos.create({ name: "d", targets: [{ model: "oai/gpt-5.5" }, { model: "combo:c" }] });
    expect(validationError(() => combos.update("b", { targets: [DS, { model: "combo:d" }] })).message).toContain(
      "b → d → c → a → b",
    );
    expect(combos.get("b")!.targets).toEqual([{ model: "ds/deepseek-v4-pro", weight: 1 }]);
  });

  test("a diamond (two paths to one combo) is not a cycle", () => {
    const { combos } = temp.services();
    combos.create({ name: "leaf", targets: [DS] });
    combos.create({ name: "left", targets: [{ model: "combo:leaf" }] });
    combos.create({ name: "right", targets: [{ model: "combo:leaf" }] });
    combos.create({ name: "top", targets: [{ model: "combo:left" }, { model: "combo:right" }, { model: "combo:leaf" }] });
    expect(names(combos)).toEqual(["leaf", "left", "right", "top"]);
  });

  test("a combo used by others cannot be deleted (409 naming them) until they stop using it", () => {
    const { combos } = temp.services();
    combos.create({ name: "base", targets: [DS] });
    combos.create({ name: "x", targets: [{ model: "combo:base" }] });
    combos.create({ name: "team/y", targets: [DS, { model: "combo:base" }] });
    const error = validationError(() => combos.delete("base"));
    expect(error.status).toBe(409);
    expect(error.message).toBe('Combo "base" is a target of "team/y", "x": remove "combo:base" from their targets first.');
    expect(names(combos)).toContain("base");
    expect(combos.delete("x")).toBe(true);
    combos.update("team/y", { targets: [DS] });
    expect(combos.delete("base")).toBe(true);
    expect(names(combos)).toEqual(["team/y"]);
    expect(combos.delete("base")).toBe(false);
  });
});

describe("ComboService.update", () => {
  test("changes only the fields given, and null clears the optional ones", () => {
    const { combos } = temp.services();
    const created = combos.create({ name: "c", strategy: "random", stickyRequests: 3, description: "d", targets: [DS] }, { now: 1000 });
    const updated = combos.update("c", { enabled: false });
    expect(updated).toMatchObject({ strategy: "random", stickyRequests: 3, description: "d", enabled: false, targets: created.targets });
    expect(updated.createdAt).toBe(created.createdAt);
    expect(Date.parse(updated.updatedAt)).toBeGreaterThan(Date.parse(created.updatedAt));
    expect(combos.update("c", { strategy: null, stickyRequests: null, description: null })).toMatchObject({ strategy: null, stickyRequests: null, description: null });
    expect(combos.update("c", { targets: [{ model: " oai/gpt-5.5 ", weight: 2 }] }).targets).toEqual([{ model: "oai/gpt-5.5", weight: 2 }]);
  });

  test("a combo that does not exist is a 404", () => {
    const { combos } = temp.services();
    expect(validationError(() => combos.update("missing", { enabled: false })).status).toBe(404);
  });

  test("a rename carries the combos that use it along", () => {
    const { combos } = temp.services();
    combos.create({ name: "old", targets: [DS] });
    combos.create({ name: "user", targets: [{ model: "combo:old", weight: 4 }, DS] });
    const renamed = combos.update("old", { name: "team/new" });
    expect(renamed.name).toBe("team/new");
    expect(names(combos)).toEqual(["team/new", "user"]);
    expect(combos.get("user")!.targets).toEqual([{ model: "combo:team/new", weight: 4 }, { model: "ds/deepseek-v4-pro", weight: 1 }]);
    expect(combos.getRuntime("user")!.targets[0]!.combo).toBe("team/new");
    expect(combos.getRuntime("old")).toBeUndefined();
    // The carried reference still protects the renamed combo.
    expect(validationError(() => combos.delete("team/new")).status).toBe(409);
  });

  test("a rename follows the same name rules as a new combo", () => {
    const { combos } = temp.services();
    combos.create({ name: "a", targets: [DS] });
    combos.create({ name: "b", targets: [DS] });
    expect(validationError(() => combos.update("a", { name: "b" })).status).toBe(409);
    expect(validationError(() => combos.update("a", { name: "or/x" })).status).toBe(409);
    expect(validationError(() => combos.update("a", { name: "templates" })).status).toBe(400);
    expect(combos.update("a", { name: "a", description: "same name is fine" }).name).toBe("a");
    expect(names(combos)).toEqual(["a", "b"]);
  });
});

describe("change notification and reload", () => {
  test("onChange fires after each successful change, not after a refused one", () => {
    const { combos } = temp.services();
    const seen: string[][] = [];
    combos.onChange(() => seen.push(combos.runtime().map((c) => c.name)));
    combos.create({ name: "a", targets: [DS] });
    combos.update("a", { name: "b" });
    validationError(() => combos.create({ name: "ds", targets: [DS] }));
    validationError(() => combos.update("b", { targets: [{ model: "combo:b" }] }));
    combos.delete("b");
    expect(seen).toEqual([["a"], ["b"], []]);
  });

  test("a change made by another process is picked up by reloadIfChangedExternally", () => {
    const services = temp.services();
    const seen: number[] = [];
    services.combos.onChange(() => seen.push(services.combos.runtime().length));
    const other = openAppServices({ dataDir: services.dataDir });
    try {
      other.combos.create({ name: "from-cli", targets: [DS] });
    } finally {
      other.close();
    }
    expect(services.combos.getRuntime("from-cli")).toBeUndefined();
    expect(services.reloadIfChangedExternally()).toBe(true);
    expect(services.combos.getRuntime("from-cli")?.targets[0]!.model).toBe("ds/deepseek-v4-pro");
    expect(seen).toEqual([1]);
  });
});

describe("ComboService.templates", () => {
  test("one target per tier, subscription → api-key → cheap → free, each the first catalog provider with models", () => {
    const { combos, registry } = temp.services();
    const [template, ...rest] = combos.templates();
    expect(rest).toEqual([]);
    expect(template).toMatchObject({ name: "coding", strategy: "fill-first" });
    const expected = (["subscription", "api-key", "cheap", "free"] as const).map((tier) => {
      const provider = registry.list().find((p) => p.tier === tier && p.models.length > 0)!;
      return { tier, model: `${provider.aliases[0] ?? provider.id}/${provider.models[0]!.id}` };
    });
    expect(template!.targets).toEqual(expected.map(({ model }) => ({ model })));
    // Each target resolves back to a provider of its tier through the registry's prefixes.
    template!.targets.forEach((target, index) => {
      expect(registry.byPrefix(target.model.split("/")[0]!)!.tier).toBe(expected[index]!.tier);
    });
  });

  test("the template is valid input and is not stored until posted", () => {
    const { combos } = temp.services();
    const [template] = combos.templates();
    expect(names(combos)).toEqual([]);
    expect(comboCreateSchema.parse(template)).toEqual(template!);
    expect(combos.create(template!).targets).toHaveLength(4);
  });
});
