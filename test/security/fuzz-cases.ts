/**
 * The fuzzer's case generator: case `i` of seed `s` is a pure function of (s, i), so one failing case can be
 * replayed alone. Every case is built to be refused (a 4xx): if a generated request turns out legitimately
 * valid, the generator is wrong, not the assertion.
 */
import { fixtureBytes } from "../fakes/openai-mock-upstream";

/** mulberry32: small, fast, good enough to pick mutations reproducibly. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class Rng {
  readonly next: () => number;
  constructor(seed: number) {
    this.next = mulberry32(seed);
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  weighted<T>(entries: ReadonlyArray<readonly [number, T]>): T {
    const total = entries.reduce((sum, [weight]) => sum + weight, 0);
    let roll = this.next() * total;
    for (const [weight, value] of entries) {
      roll -= weight;
      if (roll < 0) return value;
    }
    return entries[entries.length - 1]![1];
  }
}

/** Which error shape a response must have: the surface's own. */
export type Surface = "openai" | "anthropic" | "gemini" | "api";

export interface FuzzCase {
  index: number;
  /** Mutation name, for grouping failures. */
  kind: string;
  method: string;
  /** Path and query as sent. */
  target: string;
  headers: Record<string, string>;
  body?: Uint8Array<ArrayBuffer>;
  /** Sent over a raw socket (bytes fetch would refuse or rewrite). */
  raw: boolean;
  surface: Surface;
  /** The gateway itself must refuse it: the upstream's refusal must not be what the client reads. */
  refusedByGateway: boolean;
  /** Text that must not appear in the answer (an evaluated template, a file's content). */
  forbidden: string[];
  /** Headers beyond what Bun itself parses: its own bare 431 (no body) is the answer, before any of our code. */
  bareStatusAllowed: number | null;
  /** A read with a session and hostile query values: any answer but a 3xx/5xx, a leak or a stack trace. */
  allowSuccess: boolean;
}

export interface FuzzContext {
  clientKey: string;
  /** `<alias>/<model>` routed to the one connection. */
  model: string;
  cookie: string;
  maxJsonDepth: number;
  maxArrayLength: number;
  /** settings.limits.maxHeaderBytes when the gateway has that limit. */
  maxHeaderBytes: number | null;
  /** Management routes (enumerated) without the public ones. */
  protectedRoutes: Array<{ method: string; path: string }>;
  /** `METHOD /path` of the routes open without a session. */
  publicRoutes: ReadonlySet<string>;
  /** GET management routes (no streams) and the query parameters they read, for reads with a session. */
  readRoutes: Array<{ path: string; queryKeys: string[] }>;
  /** State-changing management routes with a JSON body schema (as JSON Schema), for calls with a session. */
  bodyRoutes: Array<{ method: string; path: string; schema: JsonSchema | null }>;
}

