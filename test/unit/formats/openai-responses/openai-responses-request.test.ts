import { describe, expect, test } from "bun:test";
import { openAIResponsesAdapter as adapter, responsesToolNamespaces } from "../../../../src/formats/openai-responses/openai-responses-adapter";
import { LAYOUT_KEY } from "../../../../src/formats/openai-responses/openai-responses-layout";
import { FormatRequestError } from "../../../../src/ir/format-adapter";
import { wrapSignature } from "../../../../src/ir/foreign-signature";
import type { IRRequest, IRThinkingPart, IRToolCallPart, IRToolResultPart } from "../../../../src/ir/ir-types";
import { clientResponsesRequests, fixtureJson, responsesFixtures } from "./openai-responses-test-fixtures";

type Item = Record<string, unknown>;

function codexBody(file: string): Record<string, unknown> {
  return fixtureJson<{ body: Record<string, unknown> }>(`clients/codex/0.169.0/${file}`).body;
}

function opencodeBody(file: string): Record<string, unknown> {
  return fixtureJson<{ body: Record<string, unknown> }>(`clients/opencode/1.18.33/${file}`).body;
}

function roundTrip(body: Record<string, unknown>): Record<string, unknown> {
  return adapter.encodeRequest(adapter.decodeRequest(body));
}

/** Text of a message item whatever its content form (string or parts). */
function itemText(item: Item): string {
  const content = item.content;
  if (typeof content === "string") return content;
  return (content as Item[]).map((part) => String(part.text ?? part.refusal ?? "")).join("|");
}

const baseIR = (overrides: Partial<IRRequest> = {}): IRRequest => ({ model: "gpt-5", system: [], messages: [], tools: [], stream: true, ...overrides });

describe("decodeRequest: recorded Responses requests", () => {
  test.each(responsesFixtures(".request.json"))("%s decodes, and decode→encode keeps every item", (file) => {
    const body = fixtureJson(`openai-responses/${file}`);
    const ir = adapter.decodeRequest(body);
    expect(ir.model).toBe(body.model as string);
    expect(ir.stream).toBe(body.stream === true);
    const encoded = adapter.encodeRequest(ir);
    const before = body.input as Item[];
    const after = encoded.input as Item[];
    expect(after.length).toBe(before.length);
    for (let i = 0; i < before.length; i++) {
      const type = before[i]!.type ?? "message";
      expect(after[i]!.type).toBe(type);
      if (type === "message") {
        expect(after[i]!.role).toBe(before[i]!.role);
        expect(itemText(after[i]!)).toBe(itemText(before[i]!));
      } else {
        // function_call / function_call_output / reasoning come back field for field.
        expect(after[i]).toEqual(before[i]!);
      }
    }
    expect(encoded.instructions).toBe(body.instructions ? body.instructions : undefined);
  });

  test("instructions lead IR.system; an empty instructions string adds no system prompt", () => {
    const ir = adapter.decodeRequest(fixtureJson("openai-responses/instructions-nonstream.request.json"));
    expect(ir.system).toEqual([{ type: "text", text: "You are a helpful assistant." }]);
    expect(ir.messages).toEqual([{ role: "user", content: [{ type: "text", text: "What is the capital of France?" }] }]);
    expect(adapter.decodeRequest(fixtureJson("openai-responses/tool-stream-raw.turn1.request.json")).system).toEqual([]);
  });

  test("input_image with a URL becomes an IR image with its detail", () => {
    const ir = adapter.decodeRequest(fixtureJson("openai-responses/image-url-input-nonstream.request.json"));
    expect(ir.messages[0]!.content[1]).toEqual({
      type: "image",
      source: { kind: "url", url: "https://t3.ftcdn.net/jpg/00/85/79/92/360_F_85799278_0BBGV9OAdQDTLnKwAPBCcg1J7QtiieJY.jpg" },
      detail: "auto",
    });
  });

  test("reasoning items: one thinking part per summary entry, signed with the exact encrypted_content and item id", () => {
    const body = fixtureJson("openai-responses/reasoning-tool-nonstream.turn2.request.json");
    const reasoning = (body.input as Item[])[1]!;
    const ir = adapter.decodeRequest(body);
    expect(ir.system[0]!.text).toStartWith("You are a helpful assistant that uses planning.");
    const assistant = ir.messages[1]!;
    expect(assistant.role).toBe("assistant");
    const thinking = assistant.content.filter((part): part is IRThinkingPart => part.type === "thinking");
    expect(thinking).toHaveLength((reasoning.summary as unknown[]).length);
    for (const part of thinking) {
      expect(part.signature).toEqual({ format: "openai-responses", value: reasoning.encrypted_content as string, itemId: reasoning.id as string });
    }
    const call = assistant.content.at(-1) as IRToolCallPart;
    expect(call).toMatchObject({ type: "tool_call", id: "call_gL7JE6GDeGGsFubqO2XGytyO", name: "update_plan", itemId: "fc_68c42d3e9e4881968b15fbb8253f58540e8bc41441c948f6" });
    expect(ir.messages[2]).toEqual({ role: "user", content: [{ type: "tool_result", toolCallId: "call_gL7JE6GDeGGsFubqO2XGytyO", content: "plan updated" }] });
    expect(ir.reasoning).toEqual({ enabled: true, effort: "low", includeThoughts: true });
    expect(ir.toolChoice).toEqual({ type: "auto" });
    // The item goes back byte-exact: same id, same summary entries, same encrypted_content.
    const encoded = adapter.encodeRequest(ir).input as Item[];
    expect(encoded[1]).toEqual(reasoning);
    expect(encoded[1]!.encrypted_content).toBe(reasoning.encrypted_content as string);
  });

  test("structured output: text.format json_schema → IR responseFormat and back", () => {
    const body = fixtureJson("openai-responses/structured-output-nonstream.request.json");
    const ir = adapter.decodeRequest(body);
    const format = (body.text as { format: Record<string, unknown> }).format;
    expect(ir.responseFormat).toEqual({ type: "json_schema", name: "CityLocation", schema: format.schema as Record<string, unknown>, strict: true });
    expect(adapter.encodeRequest(ir).text).toEqual({ format });
  });

  test("usage-stream-raw: nulls are absent values, service_tier is kept for the upstream", () => {
    const ir = adapter.decodeRequest(fixtureJson("openai-responses/usage-stream-raw.request.json"));
    expect(ir.previousResponseId).toBeUndefined();
    expect(ir.toolChoice).toEqual({ type: "required" });
    expect(ir.reasoning).toEqual({ enabled: true, effort: "low" });
    expect(ir.extensions?.fields.service_tier).toBe("flex");
    expect(ir.extensions?.fields.include).toEqual(["reasoning.encrypted_content"]);
  });
});

