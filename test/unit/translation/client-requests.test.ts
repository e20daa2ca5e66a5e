import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { normalizeForUpstream } from "../../../src/formats/translate-document";
import { WIRE_FORMATS } from "../../../src/formats/wire-formats";
import type { IRFormat, IRRequest } from "../../../src/ir/ir-types";
import { FIXTURES } from "../../fakes/openai-mock-upstream";
import { openAPIValidator, type OpenAPIValidator } from "../../support/openapi-validator";
import { asArr, asObj, compareInventories, wireInventory } from "./wire-inventory";
import { wireStructure } from "./wire-structure";

/**
 * Every request real clients sent (fixtures/clients/**), plus every recorded provider request (fixtures/<format>/
 * *.request.json: images, thinking replays, parallel tool results the client captures lack), is decoded by the
 * adapter of the surface it came in on and encoded for each of the four upstream formats. Each encoded body must
 * be one that upstream accepts (OpenAI: the OpenAPI spec; Anthropic/Gemini: wire-structure rules) and must still
 * carry every text, tool definition, tool call, tool result and image of the client's body.
 */

const UPSTREAMS: IRFormat[] = ["openai-chat", "openai-responses", "anthropic", "gemini"];
const SHORT: Record<IRFormat, string> = { "openai-chat": "chat", "openai-responses": "responses", anthropic: "anthropic", gemini: "gemini" };

interface RequestCase {
  label: string;
  format: IRFormat;
  /** Gemini only: the model from the URL path. */
  model?: string;
  body: Record<string, unknown>;
}

/** The surface a request path belongs to (model from the path for Gemini). */
function surfaceOf(path: string): { format: IRFormat; model?: string } | null {
  if (path.endsWith("/v1/chat/completions")) return { format: "openai-chat" };
  if (path.endsWith("/v1/responses")) return { format: "openai-responses" };
  if (path.endsWith("/v1/messages") || path.endsWith("/v1/messages/count_tokens")) return { format: "anthropic" };
  const gemini = /\/models\/(.+):(generateContent|streamGenerateContent|countTokens)$/.exec(path);
  if (gemini) return { format: "gemini", model: decodeURIComponent(gemini[1]!) };
  return null;
}

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...walk(full));
    else out.push(full);
  }
  return out;
}

function clientCases(): RequestCase[] {
  const cases: RequestCase[] = [];
  for (const file of walk(join(FIXTURES, "clients"))) {
    if (!file.endsWith(".json") || file.endsWith("-index.json")) continue;
    const capture = JSON.parse(readFileSync(file, "utf8")) as { method?: string; path?: string; body?: unknown };
    const body = asObj(capture.body);
    if (capture.method !== "POST" || !body || typeof capture.path !== "string") continue;
    const surface = surfaceOf(capture.path);
    if (!surface) throw new Error(`no surface for ${capture.path} (${file})`);
    // countTokens may wrap the generate request (`generateContentRequest`), as the surface unwraps it.
    const inner = surface.format === "gemini" ? asObj(body.generateContentRequest) : null;
    const label = relative(join(FIXTURES, "clients"), file).replace(/\.json$/, "").replace(/-POST-.*$/, "");
    cases.push({ label, ...surface, body: inner ?? body });
  }
  return cases;
}

function recordedCases(): RequestCase[] {
  const cases: RequestCase[] = [];
  for (const dir of UPSTREAMS) {
    for (const name of readdirSync(join(FIXTURES, dir)).sort()) {
      if (!name.endsWith(".request.json")) continue;
      const stem = name.slice(0, -".request.json".length);
      const metaFile = join(FIXTURES, dir, `${stem}.meta.json`);
      const uri = existsSync(metaFile) ? (JSON.parse(readFileSync(metaFile, "utf8")) as { request?: { uri?: string } }).request?.uri : undefined;
      const surface = uri ? surfaceOf(new URL(uri).pathname) : { format: dir };
      if (!surface) throw new Error(`no surface for ${uri} (${dir}/${name})`);
      cases.push({ label: `recorded/${dir}/${stem}`, ...surface, body: JSON.parse(readFileSync(join(FIXTURES, dir, name), "utf8")) });
    }
  }
  return cases;
}

