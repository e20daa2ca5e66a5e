import Anthropic from "@anthropic-ai/sdk";
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import OpenAI from "openai";
import { clientProfile } from "../../src/providers/executors/client-profiles";
import { chatCompletionReply, connectFormat, jsonReply, splitSse, startRecordedUpstream, type RecordedReply, type SeenRequest } from "../fakes/recorded-upstream";
import { startTestGateway, type TestGateway } from "../helpers/test-gateway";

/**
 * The subscription executors end to end: official SDK clients → gateway → a recorded fake upstream, asserting the
 * exact headers each upstream call carried. Claude Code as the client (its own headers pass through) and any other
 * client (the profile's set); Copilot's billing hint and body quirks; and API-key providers untouched (no executor:
 * the same headers and body bytes as before executors existed).
 *
 * The subscription accounts are created through the connection service with a token set (as a completed sign-in
 * would), then pointed at the fake upstream; every OAuth endpoint (refresh, quota) points at a sink on loopback, so
 * nothing here reaches the internet.
 */

const CC_ACCESS = "sk-ant-oat01-e2e-access-token";
const COPILOT_ACCESS = "tid=e2e;exp=9999999999;copilot-access-token";
const SESSION = "6f0e1c2a-7b8d-4e9f-a0b1-c2d3e4f5a6b7";
const CLAUDE_CLI_UA = "claude-cli/2.1.400 (external, cli)";
/** Headers the HTTP client itself adds on the way up (not the gateway's choice). */
const TRANSPORT = new Set(["host", "content-length", "connection", "accept-encoding", "accept"]);

const ccProfile = clientProfile("claude-code");
const copilotProfile = clientProfile("github-copilot");

const encoder = new TextEncoder();
const ANTHROPIC_SSE = [
  'event: message_start\ndata: {"type":"message_start","message":{"id":"msg_e2e","type":"message","role":"assistant","model":"claude-sonnet-4-6","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":10,"output_tokens":1}}}\n\n',
  'event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}\n\n',
  'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"ok"}}\n\n',
  'event: content_block_stop\ndata: {"type":"content_block_stop","index":0}\n\n',
  'event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":2}}\n\n',
  'event: message_stop\ndata: {"type":"message_stop"}\n\n',
].join("");
const anthropicMessage = (model: string) =>
  jsonReply(200, {
    id: "msg_e2e",
    type: "message",
    role: "assistant",
    model,
    content: [{ type: "text", text: "ok" }],
    stop_reason: "end_turn",
    stop_sequence: null,
    usage: { input_tokens: 10, output_tokens: 2 },
  });

/** Anthropic-format answers by path; Chat answers for Copilot; anything else (OAuth sink) a 404. */
function reply(request: SeenRequest): RecordedReply {
  if (request.path.endsWith("/messages/count_tokens")) return jsonReply(200, { input_tokens: 42 });
  if (request.path.endsWith("/messages")) {
    const body = JSON.parse(request.body) as { stream?: boolean; model: string };
    return body.stream ? { status: 200, contentType: "text/event-stream", pieces: splitSse(ANTHROPIC_SSE) } : anthropicMessage(body.model);
  }
  if (request.path.endsWith("/chat/completions")) return chatCompletionReply((JSON.parse(request.body) as { model: string }).model);
  return { status: 404, contentType: "application/json", pieces: [encoder.encode('{"error":"not here"}')] };
}

let gw: TestGateway;
let upstream: ReturnType<typeof startRecordedUpstream>;
let oauthSink: ReturnType<typeof startRecordedUpstream>;
let apiKeyAnthropicModel: string;
let apiKeyChatModel: string;

/** What an SDK client put on the wire (its own headers and body), captured through the SDK's fetch option. */
interface ClientSent {
  headers: Record<string, string>;
  body: string;
}
function recordingFetch(sent: ClientSent[]) {
  return async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    sent.push({ headers: Object.fromEntries(request.headers), body: await request.clone().text() });
    return fetch(request);
  };
}

/** Runs `call` and returns the one upstream request it caused. */
async function upstreamCallOf(call: () => Promise<unknown>): Promise<SeenRequest> {
  const before = upstream.requests.length;
  await call();
  const seen = upstream.requests.slice(before);
  expect(seen.length).toBe(1);
  return seen[0]!;
}

/** The headers the gateway chose (transport headers the HTTP client adds left out). */
function chosen(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !TRANSPORT.has(name)));
}