export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  [key: string]: unknown;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const encoder = new TextEncoder();
/** encodeURIComponent that also takes lone surrogates (as U+FFFD) instead of throwing. */
const encodePart = (text: string) => encodeURIComponent(text.toWellFormed());
const bytes = (text: string) => encoder.encode(text);
const concat = (...parts: Uint8Array[]): Uint8Array<ArrayBuffer> => {
  const out = new Uint8Array(parts.reduce((n, part) => n + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
};

function fixture(path: string): Record<string, Json> {
  return JSON.parse(new TextDecoder().decode(fixtureBytes(path))) as Record<string, Json>;
}

/** Real request bodies of each format, from the shared recordings. */
const FIXTURES = {
  chat: ["openai-chat/text-nonstream", "openai-chat/tool-nonstream.turn1", "openai-chat/tool-nonstream.turn2", "openai-chat/structured-output-nonstream", "openai-chat/tool-stream-raw.turn1"],
  responses: ["openai-responses/text-nonstream", "openai-responses/instructions-nonstream", "openai-responses/tool-nonstream.turn2", "openai-responses/reasoning-tool-nonstream.turn1"],
  anthropic: ["anthropic/system-prompt-nonstream", "anthropic/thinking-nonstream", "anthropic/tool-parallel-nonstream.turn2", "anthropic/text-stream-raw"],
  gemini: ["gemini/tool-nonstream.turn1", "gemini/text-nonstream-b", "gemini/structured-output-nonstream", "gemini/tool-nonstream.turn2"],
} as const;
type FixtureFamily = keyof typeof FIXTURES;
const fixtureCache = new Map<string, Record<string, Json>>();
function baseBody(family: FixtureFamily, rng: Rng): Record<string, Json> {
  const name = rng.pick(FIXTURES[family]);
  let body = fixtureCache.get(name);
  if (!body) {
    body = fixture(`${name}.request.json`);
    fixtureCache.set(name, body);
  }
  return structuredClone(body);
}

// ——— hostile values ———

/** Templates wrapped in markers: an answer holding `qq49qq` evaluated one. */
export const TEMPLATE_PAYLOADS = ["qq{{7*7}}qq", "qq${7*7}qq", "qq<%= 7*7 %>qq", "qq#{7*7}qq", "qq${{7*7}}qq", "qq{{=7*7}}qq", "qq[[${7*7}]]qq"];
export const EVALUATED_TEMPLATE = "qq49qq";
/** What /etc/passwd or win.ini would show if a path ever reached the file system. */
export const FILE_CONTENT_SIGNS = ["root:x:0:0", "[boot loader]", "[fonts]"];

const SQL_INJECTIONS = [
  "' OR 1=1 --",
  '"; DROP TABLE api_keys; --',
  "' OR '1'='1",
  "1; SELECT * FROM connections --",
  "' UNION SELECT api_key, 1 FROM connections --",
  "admin'--",
  "%' OR 1=1 --",
  "'); DELETE FROM settings; --",
];
const TRAVERSALS = ["../../etc/passwd", "gemini/../../v1/files", "%2e%2e%2f%2e%2e%2fetc%2fpasswd", "..%2f..%2f..%2fetc%2fpasswd", "....//....//etc/passwd", "..\\..\\windows\\win.ini", "/etc/passwd", "file:///etc/passwd", "sec/../../../etc/passwd"];
const OTHER_HOSTILE = [
  "<script>alert(1)</script>",
  "http://169.254.169.254/latest/meta-data/iam/security-credentials/",
  "\r\nX-Injected: 1",
  "a\nb",
  "\u0000",
  "\ud800",
  "\udfff\ud800",
  "😀".repeat(50),
  "\u202e\u2066",
  "${jndi:ldap://127.0.0.1:1/a}",
  "__proto__",
  "constructor",
  "A".repeat(20_000),
  "%s%s%s%n",
  "{\"$where\": \"1==1\"}",
];
const HOSTILE_STRINGS = [...SQL_INJECTIONS, ...TEMPLATE_PAYLOADS, ...TRAVERSALS, ...OTHER_HOSTILE];

/** Numbers as raw JSON text (some are not representable: 1e999 parses to Infinity). */
const HOSTILE_NUMBERS = ["-1", "0", "-0", "1e999", "-1e999", "1e308", "9007199254740993", "123456789012345678901234567890", "0.0000001", "-2147483649", "4294967296", "1.5", '"NaN"', '"Infinity"', '"-1"', '"1e999"', "null", "true", '"100"'];

const HOSTILE_KEYS = [...SQL_INJECTIONS, "*", "%", "null", "undefined", "0", "omr_", "sk-" + "A".repeat(48), "A".repeat(5_000), "{{7*7}}", "../../etc/passwd", "omr_😀"];

const NUMBER_FIELDS: Record<FixtureFamily, string[][]> = {
  chat: [["max_tokens"], ["max_completion_tokens"], ["temperature"], ["n"], ["top_p"], ["seed"], ["logprobs"], ["top_logprobs"]],
  responses: [["max_output_tokens"], ["temperature"], ["top_p"], ["max_tool_calls"]],
  anthropic: [["max_tokens"], ["temperature"], ["top_k"], ["thinking", "budget_tokens"]],
  gemini: [["generationConfig", "maxOutputTokens"], ["generationConfig", "temperature"], ["generationConfig", "candidateCount"], ["generationConfig", "thinkingConfig", "thinkingBudget"]],
};

// ——— JSON helpers ———

function allPaths(value: Json, path: string[] = [], out: string[][] = []): string[][] {
  if (path.length > 0) out.push(path);
  if (out.length > 400) return out;
  if (Array.isArray(value)) value.forEach((item, i) => allPaths(item, [...path, String(i)], out));
  else if (value && typeof value === "object") for (const key of Object.keys(value)) allPaths(value[key]!, [...path, key], out);
  return out;
}

function getAt(root: Json, path: string[]): Json | undefined {
  let node: Json | undefined = root;
  for (const key of path) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<string, Json>)[key];
  }
  return node;
}

function setAt(root: Record<string, Json>, path: string[], value: Json): void {
  let node: Json = root;
  for (const key of path.slice(0, -1)) {
    let child: Json | undefined = (node as Record<string, Json>)[key];
    if (child === null || typeof child !== "object") {
      child = {};
      (node as Record<string, Json>)[key] = child;
    }
    node = child;
  }
  (node as Record<string, Json>)[path[path.length - 1]!] = value;
}

const typeOf = (value: Json | undefined) => (value === null ? "null" : Array.isArray(value) ? "array" : typeof value);

/** A value of a JSON type other than `value`'s (or other than every type in `notTypes`). */
function wrongTypeValue(rng: Rng, notTypes: string[]): Json {
  const banned = new Set(notTypes.flatMap((t) => (t === "integer" ? ["number"] : [t])));
  const choices: Array<[string, () => Json]> = [
    ["string", () => rng.pick(["", "x", ...HOSTILE_STRINGS])],
    ["number", () => rng.pick([0, -1, 1.5, 1e308, -1e308, 2 ** 53 + 2])],
    ["boolean", () => rng.chance(0.5)],
    ["null", () => null],
    ["array", () => rng.pick<Json>([[], [1], [[]], ["x", null], [{}]])],
    ["object", () => rng.pick<Json>([{}, { a: 1 }, JSON.parse('{"__proto__":{"pollutedByFuzz":true}}') as Json, { type: "text" }])],
  ];
  const allowed = choices.filter(([type]) => !banned.has(type));
  return rng.pick(allowed)[1]();
}

