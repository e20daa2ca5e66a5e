import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { FormatRequestError } from "../../../../src/ir/format-adapter";
import { wrapSignature } from "../../../../src/ir/foreign-signature";
import { SYNTHETIC_TOOL_CALL_PREFIX, type IRRequest, type IRToolCallPart, type IRToolResultPart } from "../../../../src/ir/ir-types";
import { budgetForEffort } from "../../../../src/ir/reasoning-budget";
import { geminiAdapter } from "../../../../src/formats/gemini/gemini-adapter";
import { SKIP_THOUGHT_SIGNATURE } from "../../../../src/formats/gemini/gemini-request-encode";
import { FIXTURES } from "../../../fakes/openai-mock-upstream";

type Json = Record<string, unknown>;

const GEMINI = join(FIXTURES, "gemini");
const requestFixtures = readdirSync(GEMINI)
  .filter((f) => f.endsWith(".request.json"))
  .map((f) => [f, JSON.parse(readFileSync(join(GEMINI, f), "utf8")) as Json] as const);

const CLIENT_DIRS = [join(FIXTURES, "clients", "gemini-cli", "0.61.0"), join(FIXTURES, "clients", "sdk-google-genai", "3.1.0")];
const clientFixtures = CLIENT_DIRS.flatMap((dir) =>
  readdirSync(dir)
    .filter((f) => f.endsWith(".json") && !f.endsWith("-index.json"))
    .map((f) => [f, (JSON.parse(readFileSync(join(dir, f), "utf8")) as { body: Json }).body] as const),
);
const allBodies = [...requestFixtures, ...clientFixtures];

function clientBody(nameStart: string): Json {
  const found = clientFixtures.find(([f]) => f.startsWith(nameStart));
  if (!found) throw new Error(`no client fixture ${nameStart}`);
  return found[1];
}

function fixtureBody(name: string): Json {
  const found = requestFixtures.find(([f]) => f === name);
  if (!found) throw new Error(`no fixture ${name}`);
  return found[1];
}

/** A JSON deep copy, so a test can never see its own fixture mutated by the code under test. */
function copy<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

const camel = (key: string) => key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/**
 * What encode(decode(body)) must equal: the body itself, except for the documented normalizations — API keys in
 * camelCase (user data untouched), consecutive same-role contents merged, the ignored systemInstruction.role and
 * null descriptions dropped, an empty generationConfig left out, and the skip signature on an unsigned functionCall
 * that is the first call of its turn.
 */
function expectedRoundTrip(body: Json): Json {
  const out: Json = {};
  for (const [key, value] of Object.entries(copy(body))) out[camel(key)] = value;
  const contents: Array<{ role: string; parts: Json[] }> = [];
  for (const content of out.contents as Array<{ role?: string; parts: Json[] }>) {
    const role = content.role ?? "user";
    const parts = content.parts.map((part) => Object.fromEntries(Object.entries(part).map(([k, v]) => [camel(k), v])));
    let signed = false;
    for (const part of parts) {
      if (!part.functionCall) continue;
      if (part.thoughtSignature) signed = true;
      else if (!signed) part.thoughtSignature = SKIP_THOUGHT_SIGNATURE;
    }
    const last = contents[contents.length - 1];
    if (last && last.role === role) last.parts.push(...parts);
    else contents.push({ role, parts });
  }
  out.contents = contents;
  if (out.systemInstruction) out.systemInstruction = { parts: (out.systemInstruction as { parts: Json[] }).parts };
  if (out.tools) {
    out.tools = (out.tools as Json[]).map((tool) => {
      const t: Json = {};
      for (const [key, value] of Object.entries(tool)) {
        t[camel(key)] =
          camel(key) === "functionDeclarations"
            ? (value as Json[]).map((d) => Object.fromEntries(Object.entries(d).filter(([, v]) => v !== null).map(([k, v]) => [camel(k), v])))
            : value;
      }
      return t;
    });
  }
  if (out.generationConfig && Object.keys(out.generationConfig as Json).length === 0) delete out.generationConfig;
  return out;
}