const pick = (headers: Record<string, string>, test: (name: string) => boolean) => Object.fromEntries(Object.entries(headers).filter(([name]) => test(name)));

beforeAll(async () => {
  gw = await startTestGateway();
  upstream = startRecordedUpstream(reply);
  oauthSink = startRecordedUpstream(() => ({ status: 503, contentType: "application/json", pieces: [encoder.encode('{"error":"sink"}')] }));
  const runtime = gw.gateway.runtime;
  // Refreshes and quota polls of these accounts go to the sink, never to the real providers.
  for (const providerId of ["claude-code", "github-copilot"]) {
    const module = runtime.oauth.registry.get(providerId)!;
    runtime.oauth.registry.overrideEndpoints(providerId, Object.fromEntries(Object.keys(module.endpoints).map((name) => [name, `${oauthSink.url}/oauth/${providerId}/${name}`])));
  }
  const connections = runtime.services.connections;
  const hourAhead = Date.now() + 3_600_000;
  const cc = connections.createOAuth({
    providerId: "claude-code",
    name: "Claude e2e",
    tokens: { accessToken: CC_ACCESS, refreshToken: "sk-ant-ort01-e2e-refresh", expiresAt: hourAhead, extra: {} },
    account: { email: "e2e@example.com" },
  });
  connections.update(cc.id, { baseUrl: `${upstream.url}/v1` });
  const copilot = connections.createOAuth({
    providerId: "github-copilot",
    name: "Copilot e2e",
    tokens: { accessToken: COPILOT_ACCESS, refreshToken: "gho_e2egithubtoken", expiresAt: hourAhead, extra: { githubToken: "gho_e2egithubtoken" } },
    account: { accountId: "octocat" },
  });
  connections.update(copilot.id, { baseUrl: upstream.url });
  apiKeyAnthropicModel = await connectFormat(gw, "anthropic", upstream.url);
  apiKeyChatModel = await connectFormat(gw, "openai-chat", upstream.url);
});

afterAll(async () => {
  await gw.stop();
  upstream.stop();
  oauthSink.stop();
});