/** Reasoning signatures in a wire body: they may only ever go back to the format that issued them. */
function signaturesIn(format: IRFormat, body: Record<string, unknown>): string[] {
  const out: string[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    const obj = asObj(node);
    if (!obj) return;
    if (format === "anthropic" && obj.type === "thinking" && typeof obj.signature === "string" && obj.signature) out.push(obj.signature);
    if (format === "anthropic" && obj.type === "redacted_thinking" && typeof obj.data === "string") out.push(obj.data);
    if (format === "gemini" && typeof obj.thoughtSignature === "string") out.push(obj.thoughtSignature);
    if (format === "openai-responses" && obj.type === "reasoning" && typeof obj.encrypted_content === "string") out.push(obj.encrypted_content);
    for (const value of Object.values(obj)) visit(value);
  };
  visit(body);
  return [...new Set(out)];
}

let chatValidator: OpenAPIValidator | null = null;
let responsesValidator: OpenAPIValidator | null = null;
function schemaProblems(format: IRFormat, body: unknown): string[] {
  if (format === "openai-chat") return (chatValidator ??= openAPIValidator("CreateChatCompletionRequest")).check(body) ?? [];
  if (format === "openai-responses") {
    // Codex sends `client_metadata`, which the recorded spec does not list yet; the real API takes it.
    return (responsesValidator ??= openAPIValidator("CreateResponse", { allowTopLevel: ["client_metadata"] })).check(body) ?? [];
  }
  return [];
}

function decodeCase(c: RequestCase): IRRequest {
  const ir = WIRE_FORMATS[c.format].adapter.decodeRequest(structuredClone(c.body));
  if (c.model !== undefined) ir.model = c.model;
  return ir;
}

/** Every problem of `c` encoded for `upstream`; empty when the upstream would accept it and nothing was lost. */
function checkCase(c: RequestCase, decoded: IRRequest, upstream: IRFormat): string[] {
  // As the pipeline does: the client format's dialect is normalised before another format encodes it.
  const encoded = WIRE_FORMATS[upstream].adapter.encodeRequest(normalizeForUpstream(structuredClone(decoded), c.format, upstream));
  // What goes on the wire is the JSON text: check that, not the in-memory object.
  const wire = JSON.parse(JSON.stringify(encoded)) as Record<string, unknown>;
  const text = JSON.stringify(wire);
  const problems: string[] = [];
  // A recorded request the provider itself rejected (error-400-*) is invalid input: its schema errors are its own.
  if (!c.label.includes("/error-")) for (const line of schemaProblems(upstream, wire)) problems.push(`schema: ${line}`);
  for (const line of wireStructure(upstream, wire)) problems.push(`structure: ${line}`);
  for (const line of compareInventories(wireInventory(c.format, c.body), wireInventory(upstream, wire), upstream)) problems.push(`lost: ${line}`);
  if (upstream !== c.format) {
    for (const signature of signaturesIn(c.format, c.body)) {
      if (text.includes(JSON.stringify(signature))) problems.push(`signature: a ${c.format} signature (${signature.slice(0, 16)}…) reached ${upstream}`);
    }
  }
  if (text.includes('"omr1.')) problems.push("signature: a wrapped foreign signature reached the upstream");
  return problems;
}

const summary = new Map<string, Partial<Record<IRFormat, string>>>();
function note(label: string, upstream: IRFormat, status: string): void {
  const row = summary.get(label) ?? {};
  row[upstream] = status;
  summary.set(label, row);
}

