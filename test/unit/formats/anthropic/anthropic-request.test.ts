import { describe, expect, test } from "bun:test";
import { anthropicAdapter } from "../../../../src/formats/anthropic/anthropic-adapter";
import { FormatRequestError } from "../../../../src/ir/format-adapter";
import type { IRMessage, IRRequest } from "../../../../src/ir/ir-types";
import { REDACTED_THINKING_ITEM } from "../../../../src/ir/ir-types";
import { anthropicClientRequests, anthropicFiles, readAnthropicJson } from "./anthropic-test-fixtures";

type Json = Record<string, unknown>;
type Block = Json & { type: string };

const decode = (body: Json) => anthropicAdapter.decodeRequest(body);
const encode = (request: IRRequest) => anthropicAdapter.encodeRequest(request);

function blocks(content: unknown): Block[] {
  return typeof content === "string" ? [{ type: "text", text: content }] : (content as Block[]);
}

/**
 * A body the way the encoder is allowed to differ from what the client sent: system as blocks with
 * role:"system" messages hoisted into it, string contents as text blocks, stream:false and empty tool
 * lists left out, max_tokens defaulted.
 */
function canonical(body: Json): Json {
  const copy = structuredClone(body);
  const system: Block[] = copy.system === undefined ? [] : blocks(copy.system);
  const messages: Json[] = [];
  for (const message of copy.messages as Json[]) {
    if (message.role === "system") system.push(...blocks(message.content));
    else messages.push({ role: message.role, content: blocks(message.content) });
  }
  copy.messages = messages;
  if (system.length > 0) copy.system = system;
  else delete copy.system;
  if (copy.stream !== true) delete copy.stream;
  if (Array.isArray(copy.tools) && copy.tools.length === 0) delete copy.tools;
  copy.max_tokens ??= 8192;
  return copy;
}

const fixtureRequests = [
  ...anthropicFiles(".request.json").map((name) => ({ name, body: readAnthropicJson(name) })),
  ...anthropicClientRequests().map(({ name, body }) => ({ name, body })),
];

describe("decodeRequest on every recorded Anthropic request", () => {
  test("there are fixtures to test", () => {
    expect(fixtureRequests.length).toBeGreaterThan(40);
    expect(fixtureRequests.some((f) => f.name.startsWith("claude-code/"))).toBe(true);
    expect(fixtureRequests.some((f) => f.name.startsWith("opencode/"))).toBe(true);
    expect(fixtureRequests.some((f) => f.name.startsWith("sdk-anthropic/"))).toBe(true);
  });

  test.each(fixtureRequests.map((f) => [f.name, f.body] as const))("%s keeps messages, tools and system", (_name, body) => {
    const ir = decode(body);
    const wireMessages = body.messages as Json[];
    expect(ir.messages.map((m) => m.role)).toEqual(wireMessages.map((m) => m.role as IRMessage["role"]));
    ir.messages.forEach((message, i) => expect(message.content.length).toBe(blocks(wireMessages[i]!.content).length));
    const wireTools = (body.tools as Json[] | undefined) ?? [];
    expect(ir.tools.map((t) => t.name)).toEqual(wireTools.map((t) => t.name as string));
    expect(ir.system.length).toBe(body.system === undefined ? 0 : blocks(body.system).length);
    expect(ir.model).toBe(body.model as string);
    expect(ir.stream).toBe(body.stream === true);
  });

  test.each(fixtureRequests.map((f) => [f.name, f.body] as const))("%s survives encode(decode(x)) exactly", (name, body) => {
    const encoded = encode(decode(body));
    expect((encoded.messages as Json[]).every((m) => m.role === "user" || m.role === "assistant")).toBe(true);
    const expected = canonical(body);
    if (name.includes("claude-code/2.1.330/tool-roundtrip-01")) {
      // The recorded tool_use turn has no thinking block (a fake upstream wrote it): thinking must go off.
      expect(encoded.thinking).toBeUndefined();
      delete expected.thinking;
    }
    expect(canonical(encoded)).toEqual(expected);
  });
});

