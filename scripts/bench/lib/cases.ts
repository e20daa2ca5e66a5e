// The measured cases: what each target (A OmniRoute, B direct, F floor) is sent, and what a good answer looks like.
import type { Key } from "./report";
import type { Target } from "./targets";

/** The answer a request must get: checked once per case and target before anything is measured. */
export type Expect = "openai-json" | "openai-stream" | "anthropic-json" | "anthropic-stream";

export type BenchRequest = {
  path: string;
  body: string;
  /** "authorization" → `Authorization: Bearer <key>`; "x-api-key" → `x-api-key: <key>`. */
  authHeader: "authorization" | "x-api-key";
  headers: Record<string, string>;
  expect: Expect;
  /**
   * When set, the answer's `x-omniroute-route` header must be absent or equal this (e.g. `served=mock/gpt-4o-mini`):
   * a combo request must be served by its first target, not after a failover.
   */
  route?: string;
};

export type BenchCase = {
  id: string;
  /**
   * pass-through: A, B and F get the same OpenAI Chat request. translated: A gets the other format.
   * combo: A is OmniRoute with a combo as the model, B the same OmniRoute with the combo's first target (not the mock).
   * logging: A is OmniRoute with the request log on (the default), B a second OmniRoute with it off; same request.
   */
  kind: "pass-through" | "translated" | "combo" | "logging";
  stream: boolean;
  connections: number;
  requests: Record<Key, BenchRequest>;
};

const HI = [{ role: "user", content: "hi" }];

/** OpenAI Chat request; the pass-through body is byte-identical to the one post.lua sent before cases had bodies. */
function chat(model: string, stream: boolean): BenchRequest {
  return {
    path: "/v1/chat/completions",
    body: JSON.stringify({ model, messages: HI, stream }),
    authHeader: "authorization",
    headers: {},
    expect: stream ? "openai-stream" : "openai-json",
  };
}

/** Anthropic Messages request, sent the way the Anthropic SDK and Claude Code send it (x-api-key, anthropic-version). */
function messages(model: string, stream: boolean): BenchRequest {
  return {
    path: "/v1/messages",
    body: JSON.stringify({ model, max_tokens: 1024, messages: HI, stream }),
    authHeader: "x-api-key",
    headers: { "anthropic-version": "2023-06-01" },
    expect: stream ? "anthropic-stream" : "anthropic-json",
  };
}

const same = (r: BenchRequest): Record<Key, BenchRequest> => ({ A: r, B: r, F: r });

function passThrough(stream: boolean, connections: number): BenchCase {
  const id = `${stream ? "stream" : "non-stream"} c=${connections}`;
  return { id, kind: "pass-through", stream, connections, requests: same(chat("mock/gpt-4o-mini", stream)) };
}

/** Client speaks OpenAI Chat, upstream Anthropic Messages: B and F send the upstream's own request. */
function chatToAnthropic(connections: number): BenchCase {
  const upstream = messages("claude-bench", true);
  return {
    id: `translated chat→anthropic stream c=${connections}`,
    kind: "translated",
    stream: true,
    connections,
    requests: { A: chat("mock-anthropic/claude-bench", true), B: upstream, F: upstream },
  };
}

/** Client speaks Anthropic Messages, upstream OpenAI Chat. */
function anthropicToChat(connections: number): BenchCase {
  const upstream = chat("gpt-4o-mini", true);
  return {
    id: `translated anthropic→chat stream c=${connections}`,
    kind: "translated",
    stream: true,
    connections,
    requests: { A: messages("mock/gpt-4o-mini", true), B: upstream, F: upstream },
  };
}

/** The combo the gateway is given for the combo cases; fill-first, so its first target serves every request. */
export const COMBO = {
  name: "bench-combo",
  strategy: "fill-first",
  // Three targets that all resolve (provisionGateway checks each answers 200 on its own); the first always succeeds.
  targets: [{ model: "mock/gpt-4o-mini" }, { model: "mock-anthropic/claude-bench" }, { model: "mock/gpt-4o" }],
} as const;
const COMBO_FIRST = COMBO.targets[0].model;

/**
 * What routing through a combo costs: A = OmniRoute with `model: "bench-combo"`, B = the same OmniRoute with
 * `model: "mock/gpt-4o-mini"` (the combo's first target), same body otherwise. F is the floor, as usual.
 */
function combo(stream: boolean, connections: number): BenchCase {
  const direct = chat(COMBO_FIRST, stream);
  return {
    id: `combo ${stream ? "stream" : "non-stream"} c=${connections}`,
    kind: "combo",
    stream,
    connections,
    requests: { A: { ...chat(COMBO.name, stream), route: `served=${COMBO_FIRST}` }, B: direct, F: direct },
  };
}

/**
 * What the request log costs: A = OmniRoute as configured everywhere else (request log on), B = a second OmniRoute
 * set up the same way but with `requestLog.enabled: false`, same pass-through request. Non-stream at c=64: the
 * highest request rate, so the per-request share of logging is at its most visible.
 */
function logging(connections: number): BenchCase {
  const request = chat("mock/gpt-4o-mini", false);
  return { id: `logging non-stream c=${connections}`, kind: "logging", stream: false, connections, requests: same(request) };
}