const nested = (depth: number, open: string, close: string, leaf: string) => open.repeat(depth) + leaf + close.repeat(depth);

/** A value nested `depth` levels deep, as JSON text. */
function deepJson(rng: Rng, depth: number): string {
  return rng.pick([() => nested(depth, "[", "]", "0"), () => nested(depth, '{"a":', "}", "1"), () => nested(depth, '[{"x":', "}]", "null")])();
}

/** The body with the JSON text `valueText` placed at `path` (text splicing, so Infinity and deep values survive). */
function withRawValue(body: Record<string, Json>, path: string[], valueText: string): string {
  const marker = `__fuzz_marker_${path.length}__`;
  const copy = structuredClone(body);
  setAt(copy, path, marker);
  return JSON.stringify(copy).replace(JSON.stringify(marker), () => valueText);
}

// ——— cases ———

type Endpoint =
  | { kind: "generate"; family: FixtureFamily; method: "POST"; path: (rng: Rng, ctx: FuzzContext) => string; surface: Surface; gemini: boolean }
  | { kind: "count"; family: FixtureFamily; method: "POST"; path: (rng: Rng, ctx: FuzzContext) => string; surface: Surface; gemini: boolean }
  | { kind: "list"; method: "GET"; path: (rng: Rng, ctx: FuzzContext) => string; surface: Surface };

const geminiModelSegment = (ctx: FuzzContext, rng: Rng) => (rng.chance(0.5) ? ctx.model : encodePart(ctx.model).replace("%2F", rng.pick(["%2F", "/"])));
const ENDPOINTS: ReadonlyArray<readonly [number, Endpoint]> = [
  [14, { kind: "generate", family: "chat", method: "POST", path: () => "/v1/chat/completions", surface: "openai", gemini: false }],
  [12, { kind: "generate", family: "responses", method: "POST", path: () => "/v1/responses", surface: "openai", gemini: false }],
  [12, { kind: "generate", family: "anthropic", method: "POST", path: (rng) => rng.pick(["/v1/messages", "/v1/messages?beta=true"]), surface: "anthropic", gemini: false }],
  [5, { kind: "count", family: "anthropic", method: "POST", path: () => "/v1/messages/count_tokens", surface: "anthropic", gemini: false }],
  [7, { kind: "generate", family: "gemini", method: "POST", path: (rng, ctx) => `/v1beta/models/${geminiModelSegment(ctx, rng)}:generateContent`, surface: "gemini", gemini: true }],
  [5, { kind: "generate", family: "gemini", method: "POST", path: (rng, ctx) => `/v1beta/models/${geminiModelSegment(ctx, rng)}:streamGenerateContent${rng.chance(0.5) ? "?alt=sse" : ""}`, surface: "gemini", gemini: true }],
  [3, { kind: "generate", family: "gemini", method: "POST", path: (rng, ctx) => `/v1/models/${geminiModelSegment(ctx, rng)}:generateContent`, surface: "gemini", gemini: true }],
  [4, { kind: "count", family: "gemini", method: "POST", path: (rng, ctx) => `/v1beta/models/${geminiModelSegment(ctx, rng)}:countTokens`, surface: "gemini", gemini: true }],
  [3, { kind: "list", method: "GET", path: () => "/v1/models", surface: "openai" }],
  [2, { kind: "list", method: "GET", path: () => "/v1/quota", surface: "openai" }],
  [3, { kind: "list", method: "GET", path: (rng, ctx) => rng.pick(["/v1beta/models", `/v1beta/models/${ctx.model}`]), surface: "gemini" }],
];

/** The error shape a path answers in (mirrors the gateway's own choice in src/server/app.ts). */
export function surfaceOfPath(target: string): Surface {
  const path = target.split("?")[0]!;
  if (path === "/v1/messages" || path.startsWith("/v1/messages/")) return "anthropic";
  if (path.startsWith("/v1beta/") || path === "/v1beta" || (path.startsWith("/v1/models/") && path.includes(":"))) return "gemini";
  if (path === "/v1" || path.startsWith("/v1/")) return "openai";
  // /api and /metrics: the management error shape.
  return "api";
}

/** Bun's own cap on a request's headers (16 KiB): beyond it Bun answers 431 before the app sees anything. */
const BUN_HEADER_LIMIT = 16 * 1024;

/** Request line and headers, about as Bun counts them. */
const headBytes = (draft: Draft) => draft.target.length + 64 + Object.entries(draft.headers).reduce((n, [name, value]) => n + name.length + value.length + 4, 0);

interface Draft {
  allowSuccess?: boolean;
  kind: string;
  method: string;
  target: string;
  headers: Record<string, string>;
  body?: Uint8Array<ArrayBuffer>;
  raw?: boolean;
  refusedByGateway: boolean;
  forbidden?: string[];
}

/** How a client key is sent; the gateway must treat every presentation alike. */
function withKey(rng: Rng, key: string, target: string, headers: Record<string, string>): string {
  const how = rng.weighted([[5, "bearer"], [2, "x-api-key"], [2, "x-goog-api-key"], [1, "query"]] as const);
  if (how === "bearer") headers.authorization = `Bearer ${key}`;
  else if (how === "x-api-key") headers["x-api-key"] = key;
  else if (how === "x-goog-api-key") headers["x-goog-api-key"] = key;
  else return `${target}${target.includes("?") ? "&" : "?"}key=${encodePart(key)}`;
  return target;
}

