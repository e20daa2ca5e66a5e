import { describe, expect, test } from "bun:test";
import { openAIResponsesAdapter as adapter } from "../../../../src/formats/openai-responses/openai-responses-adapter";
import { wrapSignature } from "../../../../src/ir/foreign-signature";
import type { IRResponse } from "../../../../src/ir/ir-types";
import { fixtureJson, responsesFixtures } from "./openai-responses-test-fixtures";

const context = { requestId: "req7", model: "gw/model" };
const RESPONSE_FIXTURES = responsesFixtures(".response.json").filter((file) => !file.startsWith("error-"));

type Json = Record<string, unknown>;

describe("decodeResponse: recorded Responses objects", () => {
  test.each(RESPONSE_FIXTURES)("%s: output items, usage and status map to the IR", (file) => {
    const body = fixtureJson(`openai-responses/${file}`);
    const ir = adapter.decodeResponse(body);
    expect(ir.id).toBe(body.id as string);
    expect(ir.model).toBe(body.model as string);
    expect(ir.created).toBe(body.created_at as number);
    const usage = body.usage as { input_tokens: number; output_tokens: number; input_tokens_details: { cached_tokens: number }; output_tokens_details: { reasoning_tokens: number } };
    expect(ir.usage).toEqual({
      inputTokens: usage.input_tokens,
      outputTokens: usage.output_tokens,
      cachedInputTokens: usage.input_tokens_details.cached_tokens,
      reasoningTokens: usage.output_tokens_details.reasoning_tokens,
    });
    const output = body.output as Json[];
    const calls = output.filter((item) => item.type === "function_call");
    expect(ir.finishReason).toBe(calls.length > 0 ? "tool_calls" : "stop");
    // One IR part per reasoning item / output_text part / function call, in order.
    const expected = output.flatMap((item) =>
      item.type === "message" ? (item.content as Json[]).map((part) => ({ type: "text", text: part.text })) : item.type === "function_call" ? [{ type: "tool_call", id: item.call_id, name: item.name, arguments: item.arguments, itemId: item.id }] : [{ type: "thinking" }],
    );
    expect(ir.content.map((part) => (part.type === "thinking" ? { type: "thinking" } : part))).toEqual(expected as IRResponse["content"]);
  });

  test("reasoning-encrypted: the thinking part is signed with encrypted_content and the rs_ id", () => {
    const body = fixtureJson("openai-responses/reasoning-encrypted-nonstream.response.json");
    const item = (body.output as Json[])[0]!;
    const ir = adapter.decodeResponse(body);
    expect(ir.content[0]).toEqual({
      type: "thinking",
      text: ((item.summary as Json[])[0]!.text as string),
      signature: { format: "openai-responses", value: item.encrypted_content as string, itemId: item.id as string },
    });
    expect(ir.usage?.reasoningTokens).toBe(128);
  });

  test("reasoning-tool turn1: five summary parts become one thinking part; cached tokens on turn2", () => {
    const ir = adapter.decodeResponse(fixtureJson("openai-responses/reasoning-tool-nonstream.turn1.response.json"));
    const thinking = ir.content[0]!;
    expect(thinking.type).toBe("thinking");
    expect((thinking as { text: string }).text.split("\n\n**")).toHaveLength(5);
    expect(adapter.decodeResponse(fixtureJson("openai-responses/reasoning-tool-nonstream.turn2.response.json")).usage?.cachedInputTokens).toBe(2048);
  });

  test.each([
    [{ status: "incomplete", incomplete_details: { reason: "max_output_tokens" } }, "length"],
    [{ status: "incomplete", incomplete_details: { reason: "content_filter" } }, "content_filter"],
    [{ status: "failed", error: { code: "server_error", message: "x" } }, "error"],
    [{ status: "cancelled" }, "other"],
    [{ status: "completed", output: [{ type: "message", content: [{ type: "refusal", refusal: "No way." }] }] }, "content_filter"],
  ])("status %j → %s", (body, reason) => {
    const ir = adapter.decodeResponse({ id: "resp_1", ...body });
    expect(ir.finishReason).toBe(reason as IRResponse["finishReason"]);
    if (reason === "content_filter" && body.status === "completed") expect(ir.refusal).toBe("No way.");
  });

  test("garbage bodies do not throw", () => {
    expect(adapter.decodeResponse(null).content).toEqual([]);
    expect(adapter.decodeResponse({ output: [null, 3, { type: "web_search_call" }, { type: "function_call" }] }).content).toEqual([]);
  });
});

