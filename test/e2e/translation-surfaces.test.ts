import Anthropic from "@anthropic-ai/sdk";
import { GoogleGenAI } from "@google/genai";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import OpenAI from "openai";
import { connectFormat, fixtureReply, jsonReply, startRecordedUpstream, type RecordedReply, type SeenRequest } from "../fakes/recorded-upstream";
import { setImageFetchPolicy } from "../../src/pipeline/inline-image-urls";
import { AccountHealth } from "../../src/routing/account-health";
import { startTestGateway, type TestGateway } from "../helpers/test-gateway";

/**
 * The inbound surfaces against upstreams of another format, through the official SDKs — with a test for each
 * pitfall that breaks other gateways (issue 3's list).
 */
let gw: TestGateway;
let upstream: ReturnType<typeof startRecordedUpstream>;
let next: (request: SeenRequest) => RecordedReply;
let chatModel: string;
let anthropicModel: string;
let openai: OpenAI;
let anthropic: Anthropic;

const encoder = new TextEncoder();
const json = (status: number, body: unknown): RecordedReply => jsonReply(status, body);
const lastBody = () => JSON.parse(upstream.requests.at(-1)!.body) as Record<string, unknown>;
const reply = (format: Parameters<typeof fixtureReply>[0], name: string) => {
  next = () => fixtureReply(format, name).reply;
};

beforeAll(async () => {
  upstream = startRecordedUpstream((request) => next(request));
  gw = await startTestGateway();
  chatModel = await connectFormat(gw, "openai-chat", upstream.url);
  anthropicModel = await connectFormat(gw, "anthropic", upstream.url);
  openai = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: "unused", maxRetries: 0 });
  anthropic = new Anthropic({ baseURL: gw.url, apiKey: "unused", maxRetries: 0 });
});

afterAll(async () => {
  await gw.stop();
  upstream.stop();
});

// These tests provoke upstream errors on purpose, one account each time: routing penalties (cool-downs,
// breakers) from one test must not decide the next; failover.test.ts covers them.
beforeEach(() => {
  gw.gateway.runtime.health = new AccountHealth();
});

describe("OpenAI Responses surface over a Chat upstream", () => {
  test("a plain-string input reaches the upstream as one user message, with no system prompt added", async () => {
    reply("openai-chat", "text-nonstream");
    const response = await openai.responses.create({ model: chatModel, input: "What is the capital of France?" });
    expect(response.output_text).toBe("The capital of France is Paris.");
    expect(response.usage?.input_tokens).toBe(24);
    const sent = lastBody();
    expect(sent.messages).toEqual([{ role: "user", content: "What is the capital of France?" }]);
  });

  test("response.completed always carries usage, even when the upstream stream reported none", async () => {
    next = () => {
      const recorded = fixtureReply("openai-chat", "tool-stream-raw.turn1").reply;
      // Drop every usage field the recording has, as providers without include_usage support do.
      const text = new TextDecoder().decode(Buffer.concat(recorded.pieces)).replace(/,"usage":(null|\{[^}]*\{[^}]*\}[^}]*\{[^}]*\}[^}]*\}|\{[^}]*\})/g, "");
      return { ...recorded, pieces: [encoder.encode(text)] };
    };
    const stream = await openai.responses.create({ model: chatModel, input: "multiply", stream: true });
    const types: string[] = [];
    let completed: OpenAI.Responses.Response | undefined;
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === "response.completed") completed = event.response;
    }
    expect(types[0]).toBe("response.created");
    expect(types).toContain("response.function_call_arguments.delta");
    expect(completed?.usage).toBeDefined();
    expect(completed?.output.some((item) => item.type === "function_call" && item.name === "multiply")).toBe(true);
  });

  test("a request without `stream` is answered as JSON even when it accepts text/event-stream", async () => {
    reply("openai-chat", "text-nonstream");
    const response = await fetch(`${gw.url}/v1/responses`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "text/event-stream" },
      body: JSON.stringify({ model: chatModel, input: "hi" }),
    });
    expect(response.headers.get("content-type")).toContain("application/json");
    const body = (await response.json()) as { object: string; status: string };
    expect(body.object).toBe("response");
    expect(body.status).toBe("completed");
  });

  test("previous_response_id continues a conversation the gateway stored; an unknown id is refused clearly", async () => {
    reply("openai-chat", "text-nonstream");
    const first = await openai.responses.create({ model: chatModel, input: "What is the capital of France?" });
    await openai.responses.create({ model: chatModel, input: "And of Italy?", previous_response_id: first.id });
    const sent = lastBody() as { messages: Array<{ role: string; content: unknown }> };
    expect(sent.messages.map((m) => m.role)).toEqual(["user", "assistant", "user"]);
    expect(JSON.stringify(sent.messages[1])).toContain("Paris");

    const unknown = await openai.responses.create({ model: chatModel, input: "x", previous_response_id: "resp_nope" }).catch((error: unknown) => error);
    expect(unknown).toBeInstanceOf(OpenAI.BadRequestError);
    expect((unknown as InstanceType<typeof OpenAI.BadRequestError>).message).toContain("resp_nope");
  });

  test("a WebSocket upgrade attempt is refused with 426 at once, so Codex falls back to HTTP", async () => {
    const started = performance.now();
    const response = await fetch(`${gw.url}/v1/responses`, {
      headers: { upgrade: "websocket", connection: "Upgrade", "sec-websocket-version": "13", "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==" },
    });
    expect(response.status).toBe(426);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(((await response.json()) as { error: { message: string } }).error.message).toContain("POST /v1/responses");
  });
});

