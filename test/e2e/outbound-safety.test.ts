import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { IRFormat } from "../../src/ir/ir-types";
import { connectFormat, fixtureReply, startRecordedUpstream, type SeenRequest } from "../fakes/recorded-upstream";
import { startTestGateway, type TestGateway } from "../helpers/test-gateway";

/**
 * What reaches an upstream is built from allowlists: the connection's own headers plus the few client headers a
 * format names (anthropic-beta), never the client's credentials, cookies, proxy headers or OmniRoute's own.
 */
let gw: TestGateway;
let upstream: ReturnType<typeof startRecordedUpstream>;
let clientKey: string;
const models = {} as Record<IRFormat, string>;

/** What each connection sends as its credential (test/fakes/recorded-upstream.ts connectFormat). */
const upstreamKey = (format: IRFormat) => `sk-${format}-upstream-secret`;

/** The answer of each format's generation path. */
function answerFor(request: SeenRequest) {
  if (request.path.endsWith("/chat/completions")) return fixtureReply("openai-chat", "text-nonstream").reply;
  if (request.path.endsWith("/messages")) return fixtureReply("anthropic", "text-nonstream").reply;
  if (request.path.endsWith("/responses")) return fixtureReply("openai-responses", "text-nonstream").reply;
  return fixtureReply("gemini", "text-nonstream").reply;
}

/** Headers a hostile or careless client sends; the credential-like values are recognisable in anything the upstream got. */
const HOSTILE: Record<string, string> = {
  "x-api-key": "client-x-api-key-value-0002",
  "x-goog-api-key": "client-goog-api-key-value-0003",
  cookie: "omniroute_session=client-session-cookie-0004; theme=dark",
  "x-forwarded-for": "10.9.8.7",
  "x-forwarded-host": "evil.example",
  "x-forwarded-proto": "http",
  forwarded: "for=10.9.8.7;host=evil.example",
  "x-real-ip": "10.9.8.7",
  "x-omniroute-request": "1",
  "x-omniroute-debug": "client-omniroute-header-0005",
  "proxy-authorization": "Basic Y2xpZW50LXByb3h5LWNyZWQtMDAwNg==",
  "x-custom-client-header": "client-custom-header-0007",
  "openai-organization": "org-client-0008",
  "user-agent": "hostile-client/1.0",
  "anthropic-version": "2099-01-01",
  "anthropic-beta": "context-management-2025-06-27",
};
const CLIENT_VALUES = ["client-x-api-key-value-0002", "client-goog-api-key-value-0003", "client-session-cookie-0004", "evil.example", "10.9.8.7", "client-omniroute-header-0005", "Y2xpZW50LXByb3h5LWNyZWQtMDAwNg", "client-custom-header-0007", "org-client-0008", "hostile-client", "2099-01-01"];

/** Bun's fetch adds these to every upstream request by itself. */
const TRANSPORT = ["accept", "accept-encoding", "connection", "content-length", "host", "user-agent"];
const names = (...extra: string[]) => [...TRANSPORT, "content-type", ...extra].sort();

beforeAll(async () => {
  upstream = startRecordedUpstream(answerFor);
  gw = await startTestGateway();
  for (const format of ["openai-chat", "anthropic", "openai-responses", "gemini"] as const) models[format] = await connectFormat(gw, format, upstream.url);
  clientKey = gw.gateway.runtime.services.apiKeys.create("outbound-safety").key;
});

afterAll(async () => {
  await gw.stop();
  upstream.stop();
});