describe("decodeRequest: every recorded Gemini request and Gemini client body", () => {
  test.each(allBodies)("%s decodes with the model and stream left to the surface", (_name, body) => {
    const ir = geminiAdapter.decodeRequest(copy(body));
    expect(ir.model).toBe("");
    expect(ir.stream).toBe(false);
    const contents = body.contents as unknown[];
    expect(ir.messages.length).toBeGreaterThan(0);
    expect(ir.messages.length).toBeLessThanOrEqual(contents.length);
    for (const message of ir.messages) expect(message.content.length).toBeGreaterThan(0);
  });

  test.each(allBodies)("%s: encode(decode(x)) keeps every content, part, tool, config and signature", (_name, body) => {
    const encoded = geminiAdapter.encodeRequest(geminiAdapter.decodeRequest(copy(body)));
    expect(encoded).toEqual(expectedRoundTrip(body));
  });

  test("the round trip keeps thoughtSignatures byte-exact (Gemini 3 tool turn)", () => {
    const body = fixtureBody("tool-stream-thoughtsig.turn2.request.json");
    const sent = ((body.contents as Json[])[1] as { parts: Json[] }).parts[0]!.thoughtSignature as string;
    const encoded = geminiAdapter.encodeRequest(geminiAdapter.decodeRequest(copy(body)));
    const again = ((encoded.contents as Json[])[1] as { parts: Json[] }).parts[0]!;
    expect(again.thoughtSignature).toBe(sent);
    expect(sent.length).toBeGreaterThan(1000);
  });

  test("Gemini CLI's router call: JSON mode with responseJsonSchema and thinkingLevel", () => {
    const ir = geminiAdapter.decodeRequest(copy(clientBody("print-default-00")));
    expect(ir.temperature).toBe(1);
    expect(ir.topP).toBe(0.95);
    expect(ir.topK).toBe(64);
    expect(ir.responseFormat?.type).toBe("json_schema");
    expect(ir.responseFormat?.type === "json_schema" && ir.responseFormat.schema.required).toEqual(["complexity_reasoning", "complexity_score"]);
    expect(ir.reasoning).toEqual({ enabled: true, includeThoughts: true, effort: "high" });
    expect(ir.system).toHaveLength(1);
    // Two user turns in a row stay two IR messages; the encoder merges them.
    expect(ir.messages.map((m) => m.role)).toEqual(["user", "user"]);
  });

  test("Gemini CLI's tool round trip: ids and the skip signature are carried", () => {
    const ir = geminiAdapter.decodeRequest(copy(clientBody("tool-roundtrip-01")));
    const call = ir.messages[1]!.content[0] as IRToolCallPart;
    const result = ir.messages[2]!.content[0] as IRToolResultPart;
    expect(call).toEqual({
      type: "tool_call",
      id: "list_directory_1795317995291_0",
      name: "list_directory",
      arguments: '{"dir_path":"."}',
      signature: { format: "gemini", value: SKIP_THOUGHT_SIGNATURE },
    });
    expect(result).toEqual({
      type: "tool_result",
      toolCallId: "list_directory_1795317995291_0",
      name: "list_directory",
      content: "Directory /home/dev/work is empty.",
    });
    expect(ir.tools.map((t) => t.name)).toContain("read_file");
    expect(ir.reasoning).toEqual({ enabled: true, includeThoughts: true, budgetTokens: 8192 });
  });

  test("ANY with several allowed names is required (names kept for Gemini); tools with OpenAPI schemas", () => {
    const ir = geminiAdapter.decodeRequest(copy(fixtureBody("tool-nonstream.turn2.request.json")));
    expect(ir.toolChoice).toEqual({ type: "required" });
    expect(ir.tools[1]).toEqual({
      name: "final_result",
      description: "The final response which ends this conversation",
      parameters: { properties: { city: { type: "STRING" }, country: { type: "STRING" } }, required: ["city", "country"], type: "OBJECT" },
    });
    const result = ir.messages[2]!.content[0] as IRToolResultPart;
    expect(result.content).toBe('{"return_value":"Mexico"}');
  });

  test("responseSchema (OpenAPI subset) is the IR schema untouched, and goes back as responseSchema", () => {
    const body = fixtureBody("structured-output-nonstream.request.json");
    const ir = geminiAdapter.decodeRequest(copy(body));
    const schema = (body.generationConfig as Json).responseSchema;
    expect(ir.responseFormat).toEqual({ type: "json_schema", schema: schema as Json });
    const encoded = geminiAdapter.encodeRequest(ir).generationConfig as Json;
    expect(encoded.responseSchema).toEqual(schema);
    expect(encoded.responseJsonSchema).toBeUndefined();
  });

  test("other tool kinds, safetySettings and unknown fields live in extensions and come back", () => {
    const body: Json = {
      contents: [{ role: "user", parts: [{ text: "hi" }] }],
      tools: [{ googleSearch: {} }, { codeExecution: {} }, { functionDeclarations: [{ name: "f", parametersJsonSchema: { type: "object" } }], urlContext: {} }],
      toolConfig: { functionCallingConfig: { mode: "VALIDATED" }, retrievalConfig: { languageCode: "en" } },
      safetySettings: [{ category: "HARM_CATEGORY_HARASSMENT", threshold: "BLOCK_NONE" }],
      cachedContent: "cachedContents/abc",
      labels: { team: "x" },
      generationConfig: { presencePenalty: 0.5, responseModalities: ["TEXT"], candidateCount: 1 },
    };
    const ir = geminiAdapter.decodeRequest(copy(body));
    expect(ir.tools).toEqual([{ name: "f", parameters: { type: "object" } }]);
    expect(ir.toolChoice).toEqual({ type: "auto" });
    expect(ir.extensions?.format).toBe("gemini");
    expect(ir.extensions?.fields.tools).toEqual([{ googleSearch: {} }, { codeExecution: {} }, { urlContext: {} }]);
    const encoded = geminiAdapter.encodeRequest(ir);
    expect(encoded.tools).toEqual([
      { functionDeclarations: [{ name: "f", parametersJsonSchema: { type: "object" } }] },
      { googleSearch: {} },
      { codeExecution: {} },
      { urlContext: {} },
    ]);
    expect(encoded.toolConfig).toEqual({ functionCallingConfig: { mode: "VALIDATED" }, retrievalConfig: { languageCode: "en" } });
    expect(encoded.safetySettings).toEqual(body.safetySettings);
    expect(encoded.cachedContent).toBe("cachedContents/abc");
    expect(encoded.labels).toEqual({ team: "x" });
    expect(encoded.generationConfig).toEqual({ presencePenalty: 0.5, responseModalities: ["TEXT"], candidateCount: 1 });
    // Another format's encoder would see none of it: the extension is tagged with its format.
    expect(JSON.stringify(ir.tools)).not.toContain("googleSearch");
  });
});

