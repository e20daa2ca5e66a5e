import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startTestGateway, type TestGateway } from "../helpers/test-gateway";

/** A failing connection test leaves a warn line in the console log (what the dashboard's console viewer shows). */
describe("connection test and the console log", () => {
  let gw: TestGateway;
  let upstream: ReturnType<typeof Bun.serve>;
  let healthy = false;

  beforeAll(async () => {
    upstream = Bun.serve({
      hostname: "127.0.0.1",
      port: 0,
      fetch: () =>
        healthy
          ? Response.json({ object: "list", data: [{ id: "m", object: "model", created: 0, owned_by: "t" }] })
          : Response.json({ error: { message: "upstream exploded" } }, { status: 500 }),
    });
    gw = await startTestGateway();
  });
  afterAll(async () => {
    await gw.stop();
    upstream.stop(true);
  });

  test("a failed test is logged at warn with the connection and the error; a passing one is not", async () => {
    const headers = await gw.adminHeaders();
    const created = await fetch(`${gw.url}/api/connections`, {
      method: "POST",
      headers,
      body: JSON.stringify({ providerId: "openai-compatible", name: "Flaky box", alias: "flaky", baseUrl: `http://127.0.0.1:${upstream.port}/v1` }),
    });
    expect(created.status).toBe(201);
    const connection = (await created.json()) as { id: string };

    const failed = await fetch(`${gw.url}/api/connections/${connection.id}/test`, { method: "POST", headers });
    expect(((await failed.json()) as { ok: boolean }).ok).toBe(false);

    const warnings = (await (await fetch(`${gw.url}/api/logs/console?level=warn&search=Flaky`, { headers })).json()) as {
      entries: Array<{ level: string; component: string; msg: string; fields: Record<string, unknown> }>;
    };
    expect(warnings.entries).toHaveLength(1);
    expect(warnings.entries[0]).toMatchObject({
      level: "warn",
      component: "connections",
      msg: "connection test failed: Flaky box",
      fields: { connectionId: connection.id, providerId: "openai-compatible" },
    });
    expect(String(warnings.entries[0]!.fields.error)).toContain("500");

    healthy = true;
    const passed = await fetch(`${gw.url}/api/connections/${connection.id}/test`, { method: "POST", headers });
    expect(((await passed.json()) as { ok: boolean }).ok).toBe(true);
    const after = (await (await fetch(`${gw.url}/api/logs/console?level=warn&search=Flaky`, { headers })).json()) as { entries: unknown[] };
    expect(after.entries).toHaveLength(1);
  });
});