/** A key that is not this gateway's (or none), in a shape a client might send; returns the target (`?key=`). */
function wrongKey(rng: Rng, ctx: FuzzContext, target: string, headers: Record<string, string>): string {
  const key = rng.pick([...HOSTILE_KEYS, `${ctx.clientKey}x`, ctx.clientKey.slice(0, -1), ctx.clientKey.toUpperCase(), `${ctx.clientKey.slice(0, 8)}${"0".repeat(ctx.clientKey.length - 8)}`]);
  const how = rng.weighted([[3, "bearer"], [2, "x-api-key"], [1, "x-goog-api-key"], [1, "query"], [1, "basic"], [1, "bare"], [1, "none"]] as const);
  const headerSafe = /^[\x20-\x7e]*$/.test(key);
  if (how === "query") return `${target}${target.includes("?") ? "&" : "?"}key=${encodePart(key)}`;
  if (how === "none") return target;
  // fetch carries only printable ASCII in a header value.
  const value = headerSafe ? key : encodePart(key);
  if (how === "bearer") headers.authorization = `Bearer ${value}`;
  else if (how === "basic") headers.authorization = `Basic ${Buffer.from(`${value}:`).toString("base64")}`;
  else if (how === "bare") headers.authorization = value;
  else headers[how] = value;
  return target;
}

function modelField(family: FixtureFamily): string | null {
  return family === "gemini" ? null : "model";
}

/** Required fields whose wrong type the gateway itself must refuse. */
const REQUIRED: Record<FixtureFamily, Record<string, string[]>> = {
  chat: { model: ["string"], messages: ["array"] },
  responses: { model: ["string"], input: ["string", "array"] },
  anthropic: { model: ["string"], messages: ["array"] },
  gemini: { contents: ["array"] },
};