describe("decodeRequest details", () => {
  const claudeCode = anthropicClientRequests().find((f) => f.name.includes("claude-code/2.1.330/print-default-00"))!.body;

  test("Claude Code: trailing role:system message, adaptive thinking, effort, user id, extensions", () => {
    const ir = decode(claudeCode);
    expect(ir.messages.at(-1)!.role).toBe("system");
    expect(ir.messages.at(-1)!.content[0]).toMatchObject({ type: "text", cacheControl: { type: "ephemeral" } });
    expect(ir.system).toHaveLength(3);
    expect(ir.system[1]!.cacheControl).toEqual({ type: "ephemeral" });
    expect(ir.reasoning).toEqual({ enabled: true, adaptive: true, effort: "medium", includeThoughts: false });
    expect(ir.user).toBe((claudeCode.metadata as Json).user_id as string);
    expect(ir.maxTokens).toBe(128000);
    expect(ir.extensions?.format).toBe("anthropic");
    expect(ir.extensions?.fields.context_management).toEqual(claudeCode.context_management);
    expect(ir.tools.find((t) => t.name === "DeferredToolPlaceholder")).toBeDefined();
  });

  test("Claude Code's hoisted environment block lands after the leading system blocks, cache_control kept", () => {
    const encoded = encode(decode(claudeCode));
    const system = encoded.system as Block[];
    expect(system).toHaveLength(4);
    expect(system.slice(0, 3)).toEqual(claudeCode.system as Block[]);
    expect(system[3]).toMatchObject({ type: "text", cache_control: { type: "ephemeral" } });
    expect(system[3]!.text).toStartWith("# Environment");
    expect(encoded.thinking).toEqual(claudeCode.thinking);
    expect(encoded.output_config).toEqual({ effort: "medium" });
  });

  test("count_tokens bodies decode without max_tokens", () => {
    const countTokens = anthropicClientRequests().find((f) => f.path.startsWith("/v1/messages/count_tokens"))!.body;
    expect(decode(countTokens).maxTokens).toBeUndefined();
  });

  test("thinking blocks keep their signatures byte-exact; redacted thinking becomes a signed empty part", () => {
    const turn2 = readAnthropicJson("thinking-tool-nonstream.turn2.request.json");
    const original = ((turn2.messages as Json[])[1]!.content as Block[])[0]!;
    const ir = decode(turn2);
    expect(ir.messages[1]!.content[0]).toEqual({
      type: "thinking",
      text: original.thinking as string,
      signature: { format: "anthropic", value: original.signature as string },
    });
    const redacted = decode({
      model: "m",
      messages: [{ role: "assistant", content: [{ type: "redacted_thinking", data: "ENCRYPTED" }, { type: "text", text: "hi" }] }],
    });
    expect(redacted.messages[0]!.content[0]).toEqual({
      type: "thinking",
      text: "",
      signature: { format: "anthropic", itemId: REDACTED_THINKING_ITEM, value: "ENCRYPTED" },
    });
    expect((encode(redacted).messages as Json[])[0]!.content).toEqual([
      { type: "redacted_thinking", data: "ENCRYPTED" },
      { type: "text", text: "hi" },
    ]);
  });

  test("a wrapped foreign signature comes back with its own format", () => {
    const ir = decode({
      model: "m",
      messages: [{ role: "assistant", content: [{ type: "thinking", thinking: "t", signature: "omr1.gemini..c2ln" }] }],
    });
    expect(ir.messages[0]!.content[0]).toMatchObject({ signature: { format: "gemini", value: "c2ln" } });
  });

  test("server tools stay out of the IR and come back in place; custom-tool extras survive", () => {
    const body = {
      model: "m",
      max_tokens: 100,
      messages: [{ role: "user", content: "hi" }],
      tools: [
        { name: "a", input_schema: { type: "object" }, defer_loading: true },
        { type: "web_search_20250305", name: "web_search", max_uses: 3 },
        { name: "b", description: "B", input_schema: { type: "object" }, cache_control: { type: "ephemeral" }, strict: true },
      ],
    };
    const ir = decode(body);
    expect(ir.tools.map((t) => t.name)).toEqual(["a", "b"]);
    expect(ir.tools[1]).toEqual({ name: "b", description: "B", parameters: { type: "object" }, strict: true, cacheControl: { type: "ephemeral" } });
    expect(encode(ir).tools).toEqual(body.tools);
    // Through another format's encoder the server tool is simply absent; here a routed IR without extensions.
    expect(encode({ ...ir, extensions: undefined }).tools).toEqual([body.tools[0]!, body.tools[2]!].map(({ defer_loading: _, ...t }) => t));
  });

  test("tool_result blocks the IR cannot hold (tool_reference) reach an Anthropic upstream intact", () => {
    const content = [
      { type: "text", text: "found" },
      { type: "tool_reference", tool_name: "Bash" },
    ];
    const body = {
      model: "m",
      max_tokens: 100,
      messages: [
        { role: "user", content: [{ type: "text", text: "go" }] },
        { role: "assistant", content: [{ type: "tool_use", id: "toolu_1", name: "ToolSearch", input: { q: "x" }, cache_control: { type: "ephemeral" } }] },
        { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_1", content }] },
      ],
    };
    const ir = decode(body);
    expect(ir.messages[2]!.content[0]).toEqual({ type: "tool_result", toolCallId: "toolu_1", content: [{ type: "text", text: "found" }] });
    expect(encode(ir).messages).toEqual(body.messages);
  });

  test("mid_conv_system blocks split the turn into a system message at that point", () => {
    const ir = decode({
      model: "m",
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "a" },
            { type: "mid_conv_system", content: [{ type: "text", text: "rules" }], cache_control: { type: "ephemeral" } },
            { type: "text", text: "b" },
          ],
        },
      ],
    });
    expect(ir.messages).toEqual([
      { role: "user", content: [{ type: "text", text: "a" }] },
      { role: "system", content: [{ type: "text", text: "rules", cacheControl: { type: "ephemeral" } }] },
      { role: "user", content: [{ type: "text", text: "b" }] },
    ]);
  });

  test("documents: text, base64 and file sources round-trip; image file ids stay images", () => {
    const content = [
      { type: "document", source: { type: "text", media_type: "text/plain", data: "plain é" }, title: "notes.txt" },
      { type: "document", source: { type: "base64", media_type: "application/pdf", data: "JVBERi0=" }, cache_control: { type: "ephemeral" } },
      { type: "document", source: { type: "file", file_id: "file_1" } },
      { type: "image", source: { type: "file", file_id: "file_2" } },
      { type: "image", source: { type: "base64", media_type: "image/png", data: "iVBORw0KGgo=" } },
    ];
    const ir = decode({ model: "m", max_tokens: 10, messages: [{ role: "user", content }] });
    expect(ir.messages[0]!.content[0]).toMatchObject({ type: "file", filename: "notes.txt", mediaType: "text/plain" });
    expect((encode(ir).messages as Json[])[0]!.content).toEqual(content);
  });

  test("tool_choice, stop sequences, sampling, structured output and metadata", () => {
    const ir = decode({
      model: "m",
      max_tokens: 50,
      messages: [{ role: "user", content: "x" }],
      tools: [{ name: "t", input_schema: { type: "object" } }],
      tool_choice: { type: "any", disable_parallel_tool_use: true },
      stop_sequences: ["END"],
      temperature: 0.2,
      top_p: 0.9,
      top_k: 5,
      output_format: { type: "json_schema", schema: { type: "object" } },
      metadata: { user_id: "u1" },
      service_tier: "auto",
      container: "c1",
    });
    expect(ir.toolChoice).toEqual({ type: "required" });
    expect(ir.parallelToolCalls).toBe(false);
    expect(ir.stopSequences).toEqual(["END"]);
    expect([ir.temperature, ir.topP, ir.topK]).toEqual([0.2, 0.9, 5]);
    expect(ir.responseFormat).toEqual({ type: "json_schema", schema: { type: "object" } });
    expect(ir.user).toBe("u1");
    expect(ir.extensions?.fields).toMatchObject({ service_tier: "auto", container: "c1" });
    const encoded = encode(ir);
    // The beta field the client used is the one that goes back.
    expect(encoded.output_format).toEqual({ type: "json_schema", schema: { type: "object" } });
    expect(encoded.output_config).toBeUndefined();
    expect(encoded.tool_choice).toEqual({ type: "any", disable_parallel_tool_use: true });
    expect(encoded).toMatchObject({ service_tier: "auto", container: "c1", metadata: { user_id: "u1" } });
  });

  test.each([
    [{ model: "m", messages: "hi" }, "messages"],
    [{ messages: [] }, "model"],
    [{ model: "m", messages: ["hi"] }, "messages.0"],
    [{ model: "m", messages: [{ role: "tool", content: "x" }] }, "messages.0.role"],
    [{ model: "m", messages: [{ role: "user", content: 5 }] }, "messages.0.content"],
    [{ model: "m", messages: [{ role: "user", content: [{ type: "text", text: "a" }, { text: "b" }] }] }, "messages.0.content.1.type"],
    [{ model: "m", messages: [{ role: "assistant", content: [{ type: "tool_use", name: "x", input: {} }] }] }, "messages.0.content.0.id"],
    [{ model: "m", messages: [{ role: "assistant", content: [{ type: "tool_use", id: "t", input: {} }] }] }, "messages.0.content.0.name"],
    [{ model: "m", messages: [{ role: "user", content: [{ type: "tool_result", content: "x" }] }] }, "messages.0.content.0.tool_use_id"],
    [{ model: "m", messages: [{ role: "user", content: [{ type: "image", source: { type: "ftp" } }] }] }, "messages.0.content.0.source"],
    [{ model: "m", messages: [], tools: {} }, "tools"],
    [{ model: "m", messages: [], tools: [{ input_schema: {} }] }, "tools.0.name"],
    [{ model: "m", messages: [], tool_choice: { type: "tool" } }, "tool_choice.name"],
    [{ model: "m", messages: [], system: 3 }, "system"],
  ])("rejects %j at %s", (body, param) => {
    let caught: unknown;
    try {
      decode(body as Json);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(FormatRequestError);
    expect((caught as FormatRequestError).param).toBe(param);
    expect((caught as FormatRequestError).message).toStartWith(param);
  });
});