describe("Anthropic surface over a Chat upstream", () => {
  test("a tool-only answer stays tool-only: no invented text, stop_reason tool_use", async () => {
    reply("openai-chat", "tool-nonstream.turn1");
    const message = await anthropic.messages.create({
      model: chatModel,
      max_tokens: 100,
      messages: [{ role: "user", content: "Where am I?" }],
      tools: [{ name: "get_user_country", description: "country", input_schema: { type: "object", properties: {} } }],
    });
    expect(message.content.map((b) => b.type)).toEqual(["tool_use"]);
    expect(message.stop_reason).toBe("tool_use");
    const sent = lastBody() as { messages: Array<{ role: string }>; tools: unknown[] };
    expect(sent.messages.map((m) => m.role)).toEqual(["user"]);
    expect(sent.tools).toHaveLength(1);
  });

  test("a trailing role:system message (Claude Code) is carried, not dropped or rejected", async () => {
    reply("openai-chat", "text-nonstream");
    const response = await fetch(`${gw.url}/v1/messages?beta=true`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-api-key": "unused", "anthropic-version": "2023-06-01" },
      body: JSON.stringify({
        model: chatModel,
        max_tokens: 50,
        system: [{ type: "text", text: "You are terse." }],
        messages: [
          { role: "user", content: "capital of France?" },
          { role: "system", content: [{ type: "text", text: "cwd: /home/dev/work" }] },
        ],
      }),
    });
    expect(response.status).toBe(200);
    const sent = lastBody() as { messages: Array<{ role: string; content: unknown }> };
    expect(sent.messages[0]).toEqual({ role: "system", content: "You are terse." });
    expect(JSON.stringify(sent.messages)).toContain("cwd: /home/dev/work");
  });

  test("upstream rate limits come back as Anthropic rate_limit_error with status 429", async () => {
    next = () => json(429, { error: { message: "Rate limit reached for requests", type: "requests", code: "rate_limit_exceeded" } });
    const error = await anthropic.messages.create({ model: chatModel, max_tokens: 5, messages: [{ role: "user", content: "x" }] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Anthropic.RateLimitError);
    expect((error as InstanceType<typeof Anthropic.RateLimitError>).message).toContain("Rate limit reached");
  });

  test("count_tokens is estimated locally for a Chat upstream (x-api-key and Bearer both accepted)", async () => {
    const count = await anthropic.messages.countTokens({ model: chatModel, messages: [{ role: "user", content: "Hello there, how are you today?" }] });
    expect(count.input_tokens).toBeGreaterThan(5);
    const viaHeader = await fetch(`${gw.url}/v1/messages/count_tokens`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-api-key": "unused" },
      body: JSON.stringify({ model: chatModel, messages: [{ role: "user", content: "Hello" }] }),
    });
    expect(viaHeader.headers.get("x-omniroute-token-count")).toBe("estimated");
  });

  test("count_tokens is asked of an Anthropic upstream, with the client's fields untouched", async () => {
    next = () => json(200, { input_tokens: 4242 });
    const count = await anthropic.messages.countTokens({ model: anthropicModel, messages: [{ role: "user", content: "Hi" }] });
    expect(count.input_tokens).toBe(4242);
    expect(upstream.requests.at(-1)!.path).toBe("/v1/messages/count_tokens");
    expect(lastBody().model).toBe("test-model");
  });

  test("pass-through to an Anthropic upstream forwards anthropic-beta and swaps only the model", async () => {
    reply("anthropic", "text-nonstream");
    const raw = JSON.stringify({ model: anthropicModel, max_tokens: 10, messages: [{ role: "user", content: "hi" }], context_management: { edits: [] } });
    const response = await fetch(`${gw.url}/v1/messages`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "Bearer unused", "anthropic-beta": "context-management-2025-06-27" },
      body: raw,
    });
    expect(response.status).toBe(200);
    const seen = upstream.requests.at(-1)!;
    expect(seen.headers["anthropic-beta"]).toBe("context-management-2025-06-27");
    expect(seen.headers["x-api-key"]).toBe("sk-anthropic-upstream-secret");
    expect(seen.body).toBe(raw.replace(anthropicModel, "test-model"));
  });
});