/** One body mutation of a fixture; `hardOnly` keeps to mutations the gateway must refuse itself. */
function mutateBody(rng: Rng, ctx: FuzzContext, endpoint: Extract<Endpoint, { family: FixtureFamily }>, hardOnly: boolean): Omit<Draft, "method" | "target" | "headers"> & { contentType?: string } {
  const body = baseBody(endpoint.family, rng);
  const field = modelField(endpoint.family);
  if (field) body[field] = ctx.model;
  const json = JSON.stringify(body);
  const required = REQUIRED[endpoint.family];
  // Count-tokens endpoints answer an estimate for any well-formed body: only refusals there.
  const mutations: ReadonlyArray<readonly [number, string]> = hardOnly
    ? [[3, "truncated"], [2, "trailing-garbage"], [2, "nul-byte"], [2, "invalid-utf8-structure"], [endpoint.gemini ? 0 : 3, "required-wrong-type"], [3, "deep-nesting"], [2, "long-array"], [1, "empty-body"], [2, "not-an-object"]]
    : [
        [4, "truncated"],
        [3, "trailing-garbage"],
        [2, "bom"],
        [2, "nul-byte"],
        [2, "escaped-nul"],
        [2, "invalid-utf8-in-string"],
        [2, "invalid-utf8-structure"],
        [2, "lone-surrogate"],
        [10, "wrong-type"],
        [3, "required-wrong-type"],
        [5, "hostile-number"],
        [3, "deep-nesting"],
        [2, "long-array"],
        [4, "prototype-pollution"],
        [8, "hostile-string"],
        [endpoint.gemini ? 0 : 6, "hostile-model"],
        [1, "empty-body"],
        [2, "not-an-object"],
        [3, "content-type"],
      ];
  const kind = rng.weighted(mutations.map(([w, k]) => [w, k] as const));
  const stringPaths = () => allPaths(body).filter((path) => typeof getAt(body, path) === "string" && !(path.length === 1 && path[0] === field));
  switch (kind) {
    case "truncated":
      return { kind, body: bytes(json.slice(0, rng.int(0, json.length - 1))), refusedByGateway: true };
    case "trailing-garbage":
      return { kind, body: bytes(json + rng.pick(["x", "}", ",", "]", "{}", "\u0001", "null", "garbage", '{"model":"x"}', "/*c*/"])), refusedByGateway: true };
    case "bom":
      return { kind, body: concat(new Uint8Array([0xef, 0xbb, 0xbf]), bytes(json)), refusedByGateway: false };
    case "nul-byte": {
      const at = rng.int(0, json.length);
      return { kind, body: concat(bytes(json.slice(0, at)), new Uint8Array([0]), bytes(json.slice(at))), refusedByGateway: true };
    }
    case "escaped-nul":
    case "lone-surrogate": {
      const paths = stringPaths();
      if (paths.length === 0) return { kind, body: bytes("{"), refusedByGateway: true };
      const path = rng.pick(paths);
      const escape = kind === "escaped-nul" ? "\\u0000" : rng.pick(["\\ud800", "\\udfff", "\\udfff\\ud800", "\\ud83d"]);
      return { kind, body: bytes(withRawValue(body, path, `"a${escape}b"`)), refusedByGateway: false };
    }
    case "invalid-utf8-in-string": {
      const paths = stringPaths();
      if (paths.length === 0) return { kind, body: bytes("{"), refusedByGateway: true };
      const text = withRawValue(body, rng.pick(paths), '"__bad_bytes__"');
      const [before, after] = text.split("__bad_bytes__") as [string, string];
      const bad = rng.pick([[0xff], [0xc3, 0x28], [0xe2, 0x28, 0xa1], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0x80], [0xc0, 0xaf]]);
      return { kind, body: concat(bytes(before), new Uint8Array(bad), bytes(after)), refusedByGateway: false };
    }
    case "invalid-utf8-structure": {
      // Between tokens only (inside a string the decoder's U+FFFD would make it a valid, odd string).
      const at = rng.pick([0, 1, json.length - 1, json.length]);
      return { kind, body: concat(bytes(json.slice(0, at)), new Uint8Array(rng.pick([[0xff, 0xfe], [0xfe, 0xff], [0xc0], [0xf5, 0x80]])), bytes(json.slice(at))), refusedByGateway: true };
    }
    case "wrong-type": {
      const path = rng.pick(allPaths(body));
      const current = getAt(body, path);
      setAt(body, path, wrongTypeValue(rng, [typeOf(current)]));
      return { kind, body: bytes(JSON.stringify(body)), refusedByGateway: false };
    }
    case "required-wrong-type": {
      const [name, types] = rng.pick(Object.entries(required));
      // Responses `input` may be left out (previous_response_id carries the conversation): only a wrong type is wrong.
      if (rng.chance(0.2) && !(endpoint.family === "responses" && name === "input")) delete body[name];
      else body[name] = wrongTypeValue(rng, types);
      return { kind, body: bytes(JSON.stringify(body)), refusedByGateway: true };
    }
    case "hostile-number": {
      const path = rng.pick(NUMBER_FIELDS[endpoint.family]);
      return { kind, body: bytes(withRawValue(body, path, rng.pick(HOSTILE_NUMBERS))), refusedByGateway: false };
    }
    case "deep-nesting": {
      const depth = rng.weighted([[8, rng.int(ctx.maxJsonDepth + 1, ctx.maxJsonDepth + 64)], [2, rng.int(200, 2_000)], [1, rng.pick([10_000, 100_000])]] as const);
      const paths = allPaths(body);
      const path = rng.chance(0.5) && paths.length > 0 ? rng.pick(paths) : [rng.pick(["metadata", "extra", "messages", "tools", "contents"])];
      return { kind: `${kind}`, body: bytes(withRawValue(body, path, deepJson(rng, depth))), refusedByGateway: true };
    }
    case "long-array": {
      const length = ctx.maxArrayLength + rng.pick([1, 2, 100, 5_000]);
      const item = rng.pick(["0", '""', "{}", "null", '{"role":"user","content":"x"}']);
      const path = [rng.pick(["messages", "contents", "input", "tools", "stop", "metadata"])];
      return { kind, body: bytes(withRawValue(body, path, `[${Array.from({ length }, () => item).join(",")}]`)), refusedByGateway: true };
    }
    case "prototype-pollution": {
      const objects = [[] as string[], ...allPaths(body).filter((path) => typeOf(getAt(body, path)) === "object")];
      const path = rng.pick(objects);
      const payload = rng.pick([
        '"__proto__":{"pollutedByFuzz":true,"isAdmin":true}',
        '"constructor":{"prototype":{"pollutedByFuzz":true}}',
        '"__proto__":{"toString":"x","valueOf":1}',
        '"__proto__":null',
        '"prototype":{"pollutedByFuzz":true}',
      ]);
      const text = path.length === 0 ? json : withRawValue(body, path, JSON.stringify(getAt(body, path)));
      // Splice the key in as the first member of that object.
      const target = path.length === 0 ? 0 : text.indexOf(JSON.stringify(getAt(body, path)));
      const brace = text.indexOf("{", target);
      const spliced = `${text.slice(0, brace + 1)}${payload}${text[brace + 1] === "}" ? "" : ","}${text.slice(brace + 1)}`;
      return { kind, body: bytes(spliced), refusedByGateway: false };
    }
    case "hostile-string": {
      const paths = stringPaths();
      const value = rng.pick(HOSTILE_STRINGS);
      if (paths.length > 0) setAt(body, rng.pick(paths), value);
      else body.extra = value;
      return { kind, body: bytes(JSON.stringify(body)), refusedByGateway: false, forbidden: [EVALUATED_TEMPLATE, ...FILE_CONTENT_SIGNS] };
    }
    case "hostile-model": {
      const hostile = rng.pick([...SQL_INJECTIONS, ...TEMPLATE_PAYLOADS, ...TRAVERSALS, "", " ", "sec/", "/", "sec//x", "combo:*", "*", "sec/*", "provider:openai-compatible", "a\r\nX-Injected: 1", "a\nb", "a\u0000b", "a\u2028b", "😀"]);
      body.model = rng.chance(0.5) ? hostile : `sec/${hostile}`;
      if (body.model === "" || rng.chance(0.1)) body.model = rng.pick(["", "\u0000", "x".repeat(10_000)]);
      return { kind, body: bytes(JSON.stringify(body)), refusedByGateway: false, forbidden: [EVALUATED_TEMPLATE, ...FILE_CONTENT_SIGNS] };
    }
    case "empty-body":
      return { kind, body: rng.chance(0.5) ? undefined : bytes(rng.pick(["", " ", "\n", "\r\n\r\n"])), refusedByGateway: true };
    case "not-an-object":
      return { kind, body: bytes(rng.pick(["[]", "null", "1", '"x"', "true", "[{}]", `[${json}]`, '"{}"', "-0", "1e999"])), refusedByGateway: true };
    case "content-type":
    default: {
      // A body the gateway may accept, sent under a content type no client uses: must end as a 4xx all the same.
      const contentType = rng.pick(["text/plain", "application/xml", "multipart/form-data; boundary=x", "application/x-www-form-urlencoded", "", "application/json; charset=utf-16", "image/png", "*/*", "application/json\u00e9"]);
      setAt(body, rng.pick(allPaths(body)), wrongTypeValue(rng, []));
      return { kind, body: bytes(JSON.stringify(body)), contentType, refusedByGateway: false };
    }
  }
}