describe("encodeResponse: IR → Responses object for a client", () => {
  const ir: IRResponse = {
    id: "msg_01Anthropic",
    model: "claude",
    created: 1700000000,
    content: [
      { type: "thinking", text: "why", signature: { format: "anthropic", value: "sigA" } },
      { type: "thinking", text: "own", signature: { format: "openai-responses", value: "encB", itemId: "rs_B" } },
      { type: "text", text: "Hi" },
      { type: "tool_call", id: "toolu_1", name: "spawn_agent", arguments: "" },
    ],
    finishReason: "tool_calls",
  };

  test("ids, items, echo fields, and usage always present (zeros when unknown)", () => {
    const body = adapter.encodeResponse(ir, { ...context, toolNamespaces: { spawn_agent: "multi_agent_v1" } } as typeof context) as Json;
    expect(body).toMatchObject({
      id: "resp_req7",
      object: "response",
      created_at: 1700000000,
      status: "completed",
      model: "gw/model",
      error: null,
      incomplete_details: null,
      tools: [],
      tool_choice: "auto",
      parallel_tool_calls: true,
      usage: { input_tokens: 0, input_tokens_details: { cached_tokens: 0 }, output_tokens: 0, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 0 },
    });
    expect(body.output).toEqual([
      { id: "rs_req7_0", type: "reasoning", summary: [{ type: "summary_text", text: "why" }], encrypted_content: wrapSignature({ format: "anthropic", value: "sigA" }) },
      // Our own reasoning keeps its real id and raw encrypted_content.
      { id: "rs_B", type: "reasoning", summary: [{ type: "summary_text", text: "own" }], encrypted_content: "encB" },
      { id: "msg_req7_2", type: "message", status: "completed", content: [{ type: "output_text", annotations: [], logprobs: [], text: "Hi" }], role: "assistant" },
      { id: "fc_req7_3", type: "function_call", status: "completed", arguments: "{}", call_id: "toolu_1", namespace: "multi_agent_v1", name: "spawn_agent" },
    ]);
  });

  test("id: the upstream's resp_ id, else context.responseId, else resp_<requestId>", () => {
    expect((adapter.encodeResponse({ ...ir, id: "resp_up" }, context) as Json).id).toBe("resp_up");
    expect((adapter.encodeResponse(ir, { ...context, responseId: "resp_chosen" }) as Json).id).toBe("resp_chosen");
  });

  test.each([
    ["length", { status: "incomplete", incomplete_details: { reason: "max_output_tokens" } }],
    ["content_filter", { status: "incomplete", incomplete_details: { reason: "content_filter" } }],
    ["error", { status: "failed", error: { code: "server_error" } }],
    ["stop_sequence", { status: "completed", incomplete_details: null }],
  ] as const)("finish %s → %j", (reason, expected) => {
    expect(adapter.encodeResponse({ ...ir, content: [], finishReason: reason }, context)).toMatchObject(expected);
  });

  test("a refusal is a refusal part in a completed response", () => {
    const body = adapter.encodeResponse({ ...ir, content: [], finishReason: "content_filter", refusal: "Nope." }, context) as Json;
    expect(body.status).toBe("completed");
    expect(body.output).toEqual([{ id: "msg_req7_0", type: "message", status: "completed", content: [{ type: "refusal", refusal: "Nope." }], role: "assistant" }]);
  });

  test.each(RESPONSE_FIXTURES)("%s: decode → encode → decode keeps content, finish and usage", (file) => {
    const first = adapter.decodeResponse(fixtureJson(`openai-responses/${file}`));
    const second = adapter.decodeResponse(adapter.encodeResponse(first, context));
    expect(second.content).toEqual(first.content);
    expect(second.finishReason).toBe(first.finishReason);
    expect(second.usage).toEqual({ cacheWriteTokens: 0, ...first.usage! });
    expect(second.id).toBe(first.id);
  });
});