describe("Gemini surface over a Chat upstream", () => {
  test("@google/genai (v1 paths) gets text and usage; tools declared on the Gemini surface reach the upstream", async () => {
    reply("openai-chat", "text-nonstream");
    const genai = new GoogleGenAI({ apiKey: "unused", httpOptions: { baseUrl: gw.url } });
    const result = await genai.models.generateContent({
      model: chatModel,
      contents: "What is the capital of France?",
      config: { tools: [{ functionDeclarations: [{ name: "lookup", description: "look up", parametersJsonSchema: { type: "object", properties: { q: { type: "string" } } } }] }] },
    });
    expect(result.text).toBe("The capital of France is Paris.");
    expect(result.usageMetadata?.promptTokenCount).toBe(24);
    expect(upstream.requests.at(-1)!.path).toBe("/v1/chat/completions");
    const sent = lastBody() as { tools: Array<{ function: { name: string } }> };
    expect(sent.tools.map((t) => t.function.name)).toEqual(["lookup"]);
  });

  test("a model id with '/' arrives unencoded under /v1beta (Gemini CLI) and a tool call finishes as a call", async () => {
    reply("openai-chat", "tool-nonstream.turn1");
    const response = await fetch(`${gw.url}/v1beta/models/${chatModel}:generateContent`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-goog-api-key": "unused" },
      body: JSON.stringify({ contents: [{ role: "user", parts: [{ text: "Where am I?" }] }], tools: [{ functionDeclarations: [{ name: "get_user_country" }] }] }),
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { candidates: Array<{ content: { parts: Array<Record<string, unknown>> }; finishReason: string }> };
    const parts = body.candidates[0]!.content.parts;
    expect(parts.map((p) => Object.keys(p).filter((k) => k !== "thoughtSignature")[0])).toEqual(["functionCall"]);
    expect(body.candidates[0]!.finishReason).toBe("STOP");
  });

  test("upstream errors come back in Gemini's error shape", async () => {
    next = () => json(429, { error: { message: "quota exhausted", type: "insufficient_quota", code: "insufficient_quota" } });
    const response = await fetch(`${gw.url}/v1beta/models/${chatModel}:generateContent?key=unused`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ contents: [{ role: "user", parts: [{ text: "x" }] }] }),
    });
    expect(response.status).toBe(429);
    const body = (await response.json()) as { error: { code: number; status: string; message: string } };
    expect(body.error.code).toBe(429);
    expect(body.error.status).toBe("RESOURCE_EXHAUSTED");
    expect(body.error.message).toContain("quota exhausted");
  });
});

describe("OpenAI Chat surface over an Anthropic upstream", () => {
  test("streamed thinking becomes reasoning_content, text arrives, usage is reported when asked", async () => {
    reply("anthropic", "thinking-stream-raw");
    const stream = await openai.chat.completions.create({ model: anthropicModel, messages: [{ role: "user", content: "think" }], stream: true, stream_options: { include_usage: true } });
    let text = "";
    let reasoning = "";
    let finish: string | null = null;
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const chunk of stream) {
      const delta = chunk.choices[0]?.delta as { content?: string; reasoning_content?: string } | undefined;
      text += delta?.content ?? "";
      reasoning += delta?.reasoning_content ?? "";
      finish = chunk.choices[0]?.finish_reason ?? finish;
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text.length).toBeGreaterThan(0);
    expect(reasoning.length).toBeGreaterThan(0);
    expect(finish).toBe("stop");
    expect(usage?.completion_tokens).toBeGreaterThan(0);
    const sent = lastBody() as { stream: boolean; max_tokens: number };
    expect(sent.stream).toBe(true);
    expect(sent.max_tokens).toBeGreaterThan(0);
  });
});