describe("decodeRequest: real clients", () => {
  test.each(clientResponsesRequests().map((entry) => [entry.name, entry.body] as const))("%s decodes and re-encodes its items", (_name, body) => {
    const ir = adapter.decodeRequest(body);
    expect(ir.model).toBe(body.model as string);
    const encoded = adapter.encodeRequest(ir);
    const input = body.input;
    if (typeof input === "string") expect(encoded.input).toEqual([{ type: "message", role: "user", content: [{ type: "input_text", text: input }] }]);
    else expect((encoded.input as Item[]).map((item) => item.type ?? "message")).toEqual((input as Item[]).map((item) => item.type ?? "message"));
    // Whatever the client sent beyond the IR (store, include, prompt_cache_key, client_metadata …) goes back up.
    for (const key of ["store", "include", "prompt_cache_key", "client_metadata", "tools", "tool_choice", "parallel_tool_calls", "max_output_tokens", "temperature"]) {
      if (body[key] !== undefined) expect(encoded[key]).toEqual(body[key]);
    }
  });

  test("openai SDK: a plain-string input is ONE user message with that text (not an empty history)", () => {
    const body = fixtureJson<{ body: Record<string, unknown> }>("clients/sdk-openai/7.57.0/default-04-POST-v1_responses.json").body;
    expect(body.input).toBe("Reply with exactly the word pong");
    const ir = adapter.decodeRequest(body);
    expect(ir.messages).toEqual([{ role: "user", content: [{ type: "text", text: "Reply with exactly the word pong" }] }]);
    expect(ir.system).toEqual([]);
    expect(ir.stream).toBe(true);
    expect(adapter.decodeRequest({ model: "m", input: "" }).messages).toEqual([{ role: "user", content: [{ type: "text", text: "" }] }]);
  });

  test("Codex: leading developer items are IR.system; the namespace tool is flattened and restored exactly", () => {
    const body = codexBody("exec-responses-00-POST-v1_responses.json");
    const ir = adapter.decodeRequest(body);
    expect(ir.system).toHaveLength(3);
    expect(ir.system[0]!.text).toStartWith("You are a coding agent running in the Codex CLI");
    expect(ir.system[1]!.text).toStartWith("<skills_instructions>");
    expect(ir.messages.map((message) => message.role)).toEqual(["user", "user"]);
    expect(ir.messages[1]!.content).toEqual([{ type: "text", text: "say pong" }]);

    const tools = body.tools as Item[];
    const namespace = tools.find((tool) => tool.type === "namespace")!;
    const inner = (namespace.tools as Item[]).map((tool) => tool.name);
    expect(inner).toEqual(["close_agent", "resume_agent", "send_input", "spawn_agent", "wait_agent"]);
    // 7 flat functions + the 5 namespaced ones; the hosted web_search tool has no IR form.
    expect(ir.tools.map((tool) => tool.name)).toEqual([
      "exec_command",
      "write_stdin",
      "request_user_input",
      "view_image",
      ...inner.map(String),
      "get_goal",
      "create_goal",
      "update_goal",
    ]);
    const spawn = ir.tools.find((tool) => tool.name === "spawn_agent")!;
    expect(spawn.parameters).toEqual((namespace.tools as Item[])[3]!.parameters as Record<string, unknown>);
    expect(spawn.strict).toBe(false);
    expect(ir.reasoning).toEqual({ enabled: true, includeThoughts: true });
    expect(responsesToolNamespaces(ir)).toEqual(Object.fromEntries(inner.map((name) => [name, "multi_agent_v1"])));

    const encoded = adapter.encodeRequest(ir);
    // The original list (namespace + web_search) goes back as is, and the flattened IR tools are not added again.
    expect(encoded.tools).toEqual(tools);
    expect(JSON.stringify(encoded.tools)).toBe(JSON.stringify(tools));
    expect(encoded.instructions).toBeUndefined();
    const input = encoded.input as Item[];
    expect(input.slice(0, 2)).toEqual((body.input as Item[]).slice(0, 2));
    expect(encoded.store).toBe(false);
    expect(encoded.prompt_cache_key).toBe(body.prompt_cache_key);
    expect(encoded.reasoning).toEqual({ summary: "auto" });
    expect(encoded[LAYOUT_KEY]).toBeUndefined();
  });

  test("Codex tool round trip: function_call → tool_call (item id kept), function_call_output → tool_result", () => {
    const ir = adapter.decodeRequest(codexBody("tool-roundtrip-01-POST-v1_responses.json"));
    const [, , call, result] = ir.messages;
    expect(call).toEqual({
      role: "assistant",
      content: [{ type: "tool_call", id: "call_mwr9z97a8etwlf6t", name: "exec_command", arguments: '{"cmd":"echo pong"}', itemId: "fc_mwr9z97atl3rtaso" }],
    });
    expect(result!.role).toBe("user");
    const output = result!.content[0] as IRToolResultPart;
    expect(output.toolCallId).toBe("call_mwr9z97a8etwlf6t");
    expect(output.content).toStartWith("Chunk ID: 8a70f6");
  });

  test("Codex: a function_call of a namespaced function gets its namespace back when encoded", () => {
    const body = codexBody("exec-responses-00-POST-v1_responses.json");
    const input = [...(body.input as Item[]), { type: "function_call", call_id: "call_1", name: "spawn_agent", namespace: "multi_agent_v1", arguments: "{}" }];
    const encoded = roundTrip({ ...body, input }).input as Item[];
    expect(encoded.at(-1)).toEqual({ type: "function_call", call_id: "call_1", namespace: "multi_agent_v1", name: "spawn_agent", arguments: "{}" });
  });

  test("opencode: developer item is IR.system; effort none turns reasoning off; the exact reasoning object goes back", () => {
    const body = opencodeBody("run-openai-provider-00-POST-v1_responses.json");
    const ir = adapter.decodeRequest(body);
    expect(ir.system).toHaveLength(1);
    expect(ir.system[0]!.text).toStartWith("You are a title generator.");
    expect(ir.messages).toHaveLength(2);
    expect(ir.reasoning).toEqual({ enabled: false, effort: "none" });
    expect(ir.maxTokens).toBe(32000);
    expect(ir.temperature).toBe(0.5);
    const encoded = adapter.encodeRequest(ir);
    expect(encoded.reasoning).toEqual(body.reasoning);
    const developer = (encoded.input as Item[])[0]!;
    expect(developer).toEqual({ type: "message", role: "developer", content: (body.input as Item[])[0]!.content });
  });

  test("opencode tool round trip: call and output pair up across IR messages", () => {
    const ir = adapter.decodeRequest(opencodeBody("tool-roundtrip-openai-02-POST-v1_responses.json"));
    expect(ir.messages.map((message) => [message.role, message.content.map((part) => part.type)])).toEqual([
      ["user", ["text"]],
      ["assistant", ["tool_call"]],
      ["user", ["tool_result"]],
    ]);
    expect(ir.extensions?.fields.prompt_cache_key).toBe("ses_dfeb52f08ffeKxle09t62IvURf");
  });
});