describe("Claude Code executor, end to end", () => {
  test("Claude Code as the client: its own headers and betas go up as sent, plus the oauth beta; the body is untouched", async () => {
    const sent: ClientSent[] = [];
    const client = new Anthropic({
      baseURL: gw.url,
      apiKey: "unused-on-open-loopback",
      maxRetries: 0,
      defaultHeaders: { "user-agent": CLAUDE_CLI_UA, "x-app": "cli", "x-claude-code-session-id": SESSION },
      fetch: recordingFetch(sent),
    });
    const seen = await upstreamCallOf(async () => {
      const stream = await client.beta.messages.create({
        model: "cc/claude-sonnet-4-6",
        max_tokens: 64,
        system: "You are a careful assistant.",
        messages: [{ role: "user", content: "say ok" }],
        betas: ["claude-code-20250219", "interleaved-thinking-2025-05-14"],
        stream: true,
      });
      let text = "";
      for await (const event of stream) if (event.type === "content_block_delta" && event.delta.type === "text_delta") text += event.delta.text;
      expect(text).toBe("ok");
    });
    const client0 = sent[0]!;
    expect(seen.path).toBe("/v1/messages");
    expect(seen.query).toBe("?beta=true");
    expect(chosen(seen.headers)).toEqual({
      "content-type": "application/json",
      authorization: `Bearer ${CC_ACCESS}`,
      "anthropic-version": ccProfile.headers["anthropic-version"]!,
      "anthropic-dangerous-direct-browser-access": "true",
      "user-agent": CLAUDE_CLI_UA,
      "x-app": "cli",
      "x-claude-code-session-id": SESSION,
      ...pick(client0.headers, (name) => name.startsWith("x-stainless-")),
      "anthropic-beta": "claude-code-20250219,interleaved-thinking-2025-05-14,oauth-2025-04-20",
    });
    // The client's stainless set is the SDK's own, not the profile's.
    expect(Object.keys(pick(client0.headers, (name) => name.startsWith("x-stainless-"))).length).toBeGreaterThan(3);
    // No identity block, no billing header, no metadata: the body is the client's with the model id swapped.
    expect(seen.body).toBe(client0.body.replace('"model":"cc/claude-sonnet-4-6"', '"model":"claude-sonnet-4-6"'));
  });

  test("another Anthropic client: the profile's header set, its betas merged with the client's, no duplicate", async () => {
    const sent: ClientSent[] = [];
    const client = new Anthropic({ baseURL: gw.url, apiKey: "unused-on-open-loopback", maxRetries: 0, fetch: recordingFetch(sent) });
    const seen = await upstreamCallOf(() =>
      client.messages.create(
        { model: "cc/claude-sonnet-4-6", max_tokens: 64, messages: [{ role: "user", content: "say ok" }] },
        { headers: { "anthropic-beta": "context-management-2025-06-27,oauth-2025-04-20" } },
      ),
    );
    expect(sent[0]!.headers["user-agent"]).toStartWith("Anthropic/JS");
    expect(seen.query).toBe("?beta=true");
    expect(chosen(seen.headers)).toEqual({
      "content-type": "application/json",
      authorization: `Bearer ${CC_ACCESS}`,
      ...ccProfile.headers,
      "anthropic-beta": [...ccProfile.betas, "context-management-2025-06-27"].join(","),
    });
    expect(seen.headers["x-stainless-helper-method"]).toBeUndefined();
    expect(seen.body).toBe(sent[0]!.body.replace('"model":"cc/claude-sonnet-4-6"', '"model":"claude-sonnet-4-6"'));
  });

  test("count_tokens goes up shaped the same way, to the counter with ?beta=true", async () => {
    const client = new Anthropic({ baseURL: gw.url, apiKey: "unused-on-open-loopback", maxRetries: 0 });
    let counted = 0;
    const seen = await upstreamCallOf(async () => {
      counted = (await client.messages.countTokens({ model: "cc/claude-sonnet-4-6", messages: [{ role: "user", content: "how many tokens?" }] })).input_tokens;
    });
    expect(counted).toBe(42);
    expect(seen.path).toBe("/v1/messages/count_tokens");
    expect(seen.query).toBe("?beta=true");
    expect(chosen(seen.headers)).toEqual({
      "content-type": "application/json",
      authorization: `Bearer ${CC_ACCESS}`,
      ...ccProfile.headers,
      "anthropic-beta": ccProfile.betas.join(","),
    });
  });

  test("an OpenAI client (translated): the profile's set with its betas only", async () => {
    const client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: "unused-on-open-loopback", maxRetries: 0 });
    const seen = await upstreamCallOf(() => client.chat.completions.create({ model: "cc/claude-sonnet-4-6", max_tokens: 32, messages: [{ role: "user", content: "say ok" }] }));
    expect(seen.path).toBe("/v1/messages");
    expect(seen.query).toBe("?beta=true");
    expect(chosen(seen.headers)).toEqual({
      "content-type": "application/json",
      authorization: `Bearer ${CC_ACCESS}`,
      ...ccProfile.headers,
      "anthropic-beta": ccProfile.betas.join(","),
    });
  });
});

describe("GitHub Copilot executor, end to end", () => {
  const copilotHeaders = (initiator: "user" | "agent") => ({
    "content-type": "application/json",
    authorization: `Bearer ${COPILOT_ACCESS}`,
    ...copilotProfile.headers,
    "x-initiator": initiator,
  });

  test("an OpenAI client's human turn: the editor's headers, X-Initiator user, max_completion_tokens for gpt-5", async () => {
    const client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: "unused-on-open-loopback", maxRetries: 0 });
    const seen = await upstreamCallOf(() => client.chat.completions.create({ model: "gh/gpt-5.5", max_tokens: 100, messages: [{ role: "user", content: "hi" }] }));
    expect(seen.path).toBe("/chat/completions");
    expect(chosen(seen.headers)).toEqual(copilotHeaders("user"));
    const body = JSON.parse(seen.body) as Record<string, unknown>;
    expect(body.max_completion_tokens).toBe(100);
    expect(body.max_tokens).toBeUndefined();
  });

  test("a tool continuation is the agent's turn; the client's own x-initiator wins", async () => {
    const client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: "unused-on-open-loopback", maxRetries: 0 });
    const continuation: OpenAI.Chat.ChatCompletionMessageParam[] = [
      { role: "user", content: "list files" },
      { role: "assistant", content: null, tool_calls: [{ id: "call_1", type: "function", function: { name: "ls", arguments: "{}" } }] },
      { role: "tool", tool_call_id: "call_1", content: "a.ts" },
    ];
    const agent = await upstreamCallOf(() => client.chat.completions.create({ model: "gh/gpt-4.1", messages: continuation }));
    expect(chosen(agent.headers)).toEqual(copilotHeaders("agent"));
    const told = await upstreamCallOf(() => client.chat.completions.create({ model: "gh/gpt-4.1", messages: continuation }, { headers: { "x-initiator": "user" } }));
    expect(told.headers["x-initiator"]).toBe("user");
  });

  test("an Anthropic client (translated): the billing hint is read from the encoded upstream body", async () => {
    const client = new Anthropic({ baseURL: gw.url, apiKey: "unused-on-open-loopback", maxRetries: 0 });
    const seen = await upstreamCallOf(() =>
      client.messages.create({
        model: "gh/claude-sonnet-4.6",
        max_tokens: 64,
        tools: [{ name: "ls", description: "list files", input_schema: { type: "object", properties: {} } }],
        messages: [
          { role: "user", content: "list files" },
          { role: "assistant", content: [{ type: "tool_use", id: "toolu_1", name: "ls", input: {} }] },
          { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_1", content: "a.ts" }] },
        ],
      }),
    );
    expect(seen.path).toBe("/chat/completions");
    expect(chosen(seen.headers)).toEqual(copilotHeaders("agent"));
  });

  test("a trailing assistant prefill is dropped before it goes up", async () => {
    const client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: "unused-on-open-loopback", maxRetries: 0 });
    const seen = await upstreamCallOf(() =>
      client.chat.completions.create({ model: "gh/gpt-4.1", messages: [{ role: "user", content: "count to 3" }, { role: "assistant", content: "1, 2," }] }),
    );
    expect((JSON.parse(seen.body) as { messages: unknown[] }).messages).toEqual([{ role: "user", content: "count to 3" }]);
    expect(seen.headers["x-initiator"]).toBe("user");
  });
});