describe("decodeRequest: snake_case, parts and validation", () => {
  test("snake_case API keys are read; keys inside args, responses and schemas are never renamed", () => {
    const body: Json = {
      system_instruction: { parts: [{ text: "be brief" }] },
      contents: [
        { role: "user", parts: [{ text: "go" }] },
        { role: "model", parts: [{ function_call: { name: "lookup", args: { some_key: 1 } }, thought_signature: "sig-1" }] },
        { role: "user", parts: [{ function_response: { name: "lookup", response: { snake_result: true } } }] },
        { role: "user", parts: [{ inline_data: { mime_type: "image/png", data: "iVBORw0K" } }, { file_data: { file_uri: "gs://b/doc.pdf", mime_type: "application/pdf" } }] },
      ],
      tools: [{ function_declarations: [{ name: "lookup", description: "d", parameters_json_schema: { type: "object", properties: { my_arg: { type: "string" } } } }] }],
      tool_config: { function_calling_config: { mode: "ANY", allowed_function_names: ["lookup"] } },
      generation_config: {
        max_output_tokens: 100,
        stop_sequences: ["END"],
        top_p: 0.5,
        top_k: 3,
        seed: 7,
        response_mime_type: "application/json",
        response_json_schema: { type: "object", properties: { snake_key: { type: "string" } } },
        thinking_config: { thinking_budget: 1024, include_thoughts: false },
      },
      safety_settings: [],
    };
    const ir = geminiAdapter.decodeRequest(body);
    expect(ir.system).toEqual([{ type: "text", text: "be brief" }]);
    const call = ir.messages[1]!.content[0] as IRToolCallPart;
    expect(call.arguments).toBe('{"some_key":1}');
    expect(call.signature).toEqual({ format: "gemini", value: "sig-1" });
    const result = ir.messages[2]!.content[0] as IRToolResultPart;
    expect(result.content).toBe('{"snake_result":true}');
    expect(result.toolCallId).toBe(call.id);
    expect(ir.messages[3]!.content).toEqual([
      { type: "image", source: { kind: "base64", mediaType: "image/png", data: "iVBORw0K" } },
      { type: "file", source: { kind: "url", url: "gs://b/doc.pdf" }, mediaType: "application/pdf" },
    ]);
    expect(ir.tools[0]!.parameters).toEqual({ type: "object", properties: { my_arg: { type: "string" } } });
    expect(ir.toolChoice).toEqual({ type: "tool", name: "lookup" });
    expect(ir.maxTokens).toBe(100);
    expect(ir.stopSequences).toEqual(["END"]);
    expect([ir.topP, ir.topK, ir.seed]).toEqual([0.5, 3, 7]);
    expect(ir.responseFormat).toEqual({ type: "json_schema", schema: { type: "object", properties: { snake_key: { type: "string" } } } });
    expect(ir.reasoning).toEqual({ enabled: true, budgetTokens: 1024, includeThoughts: false });
    expect(ir.extensions?.fields.safetySettings).toEqual([]);
  });

  test("a countTokens body wrapped in generateContentRequest decodes like the request itself", () => {
    const inner: Json = { model: "models/gemini-2.5-flash", contents: [{ role: "user", parts: [{ text: "count me" }] }], systemInstruction: { parts: [{ text: "s" }] } };
    const ir = geminiAdapter.decodeRequest({ generateContentRequest: copy(inner) });
    expect(ir.messages).toEqual([{ role: "user", content: [{ type: "text", text: "count me" }] }]);
    expect(ir.system).toEqual([{ type: "text", text: "s" }]);
    expect(ir.model).toBe("");
  });

  test("thought parts become thinking, signed parts keep their signature in place", () => {
    const ir = geminiAdapter.decodeRequest({
      contents: [
        { role: "user", parts: [{ text: "q" }] },
        {
          role: "model",
          parts: [
            { text: "pondering", thought: true, thoughtSignature: "t-sig" },
            { text: "answer" },
            { text: "", thoughtSignature: "tail-sig" },
          ],
        },
        { parts: [{ text: "next" }, { text: "" }] },
      ],
    });
    expect(ir.messages[1]!.content).toEqual([
      { type: "thinking", text: "pondering", signature: { format: "gemini", value: "t-sig" } },
      { type: "text", text: "answer" },
      { type: "text", text: "", signature: { format: "gemini", value: "tail-sig" } },
    ]);
    // Missing role = user; an empty unsigned text part carries nothing.
    expect(ir.messages[2]).toEqual({ role: "user", content: [{ type: "text", text: "next" }] });
    const encoded = geminiAdapter.encodeRequest(ir).contents as Json[];
    expect(encoded[1]).toEqual({
      role: "model",
      parts: [{ text: "pondering", thought: true, thoughtSignature: "t-sig" }, { text: "answer" }, { text: "", thoughtSignature: "tail-sig" }],
    });
  });

  test("a wrapped foreign signature reads back as its own format", () => {
    const wrapped = wrapSignature({ format: "anthropic", value: "EqQBCkYIBxgC" });
    const ir = geminiAdapter.decodeRequest({
      contents: [{ role: "model", parts: [{ text: "thinking…", thought: true, thoughtSignature: wrapped }] }],
    });
    expect(ir.messages[0]!.content[0]).toEqual({ type: "thinking", text: "thinking…", signature: { format: "anthropic", value: "EqQBCkYIBxgC" } });
  });

  test("functionResponse: {output: text} is that text; output that looks like JSON stays wrapped", () => {
    const ir = geminiAdapter.decodeRequest({
      contents: [
        { role: "model", parts: [{ functionCall: { name: "a", args: {} } }, { functionCall: { name: "b", args: {} } }] },
        {
          role: "user",
          parts: [
            { functionResponse: { name: "a", response: { output: "plain" } } },
            { functionResponse: { name: "b", response: { output: '{"x":1}' } } },
          ],
        },
      ],
    });
    const [a, b] = ir.messages[1]!.content as IRToolResultPart[];
    expect(a!.content).toBe("plain");
    expect(b!.content).toBe('{"output":"{\\"x\\":1}"}');
    const parts = (geminiAdapter.encodeRequest(ir).contents as Array<{ parts: Json[] }>)[1]!.parts;
    expect(parts).toEqual([
      { functionResponse: { name: "a", response: { output: "plain" } } },
      { functionResponse: { name: "b", response: { output: '{"x":1}' } } },
    ]);
  });

  test("inlineData that is not an image is a file part; multimodal function responses keep their images", () => {
    const ir = geminiAdapter.decodeRequest({
      contents: [
        { role: "user", parts: [{ inlineData: { mimeType: "application/pdf", data: "JVBERi0=" } }] },
        { role: "model", parts: [{ functionCall: { name: "shot", args: {} } }] },
        { role: "user", parts: [{ functionResponse: { name: "shot", response: { ok: true }, parts: [{ inlineData: { mimeType: "image/png", data: "AAA" } }] } }] },
      ],
    });
    expect(ir.messages[0]!.content[0]).toEqual({
      type: "file",
      source: { kind: "base64", mediaType: "application/pdf", data: "JVBERi0=" },
      mediaType: "application/pdf",
    });
    const result = ir.messages[2]!.content[0] as IRToolResultPart;
    expect(result.content).toEqual([
      { type: "text", text: '{"ok":true}' },
      { type: "image", source: { kind: "base64", mediaType: "image/png", data: "AAA" } },
    ]);
  });

  test.each([
    [{}, "contents"],
    [{ contents: "hi" }, "contents"],
    [{ contents: [] }, "contents"],
    [{ contents: [{ role: "assistant", parts: [{ text: "x" }] }] }, "contents.0.role"],
    [{ contents: [{ role: "user" }] }, "contents.0.parts"],
    [{ contents: [{ role: "model", parts: [{ functionCall: { args: {} } }] }] }, "contents.0.parts.0.functionCall.name"],
    [{ contents: [{ role: "user", parts: [{ text: "x" }] }], generationConfig: { candidateCount: 2 } }, "generationConfig.candidateCount"],
    [{ contents: [{ role: "user", parts: [{ text: "x" }] }], generationConfig: { temperature: "hot" } }, "generationConfig.temperature"],
    [{ contents: [{ role: "user", parts: [{ text: "x" }] }], tools: [{ functionDeclarations: [{ description: "no name" }] }] }, "tools.0.functionDeclarations.0.name"],
  ])("rejects %j at %s", (body, param) => {
    let caught: unknown;
    try {
      geminiAdapter.decodeRequest(body as Json);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(FormatRequestError);
    expect((caught as FormatRequestError).param).toBe(param);
  });

  test.each([
    [{ mode: "AUTO" }, { type: "auto" }],
    [{ mode: "NONE" }, { type: "none" }],
    [{ mode: "ANY" }, { type: "required" }],
    [{ mode: "ANY", allowedFunctionNames: ["only"] }, { type: "tool", name: "only" }],
    [{ mode: "VALIDATED" }, { type: "auto" }],
  ])("functionCallingConfig %j → %j, and back", (config, choice) => {
    const body: Json = { contents: [{ role: "user", parts: [{ text: "x" }] }], toolConfig: { functionCallingConfig: config } };
    const ir = geminiAdapter.decodeRequest(copy(body));
    expect(ir.toolChoice).toEqual(choice as IRRequest["toolChoice"]);
    expect(geminiAdapter.encodeRequest(ir).toolConfig).toEqual(body.toolConfig);
  });

  test.each([
    [{ thinkingLevel: "LOW" }, { enabled: true, effort: "low" }],
    [{ thinkingLevel: "minimal", includeThoughts: true }, { enabled: true, effort: "minimal", includeThoughts: true }],
    [{ thinkingBudget: 0 }, { enabled: false, budgetTokens: 0 }],
    [{ thinkingBudget: -1, includeThoughts: true }, { enabled: true, budgetTokens: -1, includeThoughts: true }],
  ])("thinkingConfig %j → %j", (config, reasoning) => {
    const ir = geminiAdapter.decodeRequest({ contents: [{ parts: [{ text: "x" }] }], generationConfig: { thinkingConfig: config } });
    expect(ir.reasoning).toEqual(reasoning as IRRequest["reasoning"]);
  });

  test("responseMimeType application/json without a schema is json_object; text/plain is kept as sent", () => {
    const json = geminiAdapter.decodeRequest({ contents: [{ parts: [{ text: "x" }] }], generationConfig: { responseMimeType: "application/json" } });
    expect(json.responseFormat).toEqual({ type: "json_object" });
    expect(geminiAdapter.encodeRequest(json).generationConfig).toEqual({ responseMimeType: "application/json" });
    const plain = geminiAdapter.decodeRequest({ contents: [{ parts: [{ text: "x" }] }], generationConfig: { responseMimeType: "text/x.enum", responseSchema: { type: "STRING", enum: ["a"] } } });
    expect(plain.responseFormat).toBeUndefined();
    expect(geminiAdapter.encodeRequest(plain).generationConfig).toEqual({ responseMimeType: "text/x.enum", responseSchema: { type: "STRING", enum: ["a"] } });
  });
});

describe("synthesized tool-call ids", () => {
  test("a call without id and its functionResponse share one synthesized id; the encoder leaves it out", () => {
    // Turn 1 as the upstream answered it (no id), then replayed by a Gemini client in turn 2.
    const turn1 = JSON.parse(readFileSync(join(GEMINI, "tool-nonstream.turn1.response.json"), "utf8")) as Json;
    const modelContent = ((turn1.candidates as Json[])[0] as Json).content as Json;
    const body: Json = {
      contents: [
        { role: "user", parts: [{ text: "What is the largest city in the user country?" }] },
        modelContent,
        { role: "user", parts: [{ functionResponse: { name: "get_user_country", response: { return_value: "Mexico" } } }] },
      ],
    };
    const ir = geminiAdapter.decodeRequest(copy(body));
    const call = ir.messages[1]!.content[0] as IRToolCallPart;
    const result = ir.messages[2]!.content[0] as IRToolResultPart;
    expect(call.id.startsWith(`${SYNTHETIC_TOOL_CALL_PREFIX}_`)).toBe(true);
    expect(result.toolCallId).toBe(call.id);
    // Positional ids: the same history decodes to the same ids on the next turn (stable caches upstream).
    expect((geminiAdapter.decodeRequest(copy(body)).messages[1]!.content[0] as IRToolCallPart).id).toBe(call.id);
    const encoded = geminiAdapter.encodeRequest(ir).contents as Array<{ parts: Json[] }>;
    expect(encoded[1]!.parts[0]).toEqual({ functionCall: { name: "get_user_country", args: {} }, thoughtSignature: SKIP_THOUGHT_SIGNATURE });
    expect(encoded[2]!.parts[0]).toEqual({ functionResponse: { name: "get_user_country", response: { return_value: "Mexico" } } });
  });

  test("across two turns, same-name calls are matched to their responses by name and order", () => {
    const ir = geminiAdapter.decodeRequest({
      contents: [
        { role: "user", parts: [{ text: "weather in two cities, then one more" }] },
        { role: "model", parts: [{ functionCall: { name: "weather", args: { city: "A" } } }, { functionCall: { name: "time", args: {} } }, { functionCall: { name: "weather", args: { city: "B" } } }] },
        {
          role: "user",
          parts: [
            { functionResponse: { name: "weather", response: { t: "A" } } },
            { functionResponse: { name: "weather", response: { t: "B" } } },
            { functionResponse: { name: "time", response: { now: 1 } } },
          ],
        },
        { role: "model", parts: [{ functionCall: { name: "weather", args: { city: "C" } } }] },
        { role: "user", parts: [{ functionResponse: { name: "weather", response: { t: "C" } } }] },
      ],
    });
    const calls = ir.messages.flatMap((m) => m.content.filter((p): p is IRToolCallPart => p.type === "tool_call"));
    const results = ir.messages.flatMap((m) => m.content.filter((p): p is IRToolResultPart => p.type === "tool_result"));
    const callFor = (id: string) => calls.find((c) => c.id === id)!;
    expect(new Set(calls.map((c) => c.id)).size).toBe(4);
    expect(results.map((r) => JSON.parse(callFor(r.toolCallId).arguments))).toEqual([{ city: "A" }, { city: "B" }, {}, { city: "C" }]);
    expect(results.map((r) => r.name)).toEqual(["weather", "weather", "time", "weather"]);
  });
});

describe("encodeRequest from other formats' IR", () => {
  const base: IRRequest = { model: "gemini-2.5-flash", system: [], messages: [], tools: [], stream: true };

  test("roles, merging, signatures, tool results and media", () => {
    const ir: IRRequest = {
      ...base,
      system: [{ type: "text", text: "You are terse." }],
      messages: [
        { role: "user", content: [{ type: "text", text: "hi" }] },
        { role: "user", content: [{ type: "image", source: { kind: "url", url: "data:image/png;base64,AAAA" } }] },
        {
          role: "assistant",
          content: [
            { type: "thinking", text: "claude thoughts", signature: { format: "anthropic", value: "ant-sig" } },
            { type: "thinking", text: "unsigned thoughts" },
            { type: "text", text: "Let me check.", signature: { format: "openai-responses", value: "enc", itemId: "rs_1" } },
            { type: "tool_call", id: "toolu_01", name: "read", arguments: '{"path":"a"}' },
            { type: "tool_call", id: `${SYNTHETIC_TOOL_CALL_PREFIX}_x1`, name: "read", arguments: "not json" },
          ],
        },
        {
          role: "user",
          content: [
            { type: "tool_result", toolCallId: "toolu_01", content: '{"bytes":3}' },
            { type: "tool_result", toolCallId: `${SYNTHETIC_TOOL_CALL_PREFIX}_x1`, content: [{ type: "text", text: "line 1" }, { type: "image", source: { kind: "base64", mediaType: "image/jpeg", data: "/9j/" } }], isError: true },
            { type: "text", text: "thanks" },
          ],
        },
        { role: "system", content: [{ type: "text", text: "Mid-conversation rule." }] },
        { role: "user", content: [{ type: "image", source: { kind: "url", url: "https://files.example/x.webp?sig=1" } }] },
      ],
    };
    const body = geminiAdapter.encodeRequest(ir);
    expect(body.model).toBeUndefined();
    expect(body.systemInstruction).toEqual({ parts: [{ text: "You are terse." }, { text: "Mid-conversation rule." }] });
    expect(body.contents).toEqual([
      { role: "user", parts: [{ text: "hi" }, { inlineData: { mimeType: "image/png", data: "AAAA" } }] },
      {
        role: "model",
        parts: [
          { text: "Let me check." },
          { functionCall: { id: "toolu_01", name: "read", args: { path: "a" } }, thoughtSignature: SKIP_THOUGHT_SIGNATURE },
          { functionCall: { name: "read", args: {} }, thoughtSignature: SKIP_THOUGHT_SIGNATURE },
        ],
      },
      {
        role: "user",
        parts: [
          { functionResponse: { id: "toolu_01", name: "read", response: { bytes: 3 } } },
          { functionResponse: { name: "read", response: { output: "line 1" } } },
          { inlineData: { mimeType: "image/jpeg", data: "/9j/" } },
          { text: "thanks" },
          { fileData: { fileUri: "https://files.example/x.webp?sig=1", mimeType: "image/webp" } },
        ],
      },
    ]);
  });

  test("a Gemini-signed first call keeps its signature and its parallel siblings stay unsigned", () => {
    const body = geminiAdapter.encodeRequest({
      ...base,
      messages: [
        {
          role: "assistant",
          content: [
            { type: "tool_call", id: "call_omr_1", name: "a", arguments: "{}", signature: { format: "gemini", value: "g-sig" } },
            { type: "tool_call", id: "call_omr_2", name: "b", arguments: "{}" },
          ],
        },
      ],
    });
    expect((body.contents as Array<{ parts: Json[] }>)[0]!.parts).toEqual([
      { functionCall: { name: "a", args: {} }, thoughtSignature: "g-sig" },
      { functionCall: { name: "b", args: {} } },
    ]);
  });

  test("tools use parametersJsonSchema without $schema; tool choice and sampling map over", () => {
    const body = geminiAdapter.encodeRequest({
      ...base,
      messages: [{ role: "user", content: [{ type: "text", text: "x" }] }],
      tools: [{ name: "f", description: "does f", parameters: { $schema: "http://json-schema.org/draft-07/schema#", type: "object", properties: {} }, strict: true }],
      toolChoice: { type: "tool", name: "f" },
      maxTokens: 512,
      temperature: 0.2,
      stopSequences: ["STOP"],
      responseFormat: { type: "json_schema", name: "out", schema: { $schema: "x", type: "object" }, strict: true },
    });
    expect(body.tools).toEqual([{ functionDeclarations: [{ name: "f", description: "does f", parametersJsonSchema: { type: "object", properties: {} } }] }]);
    expect(body.toolConfig).toEqual({ functionCallingConfig: { mode: "ANY", allowedFunctionNames: ["f"] } });
    expect(body.generationConfig).toEqual({
      maxOutputTokens: 512,
      temperature: 0.2,
      stopSequences: ["STOP"],
      responseMimeType: "application/json",
      responseJsonSchema: { type: "object" },
    });
  });

  test.each([
    [{ enabled: true, budgetTokens: 2000 }, { includeThoughts: true, thinkingBudget: 2000 }],
    [{ enabled: true, effort: "high" }, { includeThoughts: true, thinkingBudget: budgetForEffort("high") }],
    [{ enabled: true, effort: "none" }, { thinkingBudget: 0 }],
    [{ enabled: false }, { thinkingBudget: 0 }],
    [{ enabled: true, adaptive: true }, { includeThoughts: true, thinkingBudget: -1 }],
    [{ enabled: true, includeThoughts: false, effort: "low" }, { includeThoughts: false, thinkingBudget: budgetForEffort("low") }],
    [{ enabled: true }, { includeThoughts: true }],
  ])("reasoning %j → thinkingConfig %j", (reasoning, thinkingConfig) => {
    const body = geminiAdapter.encodeRequest({ ...base, messages: [{ role: "user", content: [{ type: "text", text: "x" }] }], reasoning: reasoning as IRRequest["reasoning"] });
    expect((body.generationConfig as Json).thinkingConfig).toEqual(thinkingConfig);
  });

  test("extensions of another format are ignored", () => {
    const body = geminiAdapter.encodeRequest({
      ...base,
      messages: [{ role: "user", content: [{ type: "text", text: "x" }] }],
      extensions: { format: "anthropic", fields: { context_management: { edits: [] } } },
    });
    expect(body).toEqual({ contents: [{ role: "user", parts: [{ text: "x" }] }] });
  });
});
