import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { decodeChatRequest } from "../../../../src/formats/openai-chat/openai-chat-request-decode";
import { FormatRequestError } from "../../../../src/ir/format-adapter";
import { FIXTURES } from "../../../fakes/openai-mock-upstream";

type Body = Record<string, unknown>;
type WireMessage = { role: string; content?: unknown; tool_calls?: Array<{ id: string; function: { name: string; arguments: string } }> };

function chatFixture(name: string): Body {
  return JSON.parse(readFileSync(join(FIXTURES, "openai-chat", name), "utf8"));
}

/** Every Chat request the fixture set holds: recorded upstream requests plus the captured client requests. */
function chatRequestFixtures(): Array<[string, Body]> {
  const out: Array<[string, Body]> = [];
  for (const name of readdirSync(join(FIXTURES, "openai-chat")).sort()) {
    if (name.endsWith(".request.json")) out.push([`openai-chat/${name}`, chatFixture(name)]);
  }
  for (const client of ["opencode", "sdk-openai", "sdk-vercel-ai"]) {
    const clientDir = join(FIXTURES, "clients", client);
    for (const version of readdirSync(clientDir)) {
      for (const name of readdirSync(join(clientDir, version)).sort()) {
        if (!name.includes("POST-v1_chat_completions")) continue;
        const capture = JSON.parse(readFileSync(join(clientDir, version, name), "utf8"));
        out.push([`clients/${client}/${name}`, capture.body]);
      }
    }
  }
  return out;
}

function catchError(fn: () => unknown): FormatRequestError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(FormatRequestError);
    return error as FormatRequestError;
  }
  throw new Error("expected a FormatRequestError");
}

const base = { model: "m", messages: [{ role: "user", content: "hi" }] };

describe("decodeChatRequest on every recorded Chat request", () => {
  const fixtures = chatRequestFixtures();

  test("the fixture set is the expected one (openai-chat + opencode + sdk-openai + sdk-vercel-ai)", () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(19);
    expect(fixtures.some(([name]) => name.startsWith("clients/opencode"))).toBe(true);
    expect(fixtures.some(([name]) => name.startsWith("clients/sdk-openai"))).toBe(true);
    expect(fixtures.some(([name]) => name.startsWith("clients/sdk-vercel-ai"))).toBe(true);
  });

  for (const [name, body] of fixtures) {
    test(name, () => {
      const ir = decodeChatRequest(body);
      const messages = body.messages as WireMessage[];
      expect(ir.model).toBe(body.model as string);
      expect(ir.stream).toBe(body.stream === true);

      // Leading system/developer messages → IR.system; consecutive tool messages → one user message.
      let leading = 0;
      while (leading < messages.length && (messages[leading]!.role === "system" || messages[leading]!.role === "developer")) leading++;
      expect(ir.system.map((p) => p.text)).toEqual(messages.slice(0, leading).map((m) => m.content as string));
      let expectedCount = 0;
      for (let i = leading; i < messages.length; i++) {
        if (messages[i]!.role === "tool" && messages[i - 1]?.role === "tool") continue;
        expectedCount++;
      }
      expect(ir.messages.length).toBe(expectedCount);

      const wireCalls = messages.flatMap((m) => m.tool_calls ?? []);
      const irCalls = ir.messages.flatMap((m) => m.content.filter((p) => p.type === "tool_call"));
      expect(irCalls).toEqual(wireCalls.map((c) => ({ type: "tool_call", id: c.id, name: c.function.name, arguments: c.function.arguments })));
      const wireResults = messages.filter((m) => m.role === "tool");
      const irResults = ir.messages.flatMap((m) => m.content.filter((p) => p.type === "tool_result"));
      expect(irResults.length).toBe(wireResults.length);

      const tools = (body.tools as Array<{ function: { name: string } }> | undefined) ?? [];
      expect(ir.tools.map((t) => t.name)).toEqual(tools.map((t) => t.function.name));
      const maxTokens = (body.max_completion_tokens ?? body.max_tokens) as number | undefined;
      expect(ir.maxTokens).toBe(maxTokens);
    });
  }
});