const WRONG_METHODS = ["GET", "PUT", "PATCH", "DELETE", "OPTIONS"];

function apiCase(rng: Rng, ctx: FuzzContext, withSession: boolean): Draft {
  const headers: Record<string, string> = {};
  if (withSession) {
    const route = rng.pick(ctx.bodyRoutes);
    headers.cookie = ctx.cookie;
    headers["x-omniroute-request"] = "1";
    const target = route.path
      .replace(/:(\w+)/g, () => encodePart(rng.pick([...SQL_INJECTIONS, "01JNOTAREALID000000000000", "../../etc/passwd", "%00"])))
      .replace(/\*/g, () => encodePart(rng.pick(["no-such-combo", ...SQL_INJECTIONS])));
    const { kind, body, contentType } = invalidManagementBody(rng, ctx, route.schema);
    headers["content-type"] = contentType;
    return { kind: `api-session:${kind}`, method: route.method, target, headers, body, refusedByGateway: true };
  }
  const route = rng.chance(0.8) ? rng.pick(ctx.protectedRoutes) : { method: rng.pick(["GET", "POST", "PATCH", "DELETE", "PUT"]), path: `/api/${rng.pick(["keys", "connections", "settings", "config/export", "auth/password", "nope"])}/:id` };
  let target = route.path
    .replace(/:(\w+)/g, () => encodePart(rng.pick([...SQL_INJECTIONS, ...TRAVERSALS, "1", "x".repeat(300)])))
    .replace(/\*/g, () => encodePart(rng.pick(["coding", ...SQL_INJECTIONS])));
  // Other methods only under /api: elsewhere (/metrics) an unknown method is the dashboard's plain 405.
  let method = rng.chance(0.85) || !route.path.startsWith("/api/") ? route.method : rng.pick(["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);
  // Another method may land on a public route (GET /api/health answers 200 by design).
  if (ctx.publicRoutes.has(`${method} ${route.path}`)) method = "DELETE";
  if (rng.chance(0.7)) headers["x-omniroute-request"] = rng.pick(["1", "1", "1", "0", "true", ""]);
  const cookieKind = rng.weighted([[6, "none"], [3, "forged"], [1, "key"]] as const);
  if (cookieKind === "forged") {
    headers.cookie = `omniroute_session=${rng.pick([...SQL_INJECTIONS.map(encodeURIComponent), "A".repeat(43), "", "x".repeat(300), "%00", encodePart("{{7*7}}")])}`;
  } else if (cookieKind === "key") {
    target = withKey(rng, ctx.clientKey, target, headers);
  }
  let body: Uint8Array<ArrayBuffer> | undefined;
  if (method !== "GET" && method !== "HEAD") {
    headers["content-type"] = "application/json";
    body = bytes(rng.pick(['{"name":"fuzz"}', "{}", '{"includeSecrets":true,"passphrase":"fuzz-fuzz-fuzz"}', '{"__proto__":{"isAdmin":true}}', "{", "[]", nested(ctx.maxJsonDepth + 5, "[", "]", "0")]));
  }
  return { kind: `api-no-session:${cookieKind}`, method, target, headers, body, refusedByGateway: true };
}

/** A body a management route must refuse (400), built against its JSON Schema where known. */
function invalidManagementBody(rng: Rng, ctx: FuzzContext, schema: JsonSchema | null): { kind: string; body: Uint8Array<ArrayBuffer>; contentType: string } {
  const properties = Object.entries(schema?.properties ?? {}).filter(([, prop]) => prop.type !== undefined);
  const kind = rng.weighted([
    [3, "malformed-json"],
    [2, "not-an-object"],
    [properties.length > 0 ? 8 : 0, "wrong-type"],
    [properties.length > 0 ? 2 : 0, "deep-nesting"],
    [properties.length > 0 ? 1 : 0, "long-array"],
    [properties.length > 0 ? 2 : 0, "prototype-pollution"],
    [1, "text-plain"],
  ] as const);
  const wrongTyped = () => {
    const [name, prop] = rng.pick(properties);
    const types = Array.isArray(prop.type) ? prop.type : [prop.type!];
    return { name, value: wrongTypeValue(rng, types), types };
  };
  switch (kind) {
    case "malformed-json":
      return { kind, body: bytes(rng.pick(["{", '{"a":', "{'a':1}", '{"a":1,}', "\u0000{}", "{}x", '{"name":"x"' + "\u0000"])), contentType: "application/json" };
    case "not-an-object":
      return { kind, body: bytes(rng.pick(["[]", "null", "1", '"x"', "true", "[{}]"])), contentType: "application/json" };
    case "deep-nesting": {
      // Deep, and in a property whose type it is not: refused whether or not a depth limit applies here.
      const { name, types } = wrongTyped();
      const deep = types.includes("array") ? nested(ctx.maxJsonDepth + 10, '{"a":', "}", "1") : nested(ctx.maxJsonDepth + 10, "[", "]", "0");
      return { kind, body: bytes(`{${JSON.stringify(name)}:${deep}}`), contentType: "application/json" };
    }
    case "long-array": {
      const { name, types } = wrongTyped();
      const long = `[${Array.from({ length: ctx.maxArrayLength + 1 }, () => "0").join(",")}]`;
      return { kind, body: bytes(types.includes("array") ? `{${JSON.stringify(name)}:{"a":${long}}}` : `{${JSON.stringify(name)}:${long}}`), contentType: "application/json" };
    }
    case "prototype-pollution": {
      const { name, value } = wrongTyped();
      return { kind, body: bytes(`{"__proto__":{"pollutedByFuzz":true,"isAdmin":true},${JSON.stringify(name)}:${JSON.stringify(value)}}`), contentType: "application/json" };
    }
    case "text-plain":
      // Not `name=x`: the framework reads form encoding, which is a valid body for some routes.
      return { kind, body: bytes(rng.pick(["{", "hello", "<a>1</a>", "[1,"])), contentType: rng.pick(["text/plain", "application/x-www-form-urlencoded", "application/xml"]) };
    case "wrong-type":
    default: {
      const { name, value } = wrongTyped();
      return { kind, body: bytes(JSON.stringify({ [name]: value })), contentType: "application/json" };
    }
  }
}

const HOSTILE_QUERY_VALUES = [...SQL_INJECTIONS, ...TEMPLATE_PAYLOADS, ...TRAVERSALS, "-1", "0", "1e999", "NaN", "-0", "99999999999999999999", "__proto__", "constructor", "", "[]", "{}", "x".repeat(5_000), "\u0000", "😀"];

/** A read of a management route with a session and hostile query values and ids. */
function apiReadCase(rng: Rng, ctx: FuzzContext): Draft {
  const route = rng.pick(ctx.readRoutes);
  const path = route.path
    .replace(/:(\w+)/g, () => encodePart(rng.pick([...SQL_INJECTIONS, ...TRAVERSALS, "01JNOTAREALID000000000000", "%00"])))
    .replace(/\*/g, () => encodePart(rng.pick(["no-such-combo", ...SQL_INJECTIONS])));
  const keys = [...route.queryKeys, "limit", "cursor", "q", "from", "to", "__proto__[x]", "constructor[prototype][x]"];
  const params = Array.from({ length: rng.int(1, 4) }, () => `${encodePart(rng.pick(keys))}=${encodePart(rng.pick(HOSTILE_QUERY_VALUES))}`);
  return { kind: "api-session-read", method: "GET", target: `${path}?${params.join("&")}`, headers: { cookie: ctx.cookie }, refusedByGateway: false, allowSuccess: true };
}

function apiSurfaceCase(rng: Rng, ctx: FuzzContext, endpoint: Endpoint): Draft {
  const headers: Record<string, string> = {};
  let target = endpoint.path(rng, ctx);
  // Cases that hold no body mutation: the refusal comes from the key, the method or the path.
  const extras: ReadonlyArray<readonly [number, string]> =
    endpoint.kind === "list"
      ? [[4, "wrong-key"], [3, "wrong-method"], [endpoint.surface === "gemini" ? 4 : 0, "hostile-path-id"], [1, "hostile-query-wrong-key"]]
      : [[10, "body"], [2, "wrong-key"], [1, "wrong-method"], [endpoint.kind === "generate" && "gemini" in endpoint && endpoint.gemini ? 3 : 0, "hostile-path-model"], [2, "header-tricks"], [1, "oversized-header"]];
  const choice = rng.weighted(extras);
  if (choice === "wrong-key" || choice === "hostile-query-wrong-key") {
    if (choice === "hostile-query-wrong-key") target += `?${rng.pick(["alt=sse&", "pageSize=-1&", "__proto__[x]=1&", "pageToken=' OR 1=1 --&", ""])}x=${encodePart(rng.pick(HOSTILE_STRINGS))}`;
    const keyed = wrongKey(rng, ctx, target, headers);
    const body = endpoint.method === "POST" ? bytes(JSON.stringify("family" in endpoint ? { ...baseBody(endpoint.family, rng), model: ctx.model } : {})) : undefined;
    if (body) headers["content-type"] = "application/json";
    return { kind: choice, method: endpoint.method, target: keyed, headers, body, refusedByGateway: true };
  }
  if (choice === "wrong-method") {
    const method = rng.pick(endpoint.method === "POST" ? WRONG_METHODS : ["POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);
    target = withKey(rng, ctx.clientKey, target, headers);
    const body = method === "GET" || method === "OPTIONS" ? undefined : bytes("{}");
    return { kind: `wrong-method:${method}`, method, target, headers, body, refusedByGateway: true };
  }
  if (choice === "hostile-path-id" || choice === "hostile-path-model") {
    const hostile = rng.pick([...SQL_INJECTIONS, ...TEMPLATE_PAYLOADS, ...TRAVERSALS, "%E0%A4%A", "%", "%zz", "%00", "%0d%0aSet-Cookie:%20fuzz=1", "sec%2Fsec-model%0d%0aX-Injected:%201", "a".repeat(5000)]);
    // Keep an already-escaped payload as it is; escape the rest so fetch leaves the path alone.
    const segment = /%[0-9a-z]{0,2}/i.test(hostile) ? hostile.replace(/[ '"<>{}#?\\]/g, encodePart) : encodePart(hostile);
    const prefix = rng.chance(0.5) ? "sec%2F" : rng.chance(0.5) ? "models%2F" : "";
    target = choice === "hostile-path-id" ? `/v1beta/models/${prefix}${segment}` : target.replace(/models\/.*:/, `models/${prefix}${segment}:`);
    target = withKey(rng, ctx.clientKey, target, headers);
    const body = endpoint.method === "POST" ? bytes(JSON.stringify(baseBody("gemini", rng))) : undefined;
    if (body) headers["content-type"] = "application/json";
    return { kind: choice, method: endpoint.method, target, headers, body, refusedByGateway: false, forbidden: [EVALUATED_TEMPLATE, ...FILE_CONTENT_SIGNS] };
  }
  // A body mutation, sometimes dressed with odd headers.
  const mutation = mutateBody(rng, ctx, endpoint as Extract<Endpoint, { family: FixtureFamily }>, endpoint.kind === "count");
  target = withKey(rng, ctx.clientKey, target, headers);
  headers["content-type"] = mutation.contentType ?? "application/json";
  if (mutation.contentType === "") delete headers["content-type"];
  let raw = false;
  let kind = mutation.kind;
  if (choice === "header-tricks") {
    kind += "+header-tricks";
    const trick = rng.pick(["request-id", "crlf", "many-headers", "hop-by-hop", "unicode"] as const);
    if (trick === "request-id") headers["x-request-id"] = rng.pick(["req_' OR 1=1 --", "{{7*7}}", "a".repeat(500), "../../etc/passwd", "<script>", "req_ok-1"]);
    if (trick === "crlf") {
      // fetch refuses CR/LF in a value; on the wire the bytes split into an extra header line.
      headers["x-fuzz"] = "a\r\nX-Injected-By-Fuzz: 1";
      raw = true;
    }
    if (trick === "many-headers") for (let i = 0; i < 150; i++) headers[`x-fuzz-${i}`] = rng.pick(HOSTILE_STRINGS).replace(/[^\x20-\x7e]/g, "?").slice(0, 40);
    if (trick === "hop-by-hop") {
      Object.assign(headers, {
        "proxy-authorization": "Basic eDp5",
        "x-forwarded-host": "evil.example",
        "x-forwarded-for": "' OR 1=1 --",
        "x-real-ip": "169.254.169.254",
        "anthropic-beta": "' OR 1=1 --",
        "anthropic-version": "{{7*7}}",
        "openai-organization": "../../etc/passwd",
        "idempotency-key": "' OR 1=1 --",
      });
    }
    if (trick === "unicode") {
      headers["x-fuzz"] = "\u00e9\u00ff";
      headers["user-agent"] = "{{7*7}} ${7*7}";
    }
  } else if (choice === "oversized-header") {
    kind += "+oversized-header";
    const limit = ctx.maxHeaderBytes ?? 64 * 1024;
    headers["x-fuzz-big"] = "a".repeat(rng.pick([limit + 100, limit * 2, 256 * 1024]));
    return { kind, method: endpoint.method, target, headers, body: mutation.body, raw: true, refusedByGateway: true };
  }
  return { kind, method: endpoint.method, target, headers, body: mutation.body, raw, refusedByGateway: mutation.refusedByGateway, forbidden: mutation.forbidden };
}

/** Case `index` of `seed`. */
export function fuzzCase(seed: number, index: number, ctx: FuzzContext): FuzzCase {
  const rng = new Rng((seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0);
  const group = rng.weighted([
    [68, "surface"],
    [16, "api-no-session"],
    [11, "api-session"],
    [5, "api-session-read"],
  ] as const);
  const draft =
    group === "surface" ? apiSurfaceCase(rng, ctx, rng.weighted(ENDPOINTS)) : group === "api-session-read" ? apiReadCase(rng, ctx) : apiCase(rng, ctx, group === "api-session");
  return {
    index,
    kind: draft.kind,
    method: draft.method,
    target: draft.target,
    headers: draft.headers,
    body: draft.body,
    raw: draft.raw ?? false,
    surface: surfaceOfPath(draft.target),
    refusedByGateway: draft.refusedByGateway,
    forbidden: draft.forbidden ?? [],
    bareStatusAllowed: headBytes(draft) > BUN_HEADER_LIMIT - 256 ? 431 : null,
    allowSuccess: draft.allowSuccess ?? false,
  };
}