afterAll(() => {
  if (summary.size === 0) return;
  const width = Math.max(...[...summary.keys()].map((k) => k.length), 10);
  const lines = [`${"request".padEnd(width)}  ${UPSTREAMS.map((u) => SHORT[u].padEnd(10)).join("")}`];
  let ok = 0;
  let total = 0;
  for (const [label, row] of summary) {
    lines.push(`${label.padEnd(width)}  ${UPSTREAMS.map((u) => (row[u] ?? "-").padEnd(10)).join("")}`);
    for (const u of UPSTREAMS) {
      if (row[u] === undefined) continue;
      total++;
      if (row[u] === "ok") ok++;
    }
  }
  lines.push(`${ok}/${total} client request × upstream format combinations ok`);
  console.log(`\n${lines.join("\n")}\n`);
});

const CLIENT_CASES = clientCases();
const RECORDED_CASES = recordedCases();

describe("the fixture sets", () => {
  test("client captures cover every surface and client", () => {
    const formats = new Set(CLIENT_CASES.map((c) => c.format));
    expect([...formats].sort()).toEqual(["anthropic", "gemini", "openai-chat", "openai-responses"]);
    const clients = new Set(CLIENT_CASES.map((c) => c.label.split("/")[0]));
    for (const client of ["claude-code", "codex", "gemini-cli", "opencode", "sdk-anthropic", "sdk-google-genai", "sdk-openai", "sdk-vercel-ai"]) expect(clients.has(client)).toBe(true);
    // 26 count_tokens + the generation calls; GET requests (Codex WebSocket probes, model lists) are skipped.
    expect(CLIENT_CASES.length).toBeGreaterThanOrEqual(60);
    expect(CLIENT_CASES.filter((c) => c.format === "gemini").every((c) => typeof c.model === "string" && c.model.length > 0)).toBe(true);
  });

  test("the checks have something to find: tool calls, results, images and signatures occur", () => {
    const all = [...CLIENT_CASES, ...RECORDED_CASES];
    const inventories = all.map((c) => wireInventory(c.format, c.body));
    expect(inventories.some((inv) => inv.calls.length > 0)).toBe(true);
    expect(inventories.some((inv) => inv.results.length > 0)).toBe(true);
    expect(inventories.some((inv) => inv.images.length > 0)).toBe(true);
    expect(all.some((c) => signaturesIn(c.format, c.body).length > 0)).toBe(true);
    // Gemini calls with client-chosen ids (Gemini CLI, pydantic-ai) occur; they must survive as ids.
    expect(inventories.some((inv, i) => all[i]!.format === "gemini" && inv.calls.some((call) => call.id !== undefined))).toBe(true);
  });
});

for (const [group, cases] of [
  ["client requests", CLIENT_CASES],
  ["recorded provider requests", RECORDED_CASES],
] as const) {
  describe(`${group} → every upstream format`, () => {
    for (const c of cases) {
      let decoded: IRRequest | undefined;
      let decodeError: unknown;
      try {
        decoded = decodeCase(c);
      } catch (error) {
        decodeError = error;
      }
      for (const upstream of UPSTREAMS) {
        test(`${c.label} (${SHORT[c.format]}) → ${SHORT[upstream]}`, () => {
          if (!decoded) {
            note(c.label, upstream, "DECODE✗");
            throw new Error(`decoding the ${c.format} body failed: ${String(decodeError)}`);
          }
          let problems: string[];
          try {
            problems = checkCase(c, decoded, upstream);
          } catch (error) {
            note(c.label, upstream, "THROWS");
            throw error;
          }
          note(c.label, upstream, problems.length === 0 ? "ok" : `FAIL(${problems.length})`);
          expect(problems).toEqual([]);
        });
      }
    }
  });
}