describe("decodeChatRequest mapping", () => {
  test("text request: system message → IR.system; n:1 is accepted and not kept as an extension", () => {
    const ir = decodeChatRequest(chatFixture("text-nonstream.request.json"));
    expect(ir).toEqual({
      model: "gpt-4o",
      system: [{ type: "text", text: "You are a helpful assistant." }],
      messages: [{ role: "user", content: [{ type: "text", text: "What is the capital of France?" }] }],
      tools: [],
      stream: false,
    });
  });

  test("developer is a system role", () => {
    const ir = decodeChatRequest(chatFixture("error-400-unsupported-value.request.json"));
    expect(ir.system).toEqual([{ type: "text", text: "You are a helpful assistant." }]);
  });

  test("tool round trip: assistant tool_calls, tool result, tools and tool_choice", () => {
    const ir = decodeChatRequest(chatFixture("tool-nonstream.turn2.request.json"));
    expect(ir.messages[1]).toEqual({
      role: "assistant",
      content: [{ type: "tool_call", id: "call_iXFttys57ap0o16JSlC8yhYo", name: "get_user_country", arguments: "{}" }],
    });
    expect(ir.messages[2]).toEqual({
      role: "user",
      content: [{ type: "tool_result", toolCallId: "call_iXFttys57ap0o16JSlC8yhYo", content: "Mexico" }],
    });
    expect(ir.toolChoice).toEqual({ type: "required" });
    expect(ir.tools[1]).toEqual({
      name: "final_result",
      description: "The final response which ends this conversation",
      parameters: {
        properties: { city: { type: "string" }, country: { type: "string" } },
        required: ["city", "country"],
        type: "object",
      },
    });
  });

  test("strict tools, stream_options kept as an extension", () => {
    const ir = decodeChatRequest(chatFixture("tool-stream-usage.turn1.request.json"));
    expect(ir.tools[0]!.strict).toBe(true);
    expect(ir.stream).toBe(true);
    expect(ir.extensions).toEqual({ format: "openai-chat", fields: { stream_options: { include_usage: true } } });
  });

  test("structured output: response_format json_schema", () => {
    const ir = decodeChatRequest(chatFixture("structured-output-nonstream.request.json"));
    expect(ir.responseFormat).toEqual({
      type: "json_schema",
      name: "result",
      strict: false,
      schema: {
        properties: { city: { type: "string" }, country: { type: "string" } },
        required: ["city", "country"],
        type: "object",
      },
    });
    expect(decodeChatRequest({ ...base, response_format: { type: "json_object" } }).responseFormat).toEqual({ type: "json_object" });
    expect(decodeChatRequest({ ...base, response_format: { type: "text" } }).responseFormat).toEqual({ type: "text" });
    expect(
      decodeChatRequest({ ...base, response_format: { type: "json_schema", json_schema: { name: "x", description: "d", schema: { type: "object" } } } })
        .responseFormat,
    ).toEqual({ type: "json_schema", name: "x", description: "d", schema: { type: "object" } });
  });

  test("reasoning_effort → reasoning; <think> in assistant history stays text", () => {
    const ir = decodeChatRequest(chatFixture("reasoning-nonstream.request.json"));
    expect(ir.reasoning).toEqual({ enabled: true, effort: "high", includeThoughts: true });
    const assistant = ir.messages[1]!;
    expect(assistant.content.length).toBe(1);
    expect(assistant.content[0]!.type).toBe("text");
    expect(decodeChatRequest({ ...base, reasoning_effort: "none" }).reasoning).toEqual({ enabled: false, effort: "none", includeThoughts: true });
    expect(decodeChatRequest({ ...base, reasoning_effort: "minimal" }).reasoning?.effort).toBe("minimal");
  });

  test("unknown top-level fields and unknown part fields: fields kept as extensions, part extras dropped", () => {
    const ir = decodeChatRequest(chatFixture("usage-prompt-cache-nonstream.request.json"));
    expect(ir.extensions).toEqual({
      format: "openai-chat",
      fields: { prompt_cache_key: "pydantic-ai-prompt-cache-e2e-chat", prompt_cache_options: { mode: "explicit", ttl: "30m" } },
    });
    expect(ir.messages[0]!.content.map((p) => p.type)).toEqual(["text", "text"]);
    const extras = decodeChatRequest({
      ...base,
      logit_bias: { "50256": -100 },
      logprobs: true,
      top_logprobs: 2,
      metadata: { a: "b" },
      store: false,
      prediction: { type: "content", content: "x" },
      modalities: ["text"],
      service_tier: "flex",
      frequency_penalty: 0.5,
    });
    expect(Object.keys(extras.extensions!.fields).sort()).toEqual(
      ["frequency_penalty", "logit_bias", "logprobs", "metadata", "modalities", "prediction", "service_tier", "store", "top_logprobs"].sort(),
    );
  });

  test("opencode: max_tokens, empty assistant content with tool_calls, tool result", () => {
    const capture = JSON.parse(
      readFileSync(join(FIXTURES, "clients/opencode/1.18.33/tool-roundtrip-openai-compatible-02-POST-v1_chat_completions.json"), "utf8"),
    );
    const ir = decodeChatRequest(capture.body);
    expect(ir.maxTokens).toBe(32000);
    expect(ir.toolChoice).toEqual({ type: "auto" });
    expect(ir.messages[1]).toEqual({
      role: "assistant",
      content: [{ type: "tool_call", id: "call_mwr9zj3wdcerj585", name: "read", arguments: '{"filePath":"/home/dev/work/hello.txt"}' }],
    });
    expect(ir.messages[2]).toEqual({
      role: "user",
      content: [{ type: "tool_result", toolCallId: "call_mwr9zj3wdcerj585", content: "File not found: /home/dev/work/hello.txt" }],
    });
  });

  test("sampling fields, max_completion_tokens over max_tokens, stop string or array, user, parallel_tool_calls", () => {
    const ir = decodeChatRequest({
      ...base,
      max_tokens: 10,
      max_completion_tokens: 20,
      temperature: 0.3,
      top_p: 0.9,
      seed: 7,
      stop: "END",
      user: "u-1",
      parallel_tool_calls: false,
      tools: [{ type: "function", function: { name: "f" } }],
    });
    expect(ir.maxTokens).toBe(20);
    expect(ir.temperature).toBe(0.3);
    expect(ir.topP).toBe(0.9);
    expect(ir.seed).toBe(7);
    expect(ir.stopSequences).toEqual(["END"]);
    expect(ir.user).toBe("u-1");
    expect(ir.parallelToolCalls).toBe(false);
    expect(ir.tools).toEqual([{ name: "f", parameters: { type: "object", properties: {} } }]);
    expect(decodeChatRequest({ ...base, stop: ["a", "b"] }).stopSequences).toEqual(["a", "b"]);
    expect(decodeChatRequest({ ...base, max_tokens: 5, max_completion_tokens: null }).maxTokens).toBe(5);
  });

  test("tool_choice forms", () => {
    const tools = [{ type: "function", function: { name: "f" } }];
    expect(decodeChatRequest({ ...base, tools, tool_choice: "none" }).toolChoice).toEqual({ type: "none" });
    expect(decodeChatRequest({ ...base, tools, tool_choice: { type: "function", function: { name: "f" } } }).toolChoice).toEqual({
      type: "tool",
      name: "f",
    });
  });

  test("content parts: text, http image with detail, data URL image, file data, file id; cache_control carried", () => {
    const ir = decodeChatRequest({
      model: "m",
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "look", cache_control: { type: "ephemeral" } },
            { type: "image_url", image_url: { url: "https://example.com/a.png", detail: "low" } },
            { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0K" } },
            { type: "file", file: { file_data: "data:application/pdf;base64,JVBERi0x", filename: "a.pdf" } },
            { type: "file", file: { file_id: "file-abc" } },
          ],
        },
      ],
    });
    expect(ir.messages[0]!.content).toEqual([
      { type: "text", text: "look", cacheControl: { type: "ephemeral" } },
      { type: "image", source: { kind: "url", url: "https://example.com/a.png" }, detail: "low" },
      { type: "image", source: { kind: "base64", mediaType: "image/png", data: "iVBORw0K" } },
      { type: "file", source: { kind: "base64", mediaType: "application/pdf", data: "JVBERi0x" }, mediaType: "application/pdf", filename: "a.pdf" },
      { type: "file", source: { kind: "file-id", fileId: "file-abc" } },
    ]);
  });

  test("consecutive tool messages become one user message of tool_result parts (string or text parts)", () => {
    const ir = decodeChatRequest({
      model: "m",
      messages: [
        { role: "user", content: "go" },
        {
          role: "assistant",
          content: null,
          tool_calls: [
            { id: "a", type: "function", function: { name: "f", arguments: "" } },
            { id: "b", type: "function", function: { name: "g", arguments: '{"x":1}' } },
          ],
        },
        { role: "tool", tool_call_id: "a", content: "one" },
        { role: "tool", tool_call_id: "b", content: [{ type: "text", text: "two" }] },
        { role: "user", content: "thanks" },
      ],
    });
    expect(ir.messages).toEqual([
      { role: "user", content: [{ type: "text", text: "go" }] },
      {
        role: "assistant",
        content: [
          { type: "tool_call", id: "a", name: "f", arguments: "{}" },
          { type: "tool_call", id: "b", name: "g", arguments: '{"x":1}' },
        ],
      },
      {
        role: "user",
        content: [
          { type: "tool_result", toolCallId: "a", content: "one" },
          { type: "tool_result", toolCallId: "b", content: [{ type: "text", text: "two" }] },
        ],
      },
      { role: "user", content: [{ type: "text", text: "thanks" }] },
    ]);
  });

  test("assistant reasoning_content / reasoning → unsigned thinking part placed first", () => {
    const ir = decodeChatRequest({
      model: "m",
      messages: [
        { role: "user", content: "q" },
        { role: "assistant", content: "a", reasoning_content: "because" },
        { role: "user", content: "q2" },
        { role: "assistant", content: "b", reasoning: "hmm", tool_calls: [{ id: "c", type: "function", function: { name: "f", arguments: "{}" } }] },
      ],
    });
    expect(ir.messages[1]!.content).toEqual([
      { type: "thinking", text: "because" },
      { type: "text", text: "a" },
    ]);
    expect(ir.messages[3]!.content).toEqual([
      { type: "thinking", text: "hmm" },
      { type: "text", text: "b" },
      { type: "tool_call", id: "c", name: "f", arguments: "{}" },
    ]);
  });

  test("leading system + developer → IR.system; later system/developer stay in place as role system", () => {
    const ir = decodeChatRequest({
      model: "m",
      messages: [
        { role: "system", content: "one" },
        { role: "developer", content: [{ type: "text", text: "two" }] },
        { role: "user", content: "hi" },
        { role: "developer", content: "three" },
      ],
    });
    expect(ir.system).toEqual([
      { type: "text", text: "one" },
      { type: "text", text: "two" },
    ]);
    expect(ir.messages).toEqual([
      { role: "user", content: [{ type: "text", text: "hi" }] },
      { role: "system", content: [{ type: "text", text: "three" }] },
    ]);
  });

  test("legacy functions / function_call / function role map onto tools, a tool call and its result", () => {
    const ir = decodeChatRequest({
      model: "m",
      functions: [{ name: "lookup", parameters: { type: "object" } }],
      function_call: { name: "lookup" },
      messages: [
        { role: "user", content: "q" },
        { role: "assistant", content: null, function_call: { name: "lookup", arguments: '{"k":1}' } },
        { role: "function", name: "lookup", content: "v" },
      ],
    });
    expect(ir.tools).toEqual([{ name: "lookup", parameters: { type: "object" } }]);
    expect(ir.toolChoice).toEqual({ type: "tool", name: "lookup" });
    const call = ir.messages[1]!.content[0]!;
    const result = ir.messages[2]!.content[0]!;
    expect(call.type).toBe("tool_call");
    expect(result).toEqual({ type: "tool_result", toolCallId: (call as { id: string }).id, name: "lookup", content: "v" });
  });
});