describe("translator API", () => {
  test("POST /api/translate turns an Anthropic request into an OpenAI Chat request", async () => {
    const response = await fetch(`${gw.url}/api/translate`, {
      method: "POST",
      headers: await gw.adminHeaders(),
      body: JSON.stringify({
        from: "anthropic",
        to: "openai-chat",
        kind: "request",
        body: { model: "m", max_tokens: 10, system: "Be brief.", messages: [{ role: "user", content: "hi" }] },
      }),
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { result: { messages: unknown[] } };
    expect(body.result.messages).toEqual([
      { role: "system", content: "Be brief." },
      { role: "user", content: "hi" },
    ]);
  });

  test("untranslatable input is a 400 that names the problem", async () => {
    const response = await fetch(`${gw.url}/api/translate`, {
      method: "POST",
      headers: await gw.adminHeaders(),
      body: JSON.stringify({ from: "openai-chat", to: "anthropic", kind: "request", body: { model: "m", messages: "nope" } }),
    });
    expect(response.status).toBe(400);
  });
});

describe("translator API, streams", () => {
  test("an Anthropic SSE stream becomes an OpenAI Chat stream, with the IR events in between", async () => {
    const sse = new TextDecoder().decode(Buffer.concat(fixtureReply("anthropic", "text-stream-raw").reply.pieces));
    const response = await fetch(`${gw.url}/api/translate`, {
      method: "POST",
      headers: await gw.adminHeaders(),
      body: JSON.stringify({ from: "anthropic", to: "openai-chat", kind: "stream", body: sse }),
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { result: string; ir: Array<{ type: string }> };
    expect(body.ir[0]!.type).toBe("start");
    expect(body.ir.at(-1)!.type).toBe("end");
    expect(body.result.startsWith("data: {")).toBe(true);
    expect(body.result.trimEnd().endsWith("data: [DONE]")).toBe(true);
  });
});

describe("images for upstreams that need inline data", () => {
  test("an image URL sent to a Gemini upstream is fetched and inlined; an oversized one is refused in the client's format", async () => {
    const png = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==", "base64");
    const images = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response(png, { headers: { "content-type": "image/png" } }) });
    const geminiModel = await connectFormat(gw, "gemini", upstream.url, "vision-model");
    // By default a client-supplied image URL on this machine is refused (SSRF); outbound-safety tests cover the rules.
    const refused = await openai.chat.completions
      .create({ model: geminiModel, messages: [{ role: "user", content: [{ type: "image_url", image_url: { url: `http://127.0.0.1:${images.port}/cat.png` } }] }] })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(OpenAI.BadRequestError);
    // The images here are served from loopback on a random port: let this test's fetches through.
    setImageFetchPolicy({ allowAddress: () => true, allowPort: () => true });
    try {
      reply("gemini", "text-nonstream-b");
      const url = `http://127.0.0.1:${images.port}/cat.png`;
      await openai.chat.completions.create({
        model: geminiModel,
        messages: [{ role: "user", content: [{ type: "text", text: "what is it?" }, { type: "image_url", image_url: { url } }] }],
      });
      const sent = lastBody() as { contents: Array<{ parts: Array<{ inlineData?: { mimeType: string; data: string } }> }> };
      const inline = sent.contents[0]!.parts.find((p) => p.inlineData)!.inlineData!;
      expect(inline).toEqual({ mimeType: "image/png", data: png.toString("base64") });

      const admin = await gw.adminHeaders();
      await fetch(`${gw.url}/api/settings`, { method: "PATCH", headers: admin, body: JSON.stringify({ limits: { maxImageBytes: 1024 } }) });
      const big = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response(new Uint8Array(4096), { headers: { "content-type": "image/png" } }) });
      try {
        const error = await openai.chat.completions
          .create({ model: geminiModel, messages: [{ role: "user", content: [{ type: "image_url", image_url: { url: `http://127.0.0.1:${big.port}/big.png` } }] }] })
          .catch((e: unknown) => e);
        expect(error).toBeInstanceOf(OpenAI.BadRequestError);
        expect((error as Error).message).toContain("larger than 1024 bytes");
      } finally {
        big.stop(true);
        await fetch(`${gw.url}/api/settings`, { method: "PATCH", headers: admin, body: JSON.stringify({ limits: { maxImageBytes: 20 * 1024 * 1024 } }) });
      }
    } finally {
      setImageFetchPolicy(null);
      images.stop(true);
    }
  });
});

describe("response sanitisation", () => {
  test("a provider flagged sanitizeResponses (Groq) has x_groq and usage_breakdown removed, even for Chat clients", async () => {
    const created = await fetch(`${gw.url}/api/connections`, {
      method: "POST",
      headers: await gw.adminHeaders(),
      body: JSON.stringify({ providerId: "groq", baseUrl: `${upstream.url}/v1`, apiKey: "gsk-upstream", models: ["llama-x"] }),
    });
    expect(created.status).toBe(201);
    next = () =>
      json(200, {
        id: "chatcmpl-1",
        object: "chat.completion",
        created: 1,
        model: "llama-x",
        choices: [{ index: 0, message: { role: "assistant", content: "hi" }, finish_reason: "stop", logprobs: null }],
        usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 },
        usage_breakdown: { models: null },
        x_groq: { id: "req_1" },
      });
    const response = await fetch(`${gw.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "groq/llama-x", messages: [{ role: "user", content: "hi" }] }),
    });
    const body = (await response.json()) as Record<string, unknown>;
    expect(body.x_groq).toBeUndefined();
    expect(body.usage_breakdown).toBeUndefined();
    expect((body.choices as Array<{ message: { content: string } }>)[0]!.message.content).toBe("hi");
  });
});