async function send(path: string, body: unknown, headers: Record<string, string>): Promise<SeenRequest> {
  const before = upstream.requests.length;
  const response = await fetch(`${gw.url}${path}`, { method: "POST", headers: { ...HOSTILE, "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
  const text = await response.text();
  expect(response.status, text).toBe(200);
  expect(upstream.requests.length).toBe(before + 1);
  return upstream.requests.at(-1)!;
}

/** Nothing the client sent as a credential or header value reaches the upstream, in headers, URL or body. */
function expectNoClientValues(seen: SeenRequest): void {
  const everything = `${JSON.stringify(seen.headers)} ${seen.path}${seen.query} ${seen.body}`;
  for (const value of [clientKey, ...CLIENT_VALUES]) expect(everything).not.toContain(value);
}

describe("upstream request headers are an allowlist", () => {
  test("OpenAI Chat pass-through: the connection's credential only", async () => {
    const seen = await send("/v1/chat/completions", { model: models["openai-chat"], messages: [{ role: "user", content: "hi" }] }, { authorization: `Bearer ${clientKey}` });
    expect(Object.keys(seen.headers).sort()).toEqual(names("authorization"));
    expect(seen.headers.authorization).toBe(`Bearer ${upstreamKey("openai-chat")}`);
    expectNoClientValues(seen);
  });

  test("Anthropic pass-through: the connection's key and version, the client's anthropic-beta", async () => {
    const seen = await send("/v1/messages", { model: models.anthropic, max_tokens: 16, messages: [{ role: "user", content: "hi" }] }, { authorization: `Bearer ${clientKey}` });
    expect(Object.keys(seen.headers).sort()).toEqual(names("anthropic-beta", "anthropic-version", "x-api-key"));
    expect(seen.headers["x-api-key"]).toBe(upstreamKey("anthropic"));
    expect(seen.headers["anthropic-version"]).toBe("2023-06-01");
    expect(seen.headers["anthropic-beta"]).toBe("context-management-2025-06-27");
    expectNoClientValues(seen);
  });

  test("translated (Chat client → Anthropic upstream): not even anthropic-beta crosses formats", async () => {
    const seen = await send("/v1/chat/completions", { model: models.anthropic, messages: [{ role: "user", content: "hi" }] }, { authorization: `Bearer ${clientKey}` });
    expect(Object.keys(seen.headers).sort()).toEqual(names("anthropic-version", "x-api-key"));
    expectNoClientValues(seen);
  });

  test("OpenAI Responses pass-through and Anthropic client → Responses upstream", async () => {
    const passThrough = await send("/v1/responses", { model: models["openai-responses"], input: "hi" }, { authorization: `Bearer ${clientKey}` });
    expect(Object.keys(passThrough.headers).sort()).toEqual(names("authorization"));
    expect(passThrough.headers.authorization).toBe(`Bearer ${upstreamKey("openai-responses")}`);
    expectNoClientValues(passThrough);
    const translated = await send("/v1/messages", { model: models["openai-responses"], max_tokens: 16, messages: [{ role: "user", content: "hi" }] }, { authorization: `Bearer ${clientKey}` });
    expect(Object.keys(translated.headers).sort()).toEqual(names("authorization"));
    expectNoClientValues(translated);
  });

  test("Gemini: the client's ?key= and x-goog-api-key stay at the gateway", async () => {
    const body = { contents: [{ role: "user", parts: [{ text: "hi" }] }] };
    // The gateway reads x-api-key before x-goog-api-key: both carry the client key here.
    const seen = await send(`/v1beta/models/${models.gemini}:generateContent?key=${clientKey}`, body, { "x-api-key": clientKey, "x-goog-api-key": clientKey });
    expect(seen.query).toBe("");
    expect(seen.path).toBe("/v1beta/models/test-model:generateContent");
    expect(Object.keys(seen.headers).sort()).toEqual(names("x-goog-api-key"));
    expect(seen.headers["x-goog-api-key"]).toBe(upstreamKey("gemini"));
    expectNoClientValues(seen);

    const translated = await send("/v1/chat/completions", { model: models.gemini, messages: [{ role: "user", content: "hi" }] }, { authorization: `Bearer ${clientKey}` });
    expect(translated.query).toBe("");
    expect(Object.keys(translated.headers).sort()).toEqual(names("x-goog-api-key"));
    expectNoClientValues(translated);
  });
});

describe("redirects", () => {
  test("a redirect from the upstream to another host is not followed: no request, no credential reaches it", async () => {
    const elsewhere = startRecordedUpstream(answerFor);
    const statuses = [302, 307, 308];
    let calls = 0;
    const redirecting = Bun.serve({
      port: 0,
      hostname: "127.0.0.1",
      fetch: () => new Response(null, { status: statuses[calls++ % statuses.length]!, headers: { location: `${elsewhere.url}/v1/chat/completions` } }),
    });
    try {
      const created = await fetch(`${gw.url}/api/connections`, {
        method: "POST",
        headers: await gw.adminHeaders(),
        body: JSON.stringify({ providerId: "openai-compatible", alias: "redirecting", baseUrl: `http://127.0.0.1:${redirecting.port}/v1`, apiKey: "sk-redirect-upstream-secret-01", models: ["m"] }),
      });
      expect(created.status).toBe(201);
      for (const status of statuses) {
        const response = await fetch(`${gw.url}/v1/chat/completions`, {
          method: "POST",
          headers: { authorization: `Bearer ${clientKey}`, "content-type": "application/json" },
          body: JSON.stringify({ model: "redirecting/m", messages: [{ role: "user", content: `redirect ${status}` }] }),
        });
        const body = (await response.json()) as { error: { code: string; message: string } };
        expect(response.status).toBe(502);
        expect(body.error.code).toBe("upstream_redirect");
        expect(body.error.message).toContain(`HTTP ${status}`);
        expect(JSON.stringify(body)).not.toContain("sk-redirect-upstream-secret-01");
      }
      expect(calls).toBe(3);
      expect(elsewhere.requests).toHaveLength(0);
    } finally {
      redirecting.stop(true);
      elsewhere.stop();
    }
  });
});