export const CASES: BenchCase[] = [
  passThrough(false, 1),
  passThrough(false, 64),
  passThrough(true, 1),
  passThrough(true, 64),
  chatToAnthropic(1),
  chatToAnthropic(64),
  anthropicToChat(1),
  anthropicToChat(64),
  combo(false, 64),
  combo(true, 64),
  logging(64),
];

export function requestHeaders(r: BenchRequest, key: string): Record<string, string> {
  const auth: [string, string] = r.authHeader === "authorization" ? ["authorization", `Bearer ${key}`] : [r.authHeader, key];
  return { "content-type": "application/json", [auth[0]]: auth[1], ...r.headers };
}

/** What a reply says, whatever its format: the text and the names of the tools called. */
type Gist = { text: string; tools: string[] };

function sseEvents(body: string): { event?: string; data: string }[] {
  return body
    .split(/\r?\n\r?\n/)
    .map((block) => {
      const lines = block.split(/\r?\n/);
      const event = lines.find((l) => l.startsWith("event:"))?.slice(6).trim();
      const data = lines.filter((l) => l.startsWith("data:")).map((l) => l.slice(5).trimStart()).join("\n");
      return { event, data };
    })
    .filter((e) => e.data !== "");
}

/** Parses a reply in the expected format; throws with the reason when it is not one. */
export function gist(expect: Expect, body: string): Gist {
  const g: Gist = { text: "", tools: [] };
  if (expect === "openai-json") {
    const choice = (JSON.parse(body) as { choices?: { message?: { content?: string | null; tool_calls?: { function: { name: string } }[] } }[] }).choices?.[0];
    if (!choice?.message) throw new Error("no choices[0].message");
    g.text = choice.message.content ?? "";
    g.tools = (choice.message.tool_calls ?? []).map((t) => t.function.name);
    return g;
  }
  if (expect === "anthropic-json") {
    const msg = JSON.parse(body) as { type?: string; content?: { type: string; text?: string; name?: string }[] };
    if (msg.type !== "message" || !Array.isArray(msg.content)) throw new Error('not a {"type":"message"} object');
    for (const b of msg.content) {
      if (b.type === "text") g.text += b.text ?? "";
      if (b.type === "tool_use") g.tools.push(b.name ?? "");
    }
    return g;
  }
  const events = sseEvents(body);
  if (events.length < 2) throw new Error("not an SSE stream");
  if (expect === "openai-stream") {
    if (events.at(-1)!.data !== "[DONE]") throw new Error("does not end with data: [DONE]");
    for (const e of events.slice(0, -1)) {
      const chunk = JSON.parse(e.data) as {
        object?: string;
        choices?: { delta?: { content?: string | null; tool_calls?: { function?: { name?: string } }[] } }[];
      };
      if (chunk.object !== "chat.completion.chunk") throw new Error(`a data line is not a chat.completion.chunk: ${e.data.slice(0, 120)}`);
      for (const c of chunk.choices ?? []) {
        g.text += c.delta?.content ?? "";
        for (const t of c.delta?.tool_calls ?? []) if (t.function?.name) g.tools.push(t.function.name);
      }
    }
    return g;
  }
  // anthropic-stream
  const types = events.map((e) => (JSON.parse(e.data) as { type?: string }).type);
  if (types[0] !== "message_start") throw new Error("does not start with message_start");
  if (types.at(-1) !== "message_stop") throw new Error("does not end with message_stop");
  for (const e of events) {
    const ev = JSON.parse(e.data) as { type: string; content_block?: { type: string; name?: string }; delta?: { type?: string; text?: string } };
    if (e.event !== undefined && e.event !== ev.type) throw new Error(`event: ${e.event} carries a ${ev.type}`);
    if (ev.type === "content_block_start" && ev.content_block?.type === "tool_use") g.tools.push(ev.content_block.name ?? "");
    if (ev.type === "content_block_delta" && ev.delta?.type === "text_delta") g.text += ev.delta.text ?? "";
  }
  return g;
}

/**
 * One request per target before a case is measured: 200, a well-formed reply in the expected format,
 * and the same text and tool calls from every target (so A's translation kept the upstream's content); where the
 * request names a `route`, a combo answer served by its first target.
 */
export async function sanityCheckCase(c: BenchCase, targets: Record<Key, Target>, requestFor: (k: Key) => BenchRequest): Promise<void> {
  const seen: Partial<Record<Key, Gist>> = {};
  for (const k of ["B", "F", "A"] as Key[]) {
    const t = targets[k];
    const r = requestFor(k);
    const res = await fetch(t.url + r.path, { method: "POST", headers: requestHeaders(r, t.auth), body: r.body });
    const body = await res.text();
    const fail = (why: string) => new Error(`${c.id}, ${t.name}: POST ${r.path} → ${res.status}, ${why}: ${body.slice(0, 300)}`);
    if (res.status !== 200) throw fail("expected 200");
    const route = res.headers.get("x-omniroute-route");
    if (r.route !== undefined && route !== null && route !== r.route) throw fail(`expected x-omniroute-route absent or "${r.route}", got "${route}"`);
    try {
      seen[k] = gist(r.expect, body);
    } catch (e) {
      throw fail(`expected ${r.expect} (${(e as Error).message})`);
    }
    if (JSON.stringify(seen[k]) !== JSON.stringify(seen.B)) {
      throw fail(`content differs from direct's (${JSON.stringify(seen[k])} vs ${JSON.stringify(seen.B)})`);
    }
  }
}
