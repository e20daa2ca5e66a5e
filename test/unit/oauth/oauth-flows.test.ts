import { afterEach, describe, expect, test } from "bun:test";
import { OAuthFlowError, OAuthFlows, parseAuthorizationInput } from "../../../src/oauth/oauth-flows";
import { OAuthRegistry } from "../../../src/oauth/oauth-registry";
import { TokenManager } from "../../../src/oauth/token-manager";
import { AccountHealth } from "../../../src/routing/account-health";
import { TempDirs } from "../support/temp-data";
import { fakeModule } from "./fake-oauth-module";

const temp = new TempDirs();
const stops: Array<() => void> = [];
afterEach(() => {
  for (const stop of stops.splice(0)) stop();
  temp.cleanup();
});

function setup(moduleOptions: { mode?: "manual" | "loopback"; loopbackPort?: number } = {}) {
  const services = temp.services();
  const clock = { now: Date.now() };
  const now = () => clock.now;
  const module = fakeModule({ now, ...moduleOptions });
  const registry = new OAuthRegistry([module]);
  const health = new AccountHealth({}, now);
  const tokens = new TokenManager({ connections: services.connections, registry, health: () => health, now, timers: false });
  tokens.start();
  const flows = new OAuthFlows({ registry, connections: services.connections, providers: services.registry, tokens, now, minPollIntervalMs: 5 });
  stops.push(() => flows.stop());
  return { services, clock, module, flows, health, tokens };
}

async function flowError(work: Promise<unknown>): Promise<OAuthFlowError> {
  try {
    await work;
  } catch (error) {
    if (error instanceof OAuthFlowError) return error;
    throw error;
  }
  throw new Error("expected an OAuthFlowError");
}

async function until(check: () => boolean, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error("timed out");
    await Bun.sleep(5);
  }
}

describe("parseAuthorizationInput", () => {
  test("code#state, a bare code, the whole redirected URL, a provider error", () => {
    expect(parseAuthorizationInput("  abc#s-1 ")).toEqual({ code: "abc", state: "s-1" });
    expect(parseAuthorizationInput("abc")).toEqual({ code: "abc", state: null });
    expect(parseAuthorizationInput("http://localhost:1455/auth/callback?code=c1&state=s-2")).toEqual({ code: "c1", state: "s-2" });
    expect(parseAuthorizationInput("/auth/callback?code=c1&state=s-2")).toEqual({ code: "c1", state: "s-2" });
    expect(parseAuthorizationInput("http://localhost:1455/cb?error=access_denied&state=s")).toEqual({ error: "The provider refused the sign-in (access_denied)." });
    expect("error" in parseAuthorizationInput("https://x.example/cb?state=s")).toBe(true);
    expect("error" in parseAuthorizationInput("   ")).toBe(true);
  });
});