describe("decodeChatRequest rejections (FormatRequestError with a param)", () => {
  test("n > 1 cannot be fanned out", () => {
    const error = catchError(() => decodeChatRequest({ ...base, n: 2 }));
    expect(error.param).toBe("n");
    expect(error.message).toContain("n");
  });

  test("input_audio is not translatable", () => {
    const error = catchError(() =>
      decodeChatRequest({ model: "m", messages: [{ role: "user", content: [{ type: "input_audio", input_audio: { data: "x", format: "wav" } }] }] }),
    );
    expect(error.param).toBe("messages.0.content.0");
    expect(error.message).toContain("input_audio");
  });

  test("non-function tools name their type", () => {
    const error = catchError(() => decodeChatRequest({ ...base, tools: [{ type: "custom", custom: { name: "x" } }] }));
    expect(error.param).toBe("tools.0.type");
    expect(error.message).toContain("'custom'");
  });

  test("missing model / messages, bad role, tool message without id, bad effort, bad response_format, bad stop", () => {
    expect(catchError(() => decodeChatRequest({ messages: base.messages })).param).toBe("model");
    expect(catchError(() => decodeChatRequest({ model: "m", messages: [] })).param).toBe("messages");
    expect(catchError(() => decodeChatRequest({ model: "m", messages: [{ role: "robot", content: "x" }] })).param).toBe("messages.0.role");
    expect(catchError(() => decodeChatRequest({ model: "m", messages: [{ role: "tool", content: "x" }] })).param).toBe("messages.0.tool_call_id");
    expect(catchError(() => decodeChatRequest({ ...base, reasoning_effort: "extreme" })).param).toBe("reasoning_effort");
    expect(catchError(() => decodeChatRequest({ ...base, response_format: { type: "yaml" } })).param).toBe("response_format.type");
    expect(catchError(() => decodeChatRequest({ ...base, stop: 5 })).param).toBe("stop");
    expect(catchError(() => decodeChatRequest({ ...base, temperature: "hot" })).param).toBe("temperature");
    expect(catchError(() => decodeChatRequest({ ...base, messages: [{ role: "user", content: [{ type: "video" }] }] })).param).toBe(
      "messages.0.content.0.type",
    );
  });
});