function request(overrides: Partial<IRRequest>): IRRequest {
  return { model: "claude-x", system: [], messages: [{ role: "user", content: [{ type: "text", text: "hi" }] }], tools: [], stream: false, ...overrides };
}

const weatherTool = { name: "weather", parameters: { type: "object", properties: { city: { type: "string" } } } };

describe("encodeRequest from a translated IR", () => {
  test("system: leading parts first, later system messages appended; turns merged; empty assistant dropped", () => {
    const body = encode(
      request({
        system: [{ type: "text", text: "A", cacheControl: { type: "ephemeral" } }, { type: "text", text: "B" }],
        messages: [
          { role: "user", content: [{ type: "text", text: "u1" }] },
          { role: "system", content: [{ type: "text", text: "C" }] },
          { role: "user", content: [{ type: "text", text: "u2" }] },
          { role: "assistant", content: [{ type: "text", text: "" }] },
          { role: "user", content: [{ type: "text", text: "u3" }] },
          { role: "assistant", content: [{ type: "text", text: "a1" }] },
        ],
      }),
    );
    expect(body.system).toEqual([
      { type: "text", text: "A", cache_control: { type: "ephemeral" } },
      { type: "text", text: "B" },
      { type: "text", text: "C" },
    ]);
    expect(body.messages).toEqual([
      { role: "user", content: [{ type: "text", text: "u1" }, { type: "text", text: "u2" }, { type: "text", text: "u3" }] },
      { role: "assistant", content: [{ type: "text", text: "a1" }] },
    ]);
    expect(body.max_tokens).toBe(8192);
    expect(body.stream).toBeUndefined();
  });

  test("a single plain system part goes as a string; no system prompt is invented", () => {
    expect(encode(request({ system: [{ type: "text", text: "S" }] })).system).toBe("S");
    expect("system" in encode(request({}))).toBe(false);
  });

  test("tool results: all first in one user message, is_error and cache_control kept, ids made valid", () => {
    const body = encode(
      request({
        tools: [weatherTool],
        messages: [
          { role: "user", content: [{ type: "text", text: "weather?" }] },
          {
            role: "assistant",
            content: [
              { type: "tool_call", id: "functions.weather:0", name: "weather", arguments: '{"city":"Paris"}' },
              { type: "tool_call", id: "call_2", name: "weather", arguments: "{not json" },
            ],
          },
          {
            role: "user",
            content: [
              { type: "text", text: "here you go" },
              { type: "tool_result", toolCallId: "functions.weather:0", content: "sunny", isError: false },
            ],
          },
          { role: "user", content: [{ type: "tool_result", toolCallId: "call_2", content: [{ type: "text", text: "rain" }], isError: true, cacheControl: { type: "ephemeral" } }] },
        ],
      }),
    );
    const messages = body.messages as Json[];
    expect(messages).toHaveLength(3);
    expect(messages[1]!.content).toEqual([
      { type: "tool_use", id: "functions_weather_0", name: "weather", input: { city: "Paris" } },
      { type: "tool_use", id: "call_2", name: "weather", input: {} },
    ]);
    expect(messages[2]!.content).toEqual([
      { type: "tool_result", tool_use_id: "functions_weather_0", content: "sunny", is_error: false },
      { type: "tool_result", tool_use_id: "call_2", content: [{ type: "text", text: "rain" }], is_error: true, cache_control: { type: "ephemeral" } },
      { type: "text", text: "here you go" },
    ]);
    expect(body.tools).toEqual([{ name: "weather", input_schema: weatherTool.parameters }]);
  });

  test("images: URLs stay URLs, data URLs and prefixed base64 become bare base64", () => {
    const body = encode(
      request({
        messages: [
          {
            role: "user",
            content: [
              { type: "image", source: { kind: "url", url: "https://x/y.png" } },
              { type: "image", source: { kind: "url", url: "data:image/png;base64,AAAA" }, cacheControl: { type: "ephemeral" } },
              { type: "image", source: { kind: "base64", mediaType: "image/jpeg", data: "data:image/jpeg;base64,BBBB" } },
              { type: "image", source: { kind: "base64", mediaType: "image/gif", data: "CCCC" } },
            ],
          },
        ],
      }),
    );
    expect((body.messages as Json[])[0]!.content).toEqual([
      { type: "image", source: { type: "url", url: "https://x/y.png" } },
      { type: "image", source: { type: "base64", media_type: "image/png", data: "AAAA" }, cache_control: { type: "ephemeral" } },
      { type: "image", source: { type: "base64", media_type: "image/jpeg", data: "BBBB" } },
      { type: "image", source: { type: "base64", media_type: "image/gif", data: "CCCC" } },
    ]);
  });

  test("signatures: only Anthropic-signed thinking goes up, byte-exact", () => {
    const body = encode(
      request({
        messages: [
          { role: "user", content: [{ type: "text", text: "q" }] },
          {
            role: "assistant",
            content: [
              { type: "thinking", text: "gemini thought", signature: { format: "gemini", value: "g" } },
              { type: "thinking", text: "unsigned" },
              { type: "thinking", text: "mine", signature: { format: "anthropic", value: "sig+/=" } },
              { type: "text", text: "answer", signature: { format: "gemini", value: "g2" } },
            ],
          },
          { role: "user", content: [{ type: "text", text: "more" }] },
        ],
      }),
    );
    expect((body.messages as Json[])[1]!.content).toEqual([
      { type: "thinking", thinking: "mine", signature: "sig+/=" },
      { type: "text", text: "answer" },
    ]);
  });

  test("effort only → enabled with the shared budget; max_tokens raised past it; temperature and top_k dropped", () => {
    const body = encode(request({ reasoning: { enabled: true, effort: "high" }, temperature: 0.5, topK: 3, topP: 0.5 }));
    expect(body.thinking).toEqual({ type: "enabled", budget_tokens: 24576 });
    expect(body.max_tokens).toBe(24576 + 4096);
    expect(body.temperature).toBeUndefined();
    expect(body.top_k).toBeUndefined();
    expect(body.top_p).toBeUndefined();
  });

  test("budgets: explicit kept, tiny ones raised to 1024, max_tokens kept when already larger", () => {
    expect(encode(request({ reasoning: { enabled: true, budgetTokens: 2000 }, maxTokens: 10000 }))).toMatchObject({
      thinking: { type: "enabled", budget_tokens: 2000 },
      max_tokens: 10000,
    });
    expect(encode(request({ reasoning: { enabled: true, budgetTokens: 100 } })).thinking).toEqual({ type: "enabled", budget_tokens: 1024 });
    expect(encode(request({ reasoning: { enabled: true, budgetTokens: -1 } })).thinking).toEqual({ type: "enabled", budget_tokens: 12288 });
  });

  test("adaptive → {type:adaptive} + output_config.effort; off → no thinking and sampling kept", () => {
    expect(encode(request({ reasoning: { enabled: true, adaptive: true, effort: "minimal" } }))).toMatchObject({
      thinking: { type: "adaptive" },
      output_config: { effort: "low" },
    });
    expect(encode(request({ reasoning: { enabled: true, adaptive: true, effort: "max" } })).output_config).toEqual({ effort: "max" });
    const off = encode(request({ reasoning: { enabled: false }, temperature: 1.7 }));
    expect(off.thinking).toBeUndefined();
    expect(off.temperature).toBe(1);
  });

  test("structured output → output_config.format; JSON mode has no Anthropic form", () => {
    const schema = { type: "object", properties: { a: { type: "number" } }, required: ["a"], additionalProperties: false };
    expect(encode(request({ responseFormat: { type: "json_schema", name: "x", schema, strict: true } })).output_config).toEqual({
      format: { type: "json_schema", schema },
    });
    expect(encode(request({ responseFormat: { type: "json_object" } })).output_config).toBeUndefined();
  });

  test("tool choice and parallel calls; no tool_choice without tools", () => {
    expect(encode(request({ tools: [weatherTool], toolChoice: { type: "tool", name: "weather" } })).tool_choice).toEqual({ type: "tool", name: "weather" });
    expect(encode(request({ tools: [weatherTool], parallelToolCalls: false })).tool_choice).toEqual({ type: "auto", disable_parallel_tool_use: true });
    expect(encode(request({ tools: [weatherTool], toolChoice: { type: "none" } })).tool_choice).toEqual({ type: "none" });
    expect(encode(request({ toolChoice: { type: "required" } })).tool_choice).toBeUndefined();
  });

  test("another format's extensions are ignored; the user id goes to metadata", () => {
    const body = encode(request({ user: "u9", extensions: { format: "openai-responses", fields: { prompt_cache_key: "k", store: false } } }));
    expect(body.prompt_cache_key).toBeUndefined();
    expect(body.store).toBeUndefined();
    expect(body.metadata).toEqual({ user_id: "u9" });
  });
});