describe("the checks themselves catch losses", () => {
  type ChatMessage = {
    role: string;
    content: unknown;
    tool_calls?: Array<{ id: string; type: string; function: { name: string; arguments: string } }>;
    tool_call_id?: string;
  };
  const chat: { model: string; messages: ChatMessage[]; tools: unknown[] } = {
    model: "m",
    messages: [
      { role: "system", content: "be brief" },
      { role: "user", content: [{ type: "text", text: "look" }, { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=" } }] },
      { role: "assistant", content: null, tool_calls: [{ id: "call_1", type: "function", function: { name: "read", arguments: '{"path":"a"}' } }] },
      { role: "tool", tool_call_id: "call_1", content: "file body" },
    ],
    tools: [{ type: "function", function: { name: "read", parameters: { type: "object" } } }],
  };
  const source = wireInventory("openai-chat", chat);

  test("an intact copy has no losses", () => {
    expect(compareInventories(source, wireInventory("openai-chat", structuredClone(chat)), "openai-chat")).toEqual([]);
  });

  test("a dropped image, tool result, changed argument and missing tool are all reported", () => {
    const broken = structuredClone(chat);
    (broken.messages[1]!.content as unknown[]).pop();
    broken.messages[2]!.tool_calls![0]!.function.arguments = '{"path":"b"}';
    broken.messages.pop();
    broken.tools = [];
    const problems = compareInventories(source, wireInventory("openai-chat", broken), "openai-chat");
    expect(problems.some((p) => p.startsWith("image lost"))).toBe(true);
    expect(problems.some((p) => p.startsWith("tool result lost"))).toBe(true);
    expect(problems.some((p) => p.includes("arguments changed"))).toBe(true);
    expect(problems.some((p) => p.startsWith("tool definition lost: read"))).toBe(true);
  });

  test("structure rules flag what Anthropic and Gemini reject", () => {
    const anthropic = {
      model: "m",
      messages: [
        { role: "user", content: "hi" },
        { role: "assistant", content: [{ type: "thinking", thinking: "x", signature: "" }, { type: "tool_use", id: "toolu_1", name: "", input: {} }] },
        { role: "system", content: "late" },
      ],
    };
    const problems = wireStructure("anthropic", anthropic);
    expect(problems.some((p) => p.startsWith("max_tokens"))).toBe(true);
    expect(problems.some((p) => p.includes("thinking block without signature"))).toBe(true);
    expect(problems.some((p) => p.includes("tool_use without a name"))).toBe(true);
    expect(problems.some((p) => p.includes("has no tool_result"))).toBe(true);
    expect(problems.some((p) => p.includes("only user/assistant"))).toBe(true);

    const gemini = {
      contents: [
        { role: "user", parts: [{ text: "hi" }] },
        { role: "model", parts: [{ functionCall: { name: "read", args: {} } }] },
        { role: "user", parts: [{ functionResponse: { name: "write", response: { output: "x" } } }] },
        { role: "user", parts: [] },
      ],
    };
    const geminiProblems = wireStructure("gemini", gemini);
    expect(geminiProblems.some((p) => p.includes("no thoughtSignature"))).toBe(true);
    expect(geminiProblems.some((p) => p.includes("answers no functionCall"))).toBe(true);
    expect(geminiProblems.some((p) => p.includes("repeats role user"))).toBe(true);
    expect(geminiProblems.some((p) => p.includes("has no parts"))).toBe(true);
  });

  test("a well-formed Anthropic and Gemini tool round trip passes", () => {
    expect(
      wireStructure("anthropic", {
        model: "m",
        max_tokens: 100,
        messages: [
          { role: "user", content: "hi" },
          { role: "assistant", content: [{ type: "tool_use", id: "toolu_1", name: "read", input: {} }] },
          { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_1", content: "ok" }] },
        ],
      }),
    ).toEqual([]);
    expect(
      wireStructure("gemini", {
        contents: [
          { role: "user", parts: [{ text: "hi" }] },
          { role: "model", parts: [{ functionCall: { name: "read", args: {} }, thoughtSignature: "skip_thought_signature_validator" }] },
          { role: "user", parts: [{ functionResponse: { name: "read", response: { output: "x" } } }] },
        ],
      }),
    ).toEqual([]);
  });

  test("every case label names one request (no collisions in the summary)", () => {
    const labels = [...CLIENT_CASES, ...RECORDED_CASES].map((c) => c.label);
    expect(new Set(labels).size).toBe(labels.length);
    expect(asArr(CLIENT_CASES.find((c) => c.format === "gemini")?.body.contents).length).toBeGreaterThan(0);
  });
});