describe("decodeRequest: grouping and opaque items", () => {
  const reasoning = (id: string, text: string, encrypted?: string): Item => ({ type: "reasoning", id, summary: [{ type: "summary_text", text }], ...(encrypted ? { encrypted_content: encrypted } : {}) });

  test("consecutive reasoning / assistant message / function_call items form ONE assistant message; outputs one user message", () => {
    const ir = adapter.decodeRequest({
      model: "m",
      input: [
        { role: "user", content: "go" },
        reasoning("rs_1", "think", "enc1"),
        { type: "message", role: "assistant", content: [{ type: "output_text", text: "calling" }] },
        { type: "function_call", call_id: "c1", name: "a", arguments: "" },
        { type: "function_call", call_id: "c2", name: "b", arguments: '{"x":1}' },
        { type: "function_call_output", call_id: "c1", output: "one" },
        { type: "function_call_output", call_id: "c2", output: [{ type: "input_text", text: "two" }, { type: "input_image", image_url: "data:image/png;base64,AAAA" }] },
        { role: "user", content: [{ type: "input_text", text: "next" }] },
      ],
    });
    expect(ir.messages.map((message) => [message.role, message.content.map((part) => part.type)])).toEqual([
      ["user", ["text"]],
      ["assistant", ["thinking", "text", "tool_call", "tool_call"]],
      ["user", ["tool_result", "tool_result"]],
      ["user", ["text"]],
    ]);
    expect((ir.messages[1]!.content[2] as IRToolCallPart).arguments).toBe("{}");
    expect((ir.messages[2]!.content[1] as IRToolResultPart).content).toEqual([
      { type: "text", text: "two" },
      { type: "image", source: { kind: "base64", mediaType: "image/png", data: "AAAA" } },
    ]);
  });

  test("a mid-conversation system item stays in place; instructions come before leading system items", () => {
    const ir = adapter.decodeRequest({
      model: "m",
      instructions: "A",
      input: [
        { role: "system", content: "B" },
        { role: "user", content: "hi" },
        { role: "developer", content: "C" },
      ],
    });
    expect(ir.system.map((part) => part.text)).toEqual(["A", "B"]);
    expect(ir.messages[1]).toEqual({ role: "system", content: [{ type: "text", text: "C" }] });
    const encoded = adapter.encodeRequest(ir);
    expect(encoded.instructions).toBe("A");
    expect((encoded.input as Item[]).map((item) => [item.role, itemText(item)])).toEqual([
      ["system", "B"],
      ["user", "hi"],
      ["system", "C"],
    ]);
  });

  test("item_reference and hosted tool calls stay at their place, even after history is prefixed", () => {
    const body = {
      model: "m",
      store: true,
      input: [
        { role: "user", content: "look it up" },
        { type: "item_reference", id: "msg_prev" },
        reasoning("rs_2", "hmm", "enc2"),
        { type: "web_search_call", id: "ws_1", status: "completed", action: { type: "search", query: "q" } },
        { type: "message", role: "assistant", phase: "final_answer", content: [{ type: "output_text", text: "found" }] },
        { type: "reasoning", id: "rs_stored", summary: [] },
      ],
    };
    const ir = adapter.decodeRequest(body);
    expect(ir.messages.map((message) => message.content.map((part) => part.type))).toEqual([["text"], ["thinking", "text"]]);
    const expected = [
      { type: "message", role: "user", content: [{ type: "input_text", text: "look it up" }] },
      { type: "item_reference", id: "msg_prev" },
      { type: "reasoning", id: "rs_2", summary: [{ type: "summary_text", text: "hmm" }], encrypted_content: "enc2" },
      { type: "web_search_call", id: "ws_1", status: "completed", action: { type: "search", query: "q" } },
      { type: "message", role: "assistant", content: [{ type: "output_text", text: "found" }], phase: "final_answer" },
      { type: "reasoning", id: "rs_stored", summary: [] },
    ];
    expect(adapter.encodeRequest(ir).input).toEqual(expected);
    // previous_response_id resolution prefixes stored history: the anchors count from the end, so they hold.
    const prefixed: IRRequest = { ...ir, messages: [{ role: "user", content: [{ type: "text", text: "earlier" }] }, { role: "assistant", content: [{ type: "text", text: "ok" }] }, ...ir.messages] };
    expect((adapter.encodeRequest(prefixed).input as Item[]).slice(2)).toEqual(expected);
  });

  test("with store:false an id-only reasoning item refers to nothing: only its summary survives, as unsigned thinking", () => {
    const body = { model: "m", store: false, input: [{ role: "user", content: "q" }, { type: "reasoning", id: "rs_gone", summary: [{ type: "summary_text", text: "s" }] }] };
    const ir = adapter.decodeRequest(body);
    expect(ir.messages[1]).toEqual({ role: "assistant", content: [{ type: "thinking", text: "s" }] });
    expect(adapter.encodeRequest(ir).input).toEqual([{ type: "message", role: "user", content: [{ type: "input_text", text: "q" }] }]);
  });

  test("two assistant message items stay two items (phase kept on each)", () => {
    const input = [
      { role: "user", content: "q" },
      { type: "message", role: "assistant", phase: "commentary", content: [{ type: "output_text", text: "let me see" }] },
      { type: "message", role: "assistant", phase: "final_answer", content: [{ type: "output_text", text: "done" }] },
    ];
    const encoded = roundTrip({ model: "m", input }).input as Item[];
    expect(encoded.slice(1)).toEqual([
      { type: "message", role: "assistant", content: [{ type: "output_text", text: "let me see" }], phase: "commentary" },
      { type: "message", role: "assistant", content: [{ type: "output_text", text: "done" }], phase: "final_answer" },
    ]);
  });

  test("a wrapped foreign signature in encrypted_content comes back as that format's signature", () => {
    const wrapped = wrapSignature({ format: "anthropic", value: "sig-abc" });
    const ir = adapter.decodeRequest({ model: "m", input: [{ role: "user", content: "x" }, { type: "reasoning", id: "rs_ours_0", summary: [{ type: "summary_text", text: "t" }], encrypted_content: wrapped }] });
    expect(ir.messages[1]!.content[0]).toEqual({ type: "thinking", text: "t", signature: { format: "anthropic", value: "sig-abc" } });
    // …and is never sent to OpenAI.
    expect(adapter.encodeRequest(ir).input).toEqual([{ type: "message", role: "user", content: [{ type: "input_text", text: "x" }] }]);
  });

  test("hosted tool_choice and allowed_tools are kept verbatim; the IR gets the nearest choice", () => {
    const tools = [{ type: "function", name: "f", parameters: { type: "object" } }, { type: "web_search" }];
    const allowed = { type: "allowed_tools", mode: "required", tools: [{ type: "function", name: "f" }] };
    const ir = adapter.decodeRequest({ model: "m", input: "x", tools, tool_choice: allowed });
    expect(ir.toolChoice).toEqual({ type: "required" });
    expect(ir.tools).toEqual([{ name: "f", parameters: { type: "object" } }]);
    const encoded = adapter.encodeRequest(ir);
    expect(encoded.tool_choice).toEqual(allowed);
    expect(encoded.tools).toEqual(tools);
    expect(adapter.decodeRequest({ model: "m", input: "x", tool_choice: { type: "function", name: "f" } }).toolChoice).toEqual({ type: "tool", name: "f" });
  });

  test("a namespace tool alone (no hosted tool) still goes back as the client's list", () => {
    const tools = [{ type: "namespace", name: "crm", description: "CRM", tools: [{ type: "function", name: "find", strict: true, parameters: { type: "object", properties: {} } }] }];
    const ir = adapter.decodeRequest({ model: "m", input: "x", tools });
    expect(ir.tools).toEqual([{ name: "find", strict: true, parameters: { type: "object", properties: {} } }]);
    expect(adapter.encodeRequest(ir).tools).toEqual(tools);
  });

  test("text.verbosity and unknown fields ride in extensions and go back", () => {
    const body = { model: "m", input: "x", text: { verbosity: "low", format: { type: "json_object" } }, truncation: "auto", metadata: { a: "b" }, safety_identifier: "s", background: false };
    const ir = adapter.decodeRequest(body);
    expect(ir.responseFormat).toEqual({ type: "json_object" });
    const encoded = adapter.encodeRequest(ir);
    expect(encoded.text).toEqual({ verbosity: "low", format: { type: "json_object" } });
    expect(encoded).toMatchObject({ truncation: "auto", metadata: { a: "b" }, safety_identifier: "s", background: false });
  });

  test("previous_response_id and user map to the IR; previous_response_id is never sent up (the gateway resolved it)", () => {
    const ir = adapter.decodeRequest({ model: "m", input: "x", previous_response_id: "resp_1", user: "u1" });
    expect(ir.previousResponseId).toBe("resp_1");
    expect(ir.user).toBe("u1");
    const encoded = adapter.encodeRequest(ir);
    expect(encoded.previous_response_id).toBeUndefined();
    expect(encoded.user).toBe("u1");
  });

  test.each([
    [{ input: "x" }, "model"],
    [{ model: "m", input: 5 }, "input"],
    [{ model: "m", input: [{ role: "robot", content: "x" }] }, "input.0.role"],
    [{ model: "m", input: [{ content: "x" }] }, "input.0.type"],
    [{ model: "m", input: ["x"] }, "input.0"],
    [{ model: "m", input: [{ role: "user", content: [{ type: "input_audio" }] }] }, "input.0.content.0.type"],
    [{ model: "m", input: [{ role: "user", content: [{ type: "input_image" }] }] }, "input.0.content.0.image_url"],
    [{ model: "m", input: [{ type: "function_call", name: "f", arguments: "{}" }] }, "input.0.call_id"],
    [{ model: "m", input: [{ type: "function_call_output", output: "x" }] }, "input.0.call_id"],
    [{ model: "m", input: "x", tools: [{ type: "function" }] }, "tools.0.name"],
    [{ model: "m", input: "x", tool_choice: 3 }, "tool_choice"],
    [{ model: "m", input: "x", text: { format: { type: "json_schema", name: "n" } } }, "text.format.schema"],
  ])("rejects %j at %s", (body, param) => {
    let error: unknown;
    try {
      adapter.decodeRequest(body as Record<string, unknown>);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(FormatRequestError);
    expect((error as FormatRequestError).param).toBe(param);
  });
});

describe("encodeRequest: translated requests (IR from another format)", () => {
  test("system joins into instructions; stateless store:false; encrypted reasoning asked for when reasoning is on", () => {
    const encoded = adapter.encodeRequest(
      baseIR({
        system: [{ type: "text", text: "one" }, { type: "text", text: "two", cacheControl: { type: "ephemeral" } }],
        messages: [{ role: "user", content: [{ type: "text", text: "hi" }] }],
        reasoning: { enabled: true, budgetTokens: 4000, includeThoughts: true },
        maxTokens: 8,
      }),
    );
    expect(encoded.instructions).toBe("one\n\ntwo");
    expect(encoded.store).toBe(false);
    expect(encoded.include).toEqual(["reasoning.encrypted_content"]);
    expect(encoded.reasoning).toEqual({ effort: "low", summary: "auto" });
    expect(encoded.max_output_tokens).toBe(16); // the API minimum
    expect(encoded.stream).toBe(true);
  });

  test("no reasoning: no include (non-reasoning models reject encrypted content)", () => {
    const encoded = adapter.encodeRequest(baseIR({ messages: [{ role: "user", content: [{ type: "text", text: "hi" }] }] }));
    expect(encoded.include).toBeUndefined();
    expect(encoded.reasoning).toBeUndefined();
    expect(encoded.instructions).toBeUndefined();
  });

  test("efforts pass through as the spec allows them (xhigh, max, minimal); disabled is none", () => {
    for (const effort of ["minimal", "xhigh", "max"] as const) {
      expect(adapter.encodeRequest(baseIR({ reasoning: { enabled: true, effort } })).reasoning).toEqual({ effort });
    }
    expect(adapter.encodeRequest(baseIR({ reasoning: { enabled: false } })).reasoning).toEqual({ effort: "none" });
  });

  test("messages → items: images, files, tool calls and results, thinking by signature", () => {
    const encoded = adapter.encodeRequest(
      baseIR({
        messages: [
          {
            role: "user",
            content: [
              { type: "text", text: "see" },
              { type: "image", source: { kind: "base64", mediaType: "image/png", data: "AAA" }, detail: "high" },
              { type: "image", source: { kind: "url", url: "https://x/y.png" } },
              { type: "file", source: { kind: "base64", mediaType: "application/pdf", data: "PDF" } },
              { type: "file", source: { kind: "file-id", fileId: "file_1" }, filename: "a.txt" },
            ],
          },
          {
            role: "assistant",
            content: [
              { type: "thinking", text: "anthropic thought", signature: { format: "anthropic", value: "sig" } },
              { type: "thinking", text: "unsigned" },
              { type: "thinking", text: "mine", signature: { format: "openai-responses", value: "enc", itemId: "rs_9" } },
              { type: "text", text: "a" },
              { type: "text", text: "b" },
              { type: "tool_call", id: "toolu_1", name: "read", arguments: '{"p":1}' },
              { type: "tool_call", id: "call_2", name: "ls", arguments: "", itemId: "fc_2" },
            ],
          },
          {
            role: "user",
            content: [
              { type: "text", text: "after" },
              { type: "tool_result", toolCallId: "toolu_1", content: [{ type: "text", text: "l1" }, { type: "text", text: "l2" }], isError: true },
              { type: "tool_result", toolCallId: "call_2", content: [{ type: "text", text: "img:" }, { type: "image", source: { kind: "url", url: "https://x/z.png" } }] },
            ],
          },
          { role: "system", content: [{ type: "text", text: "late rule" }] },
        ],
        tools: [{ name: "read", parameters: { type: "object" }, description: "Read" }],
        toolChoice: { type: "tool", name: "read" },
        parallelToolCalls: false,
      }),
    );
    expect(encoded.input).toEqual([
      {
        type: "message",
        role: "user",
        content: [
          { type: "input_text", text: "see" },
          { type: "input_image", image_url: "data:image/png;base64,AAA", detail: "high" },
          { type: "input_image", image_url: "https://x/y.png", detail: "auto" },
          { type: "input_file", filename: "document.pdf", file_data: "data:application/pdf;base64,PDF" },
          { type: "input_file", file_id: "file_1", filename: "a.txt" },
        ],
      },
      { type: "reasoning", id: "rs_9", summary: [{ type: "summary_text", text: "mine" }], encrypted_content: "enc" },
      // Assistant history without replayed item fields goes in the spec's easy form.
      { role: "assistant", content: "ab" },
      { type: "function_call", call_id: "toolu_1", name: "read", arguments: '{"p":1}' },
      { type: "function_call", id: "fc_2", call_id: "call_2", name: "ls", arguments: "{}" },
      { type: "function_call_output", call_id: "toolu_1", output: "l1\nl2" },
      { type: "function_call_output", call_id: "call_2", output: [{ type: "input_text", text: "img:" }, { type: "input_image", image_url: "https://x/z.png", detail: "auto" }] },
      { type: "message", role: "user", content: [{ type: "input_text", text: "after" }] },
      { type: "message", role: "system", content: [{ type: "input_text", text: "late rule" }] },
    ]);
    expect(encoded.tools).toEqual([{ type: "function", name: "read", description: "Read", parameters: { type: "object" }, strict: false }]);
    expect(encoded.tool_choice).toEqual({ type: "function", name: "read" });
    expect(encoded.parallel_tool_calls).toBe(false);
  });

  test("extensions of another format are ignored", () => {
    const encoded = adapter.encodeRequest(baseIR({ extensions: { format: "anthropic", fields: { context_management: { x: 1 }, store: true } } }));
    expect(encoded.context_management).toBeUndefined();
    expect(encoded.store).toBe(false);
  });
});
