import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import Anthropic from "@anthropic-ai/sdk";
import { GoogleGenAI } from "@google/genai";
import OpenAI from "openai";
import { CLAUDE_CODE_CLIENT } from "../../src/oauth/providers/claude-code";
import { ONBOARD_POLL } from "../../src/oauth/providers/antigravity";
import { clientProfile } from "../../src/providers/executors/client-profiles";
import { ANTIGRAVITY_ACCOUNTS, startAntigravityOAuthMock, type AntigravityOAuthMock } from "../fakes/oauth-mock-antigravity";
import { CODEX_ACCOUNTS, startCodexOAuthMock, type CodexOAuthMock } from "../fakes/oauth-mock-codex";
import { conversationStateProblem, startKiroOAuthMock, startKiroUpstream, type KiroOAuthMock } from "../fakes/oauth-mock-kiro";
import { startQwenOAuthMock, startQwenUpstream, type QwenOAuthMock } from "../fakes/oauth-mock-qwen";
import { startOAuthMocks } from "../fakes/oauth-mock-servers";
import type { SeenRequest } from "../fakes/recorded-upstream";
import { startTestGateway, type TestGateway } from "../helpers/test-gateway";

/**
 * The provider × inbound-surface matrix of issue 8's proof ("call through each inbound surface"): one gateway, one
 * account of every subscription provider connected through the real /api/oauth flows (paste-back for the
 * authorization-code providers, the gateway's background device polling for the device-code ones), each served
 * through every inbound surface with the official SDK — OpenAI Chat (non-stream and stream), OpenAI Responses,
 * Anthropic Messages (non-stream and stream), Gemini generateContent on /v1beta. For each call: the SDK gets the mock
 * upstream's answer, exactly one upstream request went out, and that request carried the provider's own auth and
 * shape (its mock upstream refuses anything else; the checks here name what each one must carry).
 */

let gw: TestGateway;
let core: ReturnType<typeof startOAuthMocks>;
let codex: CodexOAuthMock;
let qwen: QwenOAuthMock;
let qwenUpstream: ReturnType<typeof startQwenUpstream>;
let agy: AntigravityOAuthMock;
let kiro: KiroOAuthMock;
let kiroUpstream: ReturnType<typeof startKiroUpstream>;
let openai: OpenAI;
let anthropic: Anthropic;
let genai: GoogleGenAI;