describe("authorization-code flows", () => {
  test("manual: start, paste code#state, the connection is created and named after the account", async () => {
    const { services, module, flows } = setup();
    const started = await flows.start("deepseek");
    expect(started).toMatchObject({ flow: "authorization-code", mode: "manual", authorizeUrl: "https://auth.example/authorize?state=s-123" });
    expect(flows.status(started.flowId)).toEqual({ status: "pending" });
    const view = await flows.complete(started.flowId, "the-code#s-123");
    expect(module.exchangeCalls).toEqual([{ code: "the-code", state: "s-123", verifier: "v".repeat(43) }]);
    expect(view).toMatchObject({ providerId: "deepseek", name: "DeepSeek (user@example.com)", hasApiKey: false, auth: { kind: "oauth", state: "ok", account: { email: "user@example.com" } } });
    expect(JSON.stringify(view)).not.toContain("fake-access");
    expect(flows.status(started.flowId)).toEqual({ status: "done", connectionId: view.id });
    expect(services.connections.getRuntime(view.id)!.headers.authorization).toBe("Bearer fake-access-1");
    // Finished: cannot complete twice.
    expect((await flowError(flows.complete(started.flowId, "the-code#s-123"))).status).toBe(409);
  });

  test("a given name wins; the whole redirected URL works too", async () => {
    const { flows } = setup();
    const started = await flows.start("deepseek", { name: "Work account" });
    const view = await flows.complete(started.flowId, "https://auth.example/callback?code=xyz&state=s-123");
    expect(view.name).toBe("Work account");
  });

  test("a state of another flow is refused and the flow keeps waiting; a refused code fails it", async () => {
    const { flows } = setup();
    const started = await flows.start("deepseek");
    const mismatch = await flowError(flows.complete(started.flowId, "code#other-state"));
    expect([mismatch.status, mismatch.code]).toEqual([400, "state_mismatch"]);
    expect(flows.status(started.flowId).status).toBe("pending");
    const refused = await flowError(flows.complete(started.flowId, "bad-code"));
    expect([refused.status, refused.code]).toEqual([400, "oauth_exchange_failed"]);
    expect(flows.status(started.flowId).status).toBe("failed");
  });

  test("flows expire after 10 minutes", async () => {
    const { clock, flows } = setup();
    const started = await flows.start("deepseek");
    clock.now += 10 * 60_000 + 1;
    expect((await flowError(flows.complete(started.flowId, "code#s-123"))).status).toBe(410);
    expect(flows.status(started.flowId).status).toBe("expired");
  });

  test("at most 50 pending at once; unknown provider or flow kind refused", async () => {
    const { flows } = setup();
    for (let i = 0; i < 50; i++) await flows.start("deepseek");
    expect((await flowError(flows.start("deepseek"))).status).toBe(429);
    expect((await flowError(flows.start("openai"))).status).toBe(404);
    expect((await flowError(flows.complete("flow_nope", "x"))).status).toBe(404);
  });

  test("loopback: a temporary listener on 127.0.0.1 catches the redirect, completes the flow and closes", async () => {
    const probe = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response("") });
    const port = probe.port!;
    probe.stop(true);
    const { flows } = setup({ mode: "loopback", loopbackPort: port });
    const started = await flows.start("deepseek");
    expect(started).toMatchObject({ mode: "loopback" });
    expect(flows.loopbackPorts()).toEqual([port]);
    const wrong = await fetch(`http://127.0.0.1:${port}/auth/callback?code=c&state=nope`);
    expect(wrong.status).toBe(400);
    const page = await fetch(`http://127.0.0.1:${port}/auth/callback?code=c&state=s-123`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("You can close this tab");
    const state = flows.status(started.flowId);
    expect(state.status).toBe("done");
    expect(flows.loopbackPorts()).toEqual([]);
  });

  test("reconnect replaces the tokens of that connection and clears its re-auth state", async () => {
    const { services, flows, module, tokens, health } = setup();
    const first = await flows.complete((await flows.start("deepseek")).flowId, "c#s-123");
    module.refreshMode = "rejected";
    await tokens.refreshNow(first.id).catch(() => {});
    expect(services.connections.get(first.id)!.auth).toMatchObject({ state: "needs-reauth" });
    expect(health.check(first.id, "deepseek").available).toBe(false);
    const again = await flows.start("deepseek", { reconnect: first.id });
    const view = await flows.complete(again.flowId, "c2#s-123");
    expect(view.id).toBe(first.id);
    expect(view.auth).toMatchObject({ state: "ok", error: null });
    expect(services.connections.list()).toHaveLength(1);
    expect(services.connections.getRuntime(first.id)!.apiKey).toBe("fake-access-2");
    expect(health.check(first.id, "deepseek").available).toBe(true);
  });
});

describe("device-code flows", () => {
  test("polled in the background until done; the connection appears", async () => {
    const { services, module, flows } = setup();
    module.devicePolls = ["pending", "pending", "done"];
    const started = await flows.start("deepseek", { flow: "device-code" });
    expect(started).toMatchObject({ flow: "device-code", userCode: "ABCD-1234", verificationUri: "https://auth.example/device" });
    await until(() => flows.status(started.flowId).status !== "pending");
    const state = flows.status(started.flowId);
    expect(state.status).toBe("done");
    expect(services.connections.get(state.connectionId!)!.auth.kind).toBe("oauth");
    const manual = await flowError(flows.complete(started.flowId, "x"));
    expect(manual.status).toBe(409);
  });

  test("a refusal at the provider fails the flow", async () => {
    const { module, flows } = setup();
    module.devicePolls = ["failed"];
    const started = await flows.start("deepseek", { flow: "device-code" });
    await until(() => flows.status(started.flowId).status !== "pending");
    expect(flows.status(started.flowId)).toMatchObject({ status: "failed", error: "access_denied" });
  });
});
