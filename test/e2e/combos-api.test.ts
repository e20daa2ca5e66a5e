import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startTestGateway, type TestGateway } from "../helpers/test-gateway";

let gw: TestGateway;

beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(async () => {
  await gw.stop();
});

interface ApiErrorBody {
  error: { message: string; code: string };
}

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  const response = await fetch(`${gw.url}${path}`, {
    method,
    headers: await gw.adminHeaders(),
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : null };
}

async function expectError(promise: Promise<{ status: number; json: unknown }>, status: number, code: string): Promise<string> {
  const { status: got, json } = await promise;
  const error = (json as ApiErrorBody).error;
  expect({ status: got, code: error?.code }).toEqual({ status, code });
  return error.message;
}

describe("combos API", () => {
  test("create → list → get (plain and percent-encoded name) → patch → delete", async () => {
    const created = await call("POST", "/api/combos", {
      name: "team/fast",
      strategy: "round-robin",
      stickyRequests: 2,
      targets: [{ model: " ds/deepseek-v4-pro " }, { model: "oai/gpt-5.5", weight: 3, timeoutMs: 20_000 }],
    });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({
      name: "team/fast",
      strategy: "round-robin",
      stickyRequests: 2,
      enabled: true,
      description: null,
      targets: [
        { model: "ds/deepseek-v4-pro", weight: 1 },
        { model: "oai/gpt-5.5", weight: 3, timeoutMs: 20_000 },
      ],
      createdAt: expect.any(String),
    });

    const listed = await call("GET", "/api/combos");
    expect(listed.status).toBe(200);
    expect((listed.json as Array<{ name: string }>).map((c) => c.name)).toContain("team/fast");

    for (const path of ["/api/combos/team/fast", "/api/combos/team%2Ffast"]) {
      const one = await call("GET", path);
      expect({ path, status: one.status, name: (one.json as { name: string }).name }).toEqual({ path, status: 200, name: "team/fast" });
    }

    const patched = await call("PATCH", "/api/combos/team/fast", { enabled: false, strategy: null, description: "weekend" });
    expect(patched.status).toBe(200);
    expect(patched.json).toMatchObject({ name: "team/fast", enabled: false, strategy: null, stickyRequests: 2, description: "weekend" });
    expect(gw.gateway.runtime.services.combos.getRuntime("team/fast")).toMatchObject({ enabled: false, strategy: null });

    const deleted = await fetch(`${gw.url}/api/combos/team/fast`, { method: "DELETE", headers: await gw.adminHeaders() });
    expect(deleted.status).toBe(204);
    expect(await deleted.text()).toBe("");
    expect(await expectError(call("GET", "/api/combos/team/fast"), 404, "not_found")).toBe('Combo "team/fast" does not exist.');
    await expectError(call("DELETE", "/api/combos/team/fast"), 404, "not_found");
    await expectError(call("PATCH", "/api/combos/team/fast", { enabled: true }), 404, "not_found");
  });

  test("bad bodies are 400 in the management error shape, naming the field", async () => {
    expect(await expectError(call("POST", "/api/combos", { name: "x", targets: [{ model: "ds/m", weight: 0 }] }), 400, "invalid_request")).toContain("targets.0.weight");
    expect(await expectError(call("POST", "/api/combos", { name: "Has Caps", targets: [{ model: "ds/m" }] }), 400, "invalid_request")).toContain("name");
    await expectError(call("POST", "/api/combos", { name: "x", targets: [] }), 400, "invalid_request");
    await expectError(call("POST", "/api/combos", { name: "x", targets: [{ model: "ds/m" }], extra: true }), 400, "invalid_request");
    await expectError(call("PATCH", "/api/combos/anything", { targets: [{ model: "ds/m", timeoutMs: 10 }] }), 400, "invalid_request");
    expect(await expectError(call("POST", "/api/combos", { name: "x", targets: [{ model: "gpt-4o" }] }), 400, "invalid_combo")).toContain(
      'targets[0]: "gpt-4o" must be written "<alias>/<model>"',
    );
    expect(await expectError(call("POST", "/api/combos", { name: "x", targets: [{ model: "combo:ghost" }] }), 400, "invalid_combo")).toContain(
      'combo "ghost" does not exist',
    );
    await expectError(call("GET", "/api/combos/%E0%A4%A"), 400, "invalid_request");
    expect((await call("GET", "/api/combos")).json).toEqual([]);
  });

  test("name clashes are 409: a provider prefix, another combo", async () => {
    expect(await expectError(call("POST", "/api/combos", { name: "ds/fast", targets: [{ model: "ds/m" }] }), 409, "combo_conflict")).toContain("provider DeepSeek");
    expect((await call("POST", "/api/combos", { name: "coding", targets: [{ model: "ds/m" }] })).status).toBe(201);
    expect(await expectError(call("POST", "/api/combos", { name: "coding", targets: [{ model: "oai/m" }] }), 409, "combo_conflict")).toBe(
      'A combo named "coding" already exists.',
    );
    expect((await call("DELETE", "/api/combos/coding")).status).toBe(204);
  });

  test("references: cycles are 400 naming the cycle, a used combo cannot be deleted, a rename carries references", async () => {
    expect((await call("POST", "/api/combos", { name: "base", targets: [{ model: "ds/m" }] })).status).toBe(201);
    expect((await call("POST", "/api/combos", { name: "top", targets: [{ model: "combo:base" }] })).status).toBe(201);
    expect(await expectError(call("PATCH", "/api/combos/base", { targets: [{ model: "combo:top" }] }), 400, "invalid_combo")).toContain(
      "would form a cycle: base → top → base",
    );
    expect(await expectError(call("DELETE", "/api/combos/base"), 409, "combo_conflict")).toContain('is a target of "top"');

    expect((await call("PATCH", "/api/combos/base", { name: "team/base" })).status).toBe(200);
    expect(((await call("GET", "/api/combos/top")).json as { targets: Array<{ model: string }> }).targets[0]!.model).toBe("combo:team/base");

    expect((await call("DELETE", "/api/combos/top")).status).toBe(204);
    expect((await call("DELETE", "/api/combos/team/base")).status).toBe(204);
  });

  test("templates: the tiered starter combo, not stored, accepted as is by POST", async () => {
    const templates = await call("GET", "/api/combos/templates");
    expect(templates.status).toBe(200);
    const [template] = templates.json as Array<{ name: string; targets: Array<{ model: string }> }>;
    expect(template).toMatchObject({ name: "coding", strategy: "fill-first" });
    expect(template!.targets).toHaveLength(4);
    expect((await call("GET", "/api/combos")).json).toEqual([]);
    await expectError(call("POST", "/api/combos", { ...template, name: "templates" }), 400, "invalid_combo");
    expect((await call("POST", "/api/combos", template)).status).toBe(201);
    expect((await call("DELETE", "/api/combos/coding")).status).toBe(204);
  });

  test("needs a session, and state changes need the CSRF header", async () => {
    expect((await fetch(`${gw.url}/api/combos`)).status).toBe(401);
    expect((await fetch(`${gw.url}/api/combos/team/fast`)).status).toBe(401);
    const { cookie } = await gw.adminHeaders();
    const noCsrf = await fetch(`${gw.url}/api/combos`, {
      method: "POST",
      headers: { cookie: cookie!, "content-type": "application/json" },
      body: JSON.stringify({ name: "x", targets: [{ model: "ds/m" }] }),
    });
    expect(noCsrf.status).toBe(403);
  });

  test("the combos endpoints are in the OpenAPI document with their zod schemas", async () => {
    const spec = (await (await fetch(`${gw.url}/openapi/json`)).json()) as {
      paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: { properties?: Record<string, unknown> } }> } }>>;
    };
    const create = spec.paths["/api/combos"]!.post!.requestBody!.content["application/json"]!.schema;
    expect(Object.keys(create.properties!)).toEqual(["name", "strategy", "stickyRequests", "enabled", "targets", "description", "cacheTtlSeconds"]);
    expect(spec.paths["/api/combos/templates"]?.get).toBeDefined();
    const onePath = Object.keys(spec.paths).find((p) => p.startsWith("/api/combos/") && p !== "/api/combos/templates");
    expect(onePath).toBeDefined();
    // POST is the combo test (`/api/combos/{name}/test`, src/server/admin/combo-test-routes.ts).
    expect(Object.keys(spec.paths[onePath!]!).sort()).toEqual(["delete", "get", "patch", "post"]);
  });
});