describe("thinking goes off when the current tool loop lacks Anthropic thinking", () => {
  const toolTurn = (withThinking: "anthropic" | "gemini" | "none"): IRMessage => ({
    role: "assistant",
    content: [
      ...(withThinking === "none" ? [] : [{ type: "thinking" as const, text: "t", signature: { format: withThinking, value: "s" } }]),
      { type: "tool_call", id: "call_1", name: "weather", arguments: "{}" },
    ],
  });
  const result = { role: "user" as const, content: [{ type: "tool_result" as const, toolCallId: "call_1", content: "ok" }] };
  const ask = (text: string): IRMessage => ({ role: "user", content: [{ type: "text", text }] });
  const thinkingRequest = (messages: IRMessage[]) =>
    request({ tools: [weatherTool], reasoning: { enabled: true, effort: "medium" }, temperature: 0.3, messages });

  test("history from another provider (tool_use without thinking) → no thinking, temperature kept", () => {
    const body = encode(thinkingRequest([ask("q"), toolTurn("none"), result]));
    expect(body.thinking).toBeUndefined();
    expect(body.temperature).toBe(0.3);
  });

  test("foreign-signed thinking is dropped, so the turn lacks thinking too", () => {
    expect(encode(thinkingRequest([ask("q"), toolTurn("gemini"), result])).thinking).toBeUndefined();
  });

  test("an Anthropic-signed thinking block first keeps thinking on", () => {
    const body = encode(thinkingRequest([ask("q"), toolTurn("anthropic"), result]));
    expect(body.thinking).toEqual({ type: "enabled", budget_tokens: 12288 });
    expect(body.temperature).toBeUndefined();
  });

  test("a finished loop before the latest user text does not matter", () => {
    expect(encode(thinkingRequest([ask("q"), toolTurn("none"), result, { role: "assistant", content: [{ type: "text", text: "done" }] }, ask("next")])).thinking).toBeDefined();
  });

  test("a forced tool choice turns thinking off", () => {
    expect(encode({ ...thinkingRequest([ask("q")]), toolChoice: { type: "required" } }).thinking).toBeUndefined();
  });

  test("the same rule applies to a client's own thinking config (adaptive, from Claude Code)", () => {
    const ir = decode({
      model: "m",
      max_tokens: 1000,
      thinking: { type: "adaptive" },
      output_config: { effort: "high" },
      tools: [{ name: "weather", input_schema: { type: "object" } }],
      messages: [
        { role: "user", content: "q" },
        { role: "assistant", content: [{ type: "tool_use", id: "toolu_1", name: "weather", input: {} }] },
        { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_1", content: "ok" }] },
      ],
    });
    const body = encode(ir);
    expect(body.thinking).toBeUndefined();
    expect(body.output_config).toEqual({ effort: "high" });
  });
});