async function admin(method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${gw.url}${path}`, { method, headers: await gw.adminHeaders(), ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
}

interface View {
  id: string;
  auth: { kind: string; state?: string };
}

async function pointAt(id: string, baseUrl: string): Promise<void> {
  expect((await admin("PATCH", `/api/connections/${id}`, { baseUrl })).status).toBe(200);
}

/** Authorization code: start, the user approves at the (mock) provider, the redirected URL or code#state pasted back. */
async function connectByPaste(providerId: string, approve: (authorizeUrl: string) => string): Promise<string> {
  const start = await admin("POST", `/api/oauth/${providerId}/start`, {});
  expect(start.status).toBe(200);
  const started = (await start.json()) as { flowId: string; flow: string; authorizeUrl: string };
  expect(started.flow).toBe("authorization-code");
  const complete = await admin("POST", `/api/oauth/flows/${started.flowId}/complete`, { input: approve(started.authorizeUrl) });
  expect(complete.status).toBe(201);
  const view = (await complete.json()) as View;
  expect(view.auth).toMatchObject({ kind: "oauth", state: "ok" });
  return view.id;
}

/** Device code: start, then wait for the gateway's background polling (the mocks approve after a few pending polls). */
async function connectByDevice(providerId: string): Promise<string> {
  const start = await admin("POST", `/api/oauth/${providerId}/start`, { flow: "device-code" });
  expect(start.status).toBe(200);
  const started = (await start.json()) as { flowId: string; flow: string; userCode: string };
  expect(started.flow).toBe("device-code");
  let state: { status: string; connectionId?: string; error?: string } = { status: "pending" };
  for (let i = 0; i < 300 && state.status === "pending"; i++) {
    await Bun.sleep(10);
    state = (await (await admin("GET", `/api/oauth/flows/${started.flowId}`)).json()) as typeof state;
  }
  expect(state).toMatchObject({ status: "done" });
  return state.connectionId!;
}

const tokenOf = (id: string) => gw.gateway.runtime.services.connections.getRuntime(id)!.apiKey!;
const body = (seen: SeenRequest) => JSON.parse(seen.body) as Record<string, any>;

/** One subscription provider under test: how to connect it, where its upstream records, what it must be sent. */
interface Subject {
  id: string;
  model: string;
  connect(): Promise<string>;
  requests(): SeenRequest[];
  /** The mock upstream's answer text as the client sees it. */
  answer: RegExp;
  /** The provider's own auth and request shape on the upstream request. */
  check(seen: SeenRequest, connectionId: string): void;
}

const ccProfile = clientProfile("claude-code");
const copilotProfile = clientProfile("github-copilot");
const qwenProfile = clientProfile("qwen-code");
const kiroProfile = clientProfile("kiro");

const SUBJECTS: Subject[] = [
  {
    id: "claude-code",
    model: "cc/claude-sonnet-4-5",
    answer: /^ok$/,
    async connect() {
      const id = await connectByPaste("claude-code", (url) => core.claude.approve(url));
      await pointAt(id, `${core.upstreams.anthropic.url}/v1`);
      return id;
    },
    requests: () => core.upstreams.anthropic.requests,
    check(seen, id) {
      expect(seen.path).toBe("/v1/messages");
      expect(seen.query).toBe("?beta=true");
      expect(seen.headers.authorization).toBe(`Bearer ${tokenOf(id)}`);
      expect(core.claude.isValidAccessToken(tokenOf(id))).toBe(true);
      expect(seen.headers["x-api-key"]).toBeUndefined();
      // Not Claude Code as the client: the profile's header set, with the OAuth beta.
      for (const [name, value] of Object.entries(ccProfile.headers)) expect(seen.headers[name], name).toBe(value);
      expect(seen.headers["anthropic-beta"]!.split(",")).toContain(CLAUDE_CODE_CLIENT.oauthBeta);
      expect(body(seen).model).toBe("claude-sonnet-4-5");
    },
  },
  {
    id: "github-copilot",
    model: "gh/gpt-4.1",
    answer: /^ok$/,
    async connect() {
      const id = await connectByDevice("github-copilot");
      await pointAt(id, core.upstreams.copilot.url);
      return id;
    },
    requests: () => core.upstreams.copilot.requests,
    check(seen, id) {
      expect(seen.path).toBe("/chat/completions");
      // The short-lived Copilot token (exchanged from the GitHub token), never the GitHub token itself.
      expect(seen.headers.authorization).toBe(`Bearer ${tokenOf(id)}`);
      expect(core.copilot.isValidCopilotToken(tokenOf(id))).toBe(true);
      for (const [name, value] of Object.entries(copilotProfile.headers)) expect(seen.headers[name], name).toBe(value);
      expect(seen.headers["x-initiator"]).toBe("user");
      expect(body(seen).model).toBe("gpt-4.1");
    },
  },
  {
    id: "codex",
    model: "cx/gpt-5.5",
    answer: /^pong$/,
    async connect() {
      const id = await connectByPaste("codex", (url) => codex.approve(url, CODEX_ACCOUNTS.first));
      await pointAt(id, codex.baseUrl);
      return id;
    },
    requests: () => codex.upstream.requests,
    check(seen, id) {
      expect(seen.path).toBe("/backend-api/codex/responses");
      expect(seen.headers.authorization).toBe(`Bearer ${tokenOf(id)}`);
      expect(seen.headers).toMatchObject({ "chatgpt-account-id": "acct-codex-1111", originator: "codex_cli_rs", "openai-beta": "responses=experimental", accept: "text/event-stream" });
      expect(seen.headers["user-agent"]).toStartWith("codex_cli_rs/");
      const sent = body(seen);
      expect(sent).toMatchObject({ model: "gpt-5.5", stream: true, store: false });
      expect(typeof sent.instructions).toBe("string");
      for (const field of ["temperature", "max_output_tokens", "top_p"]) expect(sent[field], field).toBeUndefined();
    },
  },
  {
    id: "qwen-code",
    model: "qw/qwen3-coder-plus",
    answer: /^ok$/,
    async connect() {
      const id = await connectByDevice("qwen-code");
      await pointAt(id, `${qwenUpstream.url}/v1`);
      return id;
    },
    requests: () => qwenUpstream.requests,
    check(seen, id) {
      expect(seen.path).toBe("/v1/chat/completions");
      expect(seen.headers.authorization).toBe(`Bearer ${tokenOf(id)}`);
      expect(qwen.isValidAccessToken(tokenOf(id))).toBe(true);
      for (const [name, value] of Object.entries(qwenProfile.headers)) expect(seen.headers[name], name).toBe(value);
      expect(body(seen).model).toBe("qwen3-coder-plus");
    },
  },
  {
    id: "antigravity",
    model: "agy/gemini-3-flash",
    // The recorded Gemini fixtures: the non-stream one names Mountain View, the streamed one Paris.
    answer: /Mountain View|^The capital of France is Paris\.\n$/,
    async connect() {
      const id = await connectByPaste("antigravity", (url) => agy.approve(url, ANTIGRAVITY_ACCOUNTS.first));
      await pointAt(id, agy.baseUrl);
      return id;
    },
    requests: () => agy.upstream.requests,
    check(seen, id) {
      expect(["/v1internal:generateContent", "/v1internal:streamGenerateContent"]).toContain(seen.path);
      if (seen.path === "/v1internal:streamGenerateContent") expect(seen.query).toBe("?alt=sse");
      expect(seen.headers.authorization).toBe(`Bearer ${tokenOf(id)}`);
      expect(seen.headers["user-agent"]).toStartWith("antigravity/");
      const envelope = body(seen);
      expect(envelope).toMatchObject({ project: "useful-fuze-11111", model: "gemini-3-flash", userAgent: "antigravity", requestType: "agent" });
      expect(envelope.requestId).toStartWith("agent-");
      expect(envelope.contents).toBeUndefined();
      expect(typeof envelope.request.sessionId).toBe("string");
    },
  },
  {
    id: "kiro",
    model: "kr/claude-sonnet-4.5",
    answer: /^Hello from Kiro$/,
    async connect() {
      const id = await connectByDevice("kiro");
      await pointAt(id, kiroUpstream.url);
      return id;
    },
    requests: () => kiroUpstream.requests,
    check(seen, id) {
      expect(seen.path).toBe("/generateAssistantResponse");
      expect(seen.headers.authorization).toBe(`Bearer ${tokenOf(id)}`);
      expect(kiro.isValidAccessToken(tokenOf(id))).toBe(true);
      for (const name of ["x-amz-target", "user-agent", "x-amz-user-agent", "amz-sdk-request", "accept"]) expect(seen.headers[name], name).toBe(kiroProfile.headers[name]!);
      expect(seen.headers["amz-sdk-invocation-id"]).toMatch(/^[0-9a-f-]{36}$/);
      const sent = body(seen);
      expect(conversationStateProblem(sent)).toBeNull();
      expect(sent.conversationState.currentMessage.userInputMessage).toMatchObject({ modelId: "claude-sonnet-4.5", origin: "AI_EDITOR" });
    },
  },
];

/** Each provider's connection id, once connected. */
const accounts = new Map<string, string>();

beforeAll(async () => {
  ONBOARD_POLL.delayMs = 10;
  core = startOAuthMocks();
  codex = startCodexOAuthMock();
  qwen = startQwenOAuthMock({ pendingPolls: 1 });
  qwenUpstream = startQwenUpstream(qwen);
  agy = startAntigravityOAuthMock();
  kiro = startKiroOAuthMock({ pendingPolls: 1 });
  kiroUpstream = startKiroUpstream(kiro);
  gw = await startTestGateway();
  const registry = gw.gateway.runtime.oauth.registry;
  registry.overrideEndpoints("claude-code", core.claude.endpoints);
  registry.overrideEndpoints("github-copilot", core.copilot.endpoints);
  registry.overrideEndpoints("codex", codex.endpoints);
  registry.overrideEndpoints("qwen-code", qwen.endpoints);
  registry.overrideEndpoints("antigravity", agy.endpoints);
  registry.overrideEndpoints("kiro", kiro.endpoints);
  gw.gateway.runtime.oauthFlows.minPollIntervalMs = 10;
  openai = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: "sk-omniroute-test", maxRetries: 0 });
  anthropic = new Anthropic({ baseURL: gw.url, apiKey: "sk-omniroute-test", maxRetries: 0 });
  genai = new GoogleGenAI({ apiKey: "sk-omniroute-test", httpOptions: { baseUrl: gw.url } });
});

afterAll(async () => {
  await gw?.stop();
  core?.stop();
  codex?.stop();
  qwenUpstream?.stop();
  qwen?.stop();
  agy?.stop();
  kiroUpstream?.stop();
  kiro?.stop();
});

describe("connect every subscription provider through /api/oauth", () => {
  for (const subject of SUBJECTS) {
    test(subject.id, async () => {
      accounts.set(subject.id, await subject.connect());
    });
  }
});

// Every request its own text: identical bodies in flight together would share one upstream call (coalescing).
let sequence = 0;

type Surface = { name: string; call: (model: string, text: string) => Promise<string> };

const SURFACES: Surface[] = [
  {
    name: "OpenAI Chat (openai chat.completions, non-stream)",
    async call(model, text) {
      const completion = await openai.chat.completions.create({ model, messages: [{ role: "user", content: text }] });
      expect(completion.object).toBe("chat.completion");
      expect(completion.choices[0]!.finish_reason).toBe("stop");
      return completion.choices[0]!.message.content ?? "";
    },
  },
  {
    name: "OpenAI Chat (openai chat.completions, stream)",
    async call(model, text) {
      const stream = await openai.chat.completions.create({ model, stream: true, messages: [{ role: "user", content: text }] });
      let answer = "";
      let finish: string | null = null;
      for await (const chunk of stream) {
        answer += chunk.choices[0]?.delta?.content ?? "";
        finish = chunk.choices[0]?.finish_reason ?? finish;
      }
      expect(finish).toBe("stop");
      return answer;
    },
  },
  {
    name: "OpenAI Responses (openai responses.create)",
    async call(model, text) {
      const response = await openai.responses.create({ model, input: text });
      expect(response.object).toBe("response");
      expect(response.status).toBe("completed");
      return response.output_text;
    },
  },
  {
    name: "Anthropic Messages (@anthropic-ai/sdk messages.create, non-stream)",
    async call(model, text) {
      const message = await anthropic.messages.create({ model, max_tokens: 256, messages: [{ role: "user", content: text }] });
      expect(message.type).toBe("message");
      expect(message.stop_reason).toBe("end_turn");
      return message.content.map((block) => (block.type === "text" ? block.text : "")).join("");
    },
  },
  {
    name: "Anthropic Messages (@anthropic-ai/sdk messages.create, stream)",
    async call(model, text) {
      const stream = await anthropic.messages.create({ model, max_tokens: 256, stream: true, messages: [{ role: "user", content: text }] });
      let answer = "";
      let stop: string | null = null;
      let stopped = false;
      for await (const event of stream) {
        if (event.type === "content_block_delta" && event.delta.type === "text_delta") answer += event.delta.text;
        if (event.type === "message_delta") stop = event.delta.stop_reason;
        if (event.type === "message_stop") stopped = true;
      }
      expect(stop).toBe("end_turn");
      expect(stopped).toBe(true);
      return answer;
    },
  },
  {
    name: "Gemini (@google/genai generateContent on /v1beta)",
    async call(model, text) {
      const result = await genai.models.generateContent({ model, contents: text });
      expect(String(result.candidates?.[0]?.finishReason)).toBe("STOP");
      return result.text ?? "";
    },
  },
];

for (const subject of SUBJECTS) {
  describe(`${subject.id} through every inbound surface`, () => {
    for (const surface of SURFACES) {
      test(surface.name, async () => {
        const id = accounts.get(subject.id);
        expect(id).toBeDefined();
        const text = `surfaces ${subject.id} ${surface.name.split(" (")[0]} request ${++sequence}`;
        const before = subject.requests().length;
        const answer = await surface.call(subject.model, text);
        expect(answer).toMatch(subject.answer);
        const sent = subject.requests().slice(before);
        expect(sent).toHaveLength(1);
        const seen = sent[0]!;
        expect(seen.body).toContain(text);
        subject.check(seen, id!);
      });
    }
  });
}