describe("API-key providers: no executor", () => {
  test("a Claude Code client to an API-key Anthropic endpoint: only the key, version and its own betas go up, body byte for byte", async () => {
    const sent: ClientSent[] = [];
    const client = new Anthropic({
      baseURL: gw.url,
      apiKey: "unused-on-open-loopback",
      maxRetries: 0,
      defaultHeaders: { "user-agent": CLAUDE_CLI_UA, "x-app": "cli", "x-claude-code-session-id": SESSION },
      fetch: recordingFetch(sent),
    });
    const seen = await upstreamCallOf(() =>
      client.messages.create({ model: apiKeyAnthropicModel, max_tokens: 64, messages: [{ role: "user", content: "say ok" }] }, { headers: { "anthropic-beta": "effort-2025-11-24" } }),
    );
    expect(seen.path).toBe("/v1/messages");
    expect(seen.query).toBe("");
    const { "user-agent": userAgent, ...rest } = chosen(seen.headers);
    expect(rest).toEqual({ "content-type": "application/json", "x-api-key": "sk-anthropic-upstream-secret", "anthropic-version": "2023-06-01", "anthropic-beta": "effort-2025-11-24" });
    expect(userAgent).not.toStartWith("claude-cli/");
    expect(seen.body).toBe(sent[0]!.body.replace(`"model":"${apiKeyAnthropicModel}"`, '"model":"test-model"'));
  });

  test("an OpenAI client to an API-key Chat endpoint: the key alone, body byte for byte", async () => {
    const sent: ClientSent[] = [];
    const client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: "unused-on-open-loopback", maxRetries: 0, fetch: recordingFetch(sent) });
    const seen = await upstreamCallOf(() => client.chat.completions.create({ model: apiKeyChatModel, messages: [{ role: "user", content: "hi" }, { role: "assistant", content: "prefill" }] }));
    const { "user-agent": _userAgent, ...rest } = chosen(seen.headers);
    expect(rest).toEqual({ "content-type": "application/json", authorization: "Bearer sk-openai-chat-upstream-secret" });
    expect(seen.body).toBe(sent[0]!.body.replace(`"model":"${apiKeyChatModel}"`, '"model":"test-model"'));
  });

  test("an OAuth provider cannot be connected with an API key: the refusal points to the sign-in flow", async () => {
    const response = await fetch(`${gw.url}/api/connections`, {
      method: "POST",
      headers: await gw.adminHeaders(),
      body: JSON.stringify({ providerId: "claude-code", apiKey: "sk-ant-api03-pasted-by-mistake" }),
    });
    expect(response.status).toBe(400);
    const text = await response.text();
    expect(text).toContain("POST /api/oauth/claude-code/start");
    expect(text).not.toContain("sk-ant-api03-pasted-by-mistake");
  });
});
