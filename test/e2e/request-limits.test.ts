import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { connect } from "node:net";
import { chatCompletionReply, connectFormat, startRecordedUpstream } from "../fakes/recorded-upstream";
import { startTestGateway, type TestGateway } from "../helpers/test-gateway";

/** Limits on what a request may be — headers, nesting, array length, how slowly it arrives — and the key requirement. */
let gw: TestGateway;
let upstream: ReturnType<typeof startRecordedUpstream>;
let model: string;

beforeAll(async () => {
  upstream = startRecordedUpstream(() => chatCompletionReply("test-model"));
  gw = await startTestGateway();
  model = await connectFormat(gw, "openai-chat", upstream.url);
  const patched = await fetch(`${gw.url}/api/settings`, {
    method: "PATCH",
    headers: await gw.adminHeaders(),
    body: JSON.stringify({ limits: { maxJsonDepth: 16, maxArrayLength: 500, bodyReadTimeoutMs: 1_000, maxHeaderBytes: 4_096 } }),
  });
  expect(patched.status).toBe(200);
});

afterAll(async () => {
  await gw.stop();
  upstream.stop();
});

const post = (path: string, body: string, headers: Record<string, string> = {}) =>
  fetch(`${gw.url}${path}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });

describe("request limits, answered in the caller's format", () => {
  test("nesting deeper than limits.maxJsonDepth → 400 naming the setting, on every surface", async () => {
    const deep = `{"model":"${model}","messages":[{"role":"user","content":"x"}],"metadata":${"[".repeat(40)}${"]".repeat(40)}}`;
    const chat = await post("/v1/chat/completions", deep);
    expect(chat.status).toBe(400);
    expect(((await chat.json()) as { error: { message: string } }).error.message).toContain("limits.maxJsonDepth");
    const messages = await post("/v1/messages", deep);
    expect(messages.status).toBe(400);
    expect(((await messages.json()) as { type: string }).type).toBe("error");
    const gemini = await post(`/v1beta/models/${model}:generateContent`, `{"contents":${"[".repeat(40)}${"]".repeat(40)}}`);
    expect(gemini.status).toBe(400);
    expect(((await gemini.json()) as { error: { status: string } }).error.status).toBe("INVALID_ARGUMENT");
    // A 100 000-deep body, which JSON.parse accepts, is refused the same way instead of overflowing a translator's stack.
    const abyss = await post("/v1/responses", `{"model":"${model}","input":${"[".repeat(100_000)}${"]".repeat(100_000)}}`);
    expect(abyss.status).toBe(400);
  });

  test("an array longer than limits.maxArrayLength → 400", async () => {
    const messages = Array.from({ length: 501 }, () => ({ role: "user", content: "x" }));
    const response = await post("/v1/chat/completions", JSON.stringify({ model, messages }));
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { message: string } }).error.message).toContain("limits.maxArrayLength");
    const fits = await post("/v1/chat/completions", JSON.stringify({ model, messages: messages.slice(0, 400) }));
    expect(fits.status).toBe(200);
  });

  test("headers over limits.maxHeaderBytes → 431 in the caller's format", async () => {
    const response = await post("/v1/messages", JSON.stringify({ model, max_tokens: 5, messages: [{ role: "user", content: "x" }] }), { "x-padding": "a".repeat(5_000) });
    expect(response.status).toBe(431);
    const body = (await response.json()) as { type: string; error: { message: string } };
    expect(body.type).toBe("error");
    expect(body.error.message).toContain("limits.maxHeaderBytes");
  });

  test("a body that trickles in slower than limits.bodyReadTimeoutMs → 408, and the gateway keeps serving", async () => {
    const port = Number(new URL(gw.url).port);
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, "127.0.0.1", () => {
        socket.write(`POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"model":`);
      });
      let received = "";
      socket.on("data", (chunk) => {
        received += chunk.toString();
        if (received.includes("\r\n\r\n")) {
          socket.destroy();
          resolve(received);
        }
      });
      socket.on("error", reject);
      setTimeout(() => reject(new Error("no answer within 5 s")), 5_000);
    });
    expect(answer.startsWith("HTTP/1.1 408")).toBe(true);
    const after = await post("/v1/chat/completions", JSON.stringify({ model, messages: [{ role: "user", content: "x" }] }));
    expect(after.status).toBe(200);
  });
});

describe("security.requireApiKey", () => {
  test("with it on, even GET /v1/models on loopback needs a key — and a key opens it", async () => {
    expect((await fetch(`${gw.url}/v1/models`)).status).toBe(200);
    const headers = await gw.adminHeaders();
    await fetch(`${gw.url}/api/settings`, { method: "PATCH", headers, body: JSON.stringify({ security: { requireApiKey: true } }) });
    try {
      const refused = await fetch(`${gw.url}/v1/models`);
      expect(refused.status).toBe(401);
      expect(((await refused.json()) as { error: { message: string } }).error.message).toContain("requireApiKey");
      expect((await post("/v1/chat/completions", JSON.stringify({ model, messages: [{ role: "user", content: "x" }] }))).status).toBe(401);
      const created = (await (await fetch(`${gw.url}/api/keys`, { method: "POST", headers, body: JSON.stringify({ name: "k" }) })).json()) as { key: string };
      expect((await fetch(`${gw.url}/v1/models`, { headers: { authorization: `Bearer ${created.key}` } })).status).toBe(200);
    } finally {
      await fetch(`${gw.url}/api/settings`, { method: "PATCH", headers, body: JSON.stringify({ security: { requireApiKey: false } }) });
    }
  });
});
