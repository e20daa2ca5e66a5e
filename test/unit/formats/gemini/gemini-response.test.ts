import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { SYNTHETIC_TOOL_CALL_PREFIX, type IRResponse, type IRToolCallPart } from "../../../../src/ir/ir-types";
import { geminiAdapter } from "../../../../src/formats/gemini/gemini-adapter";
import { decodeGeminiUsage, encodeGeminiUsage } from "../../../../src/formats/gemini/gemini-usage";
import { FIXTURES } from "../../../fakes/openai-mock-upstream";

type Json = Record<string, unknown>;

function fixture(name: string): Json {
  return JSON.parse(readFileSync(join(FIXTURES, "gemini", name), "utf8")) as Json;
}

const context = { requestId: "req_1", model: "gem/gemini-2.5-flash" };

describe("decodeResponse: recorded generateContent bodies", () => {
  test("plain text, no responseId: the id is left to the client encoder", () => {
    const ir = geminiAdapter.decodeResponse(fixture("text-nonstream.response.json"));
    expect(ir.id).toBe("");
    expect(ir.model).toBe("gemini-2.0-flash");
    expect(ir.content).toEqual([{ type: "text", text: "Google's headquarters, also known as the Googleplex, is located in **Mountain View, California**.\n" }]);
    expect(ir.finishReason).toBe("stop");
    expect(ir.usage).toEqual({ inputTokens: 7, outputTokens: 22 });
  });

  test("thought summary then answer; thoughtsTokenCount is reasoning inside output", () => {
    const ir = geminiAdapter.decodeResponse(fixture("thinking-summary-nonstream.response.json"));
    expect(ir.id).toBe("2pmHaJqQEoqC-8YP6eStyAY");
    expect(ir.content.map((p) => p.type)).toEqual(["thinking", "text"]);
    expect(ir.content[1]).toEqual({ type: "text", text: "Mountain View" });
    expect(ir.usage).toEqual({ inputTokens: 14, outputTokens: 26, reasoningTokens: 24 });
  });

  test("Gemini 3 signed text keeps its signature byte-exact", () => {
    const body = fixture("reasoning-nonstream.response.json");
    const part = (((body.candidates as Json[])[0] as Json).content as { parts: Json[] }).parts[0]!;
    const ir = geminiAdapter.decodeResponse(body);
    expect(ir.content).toEqual([{ type: "text", text: part.text as string, signature: { format: "gemini", value: part.thoughtSignature as string } }]);
    expect(ir.usage).toEqual({ inputTokens: 9, outputTokens: 29 + 282, reasoningTokens: 282 });
  });

  test("STOP with a functionCall is tool_calls; the id is synthesized and the signature kept", () => {
    const body = fixture("tool-nonstream-thoughtsig.response.json");
    const ir = geminiAdapter.decodeResponse(body);
    expect(ir.finishReason).toBe("tool_calls");
    const call = ir.content[0] as IRToolCallPart;
    expect(call.id.startsWith(`${SYNTHETIC_TOOL_CALL_PREFIX}_`)).toBe(true);
    expect(call.name).toBe("weather");
    expect(JSON.parse(call.arguments)).toEqual({ location: "San Francisco" });
    expect(call.signature?.format).toBe("gemini");
    expect(call.signature?.value.startsWith("EskgCsYgAb4")).toBe(true);
  });

  test("synthesized response ids differ between responses (a client may replay both)", () => {
    const a = geminiAdapter.decodeResponse(fixture("tool-nonstream.turn1.response.json")).content[0] as IRToolCallPart;
    const b = geminiAdapter.decodeResponse(fixture("tool-nonstream.turn1.response.json")).content[0] as IRToolCallPart;
    expect(a.arguments).toBe("{}");
    expect(a.id).not.toBe(b.id);
  });

  test("SAFETY is content_filter", () => {
    expect(geminiAdapter.decodeResponse(fixture("finish-safety-nonstream.response.json")).finishReason).toBe("content_filter");
  });

  test.each([
    ["MAX_TOKENS", "length"],
    ["RECITATION", "content_filter"],
    ["BLOCKLIST", "content_filter"],
    ["PROHIBITED_CONTENT", "content_filter"],
    ["SPII", "content_filter"],
    ["IMAGE_SAFETY", "content_filter"],
    ["MALFORMED_FUNCTION_CALL", "other"],
    ["OTHER", "other"],
  ])("finishReason %s → %s", (finishReason, reason) => {
    const ir = geminiAdapter.decodeResponse({ candidates: [{ content: { role: "model", parts: [{ text: "x" }] }, finishReason }] });
    expect(ir.finishReason).toBe(reason as IRResponse["finishReason"]);
  });

  test("a blocked prompt (no candidates) is content_filter with no content", () => {
    const ir = geminiAdapter.decodeResponse({ promptFeedback: { blockReason: "SAFETY" }, usageMetadata: { promptTokenCount: 5, totalTokenCount: 5 } });
    expect(ir.finishReason).toBe("content_filter");
    expect(ir.content).toEqual([]);
    expect(ir.usage).toEqual({ inputTokens: 5, outputTokens: 0 });
  });
});

describe("usage mapping", () => {
  test("cachedContentTokenCount and thoughtsTokenCount, and back to the recorded figures", () => {
    const body = fixture("usage-cached-content-nonstream.response.json");
    const metadata = body.usageMetadata as Json;
    const usage = decodeGeminiUsage(metadata);
    expect(usage).toEqual({ inputTokens: 17713, outputTokens: 68 + 821, cachedInputTokens: 17379, reasoningTokens: 821 });
    expect(geminiAdapter.decodeResponse(body).usage).toEqual(usage);
    expect(encodeGeminiUsage(usage)).toEqual({
      promptTokenCount: 17713,
      candidatesTokenCount: 68,
      totalTokenCount: 18602,
      cachedContentTokenCount: 17379,
      thoughtsTokenCount: 821,
    });
    expect(encodeGeminiUsage(usage).totalTokenCount).toBe(metadata.totalTokenCount as number);
  });

  test("toolUsePromptTokenCount is input", () => {
    expect(decodeGeminiUsage({ promptTokenCount: 10, toolUsePromptTokenCount: 4, candidatesTokenCount: 2 })).toEqual({ inputTokens: 14, outputTokens: 2 });
  });

  test("usage from another format converts back without negatives", () => {
    expect(encodeGeminiUsage({ inputTokens: 100, outputTokens: 10, reasoningTokens: 30, cacheWriteTokens: 50 })).toEqual({
      promptTokenCount: 100,
      candidatesTokenCount: 0,
      totalTokenCount: 130,
      thoughtsTokenCount: 30,
    });
  });
});

describe("encodeResponse for Gemini clients", () => {
  test("parts, signatures, finish, usage, modelVersion and responseId", () => {
    const ir: IRResponse = {
      id: "",
      model: "claude-sonnet-4-5",
      created: 1,
      content: [
        { type: "thinking", text: "hmm", signature: { format: "anthropic", value: "ant-sig" } },
        { type: "thinking", text: "", signature: { format: "anthropic", value: "redacted", itemId: "redacted_thinking" } },
        { type: "text", text: "Calling.", signature: { format: "gemini", value: "g-sig" } },
        { type: "text", text: "" },
        { type: "tool_call", id: "toolu_1", name: "read", arguments: '{"path":"x"}' },
        { type: "tool_call", id: "toolu_2", name: "broken", arguments: "{not json" },
      ],
      finishReason: "tool_calls",
      usage: { inputTokens: 10, outputTokens: 5 },
    };
    const body = geminiAdapter.encodeResponse(ir, context) as Json;
    expect(body).toEqual({
      candidates: [
        {
          content: {
            role: "model",
            parts: [
              { text: "hmm", thought: true, thoughtSignature: "omr1.anthropic..ant-sig" },
              { text: "", thought: true, thoughtSignature: `omr1.anthropic.${Buffer.from("redacted_thinking").toString("base64url")}.redacted` },
              { text: "Calling.", thoughtSignature: "g-sig" },
              { functionCall: { id: "toolu_1", name: "read", args: { path: "x" } } },
              { functionCall: { id: "toolu_2", name: "broken", args: {} } },
            ],
          },
          finishReason: "STOP",
          index: 0,
        },
      ],
      usageMetadata: { promptTokenCount: 10, candidatesTokenCount: 5, totalTokenCount: 15 },
      modelVersion: "gem/gemini-2.5-flash",
      responseId: "req_1",
    });
  });

  test.each([
    ["stop", "STOP"],
    ["stop_sequence", "STOP"],
    ["length", "MAX_TOKENS"],
    ["content_filter", "SAFETY"],
    ["pause", "STOP"],
    ["error", "OTHER"],
    ["other", "OTHER"],
  ])("finish %s → %s", (reason, finishReason) => {
    const body = geminiAdapter.encodeResponse({ id: "r", model: "m", created: 0, content: [], finishReason: reason as IRResponse["finishReason"] }, context) as Json;
    const candidate = (body.candidates as Json[])[0]!;
    expect(candidate.finishReason).toBe(finishReason);
    expect(candidate.content).toEqual({ role: "model", parts: [] });
    expect(body.responseId).toBe("r");
    expect(body.usageMetadata).toBeUndefined();
  });

  test("a refusal goes in finishMessage, not in the answer text; responseId prefers the context's id over the request id", () => {
    const body = geminiAdapter.encodeResponse(
      { id: "", model: "m", created: 0, content: [], finishReason: "content_filter", refusal: "I can't help with that." },
      { ...context, responseId: "resp_9" },
    ) as Json;
    const candidate = (body.candidates as Json[])[0]!;
    expect((candidate.content as Json).parts).toEqual([]);
    expect(candidate.finishMessage).toBe("I can't help with that.");
    expect(body.responseId).toBe("resp_9");
  });

  test("decode(encode(ir)) through the Gemini shape keeps content and signatures", () => {
    const ir: IRResponse = {
      id: "abc",
      model: "x",
      created: 0,
      content: [
        { type: "thinking", text: "t", signature: { format: "openai-responses", value: "enc==", itemId: "rs_1" } },
        { type: "text", text: "a" },
        { type: "tool_call", id: "call_1", name: "f", arguments: '{"k":[1,2]}', signature: { format: "gemini", value: "s" } },
      ],
      finishReason: "tool_calls",
      usage: { inputTokens: 3, outputTokens: 9, reasoningTokens: 4, cachedInputTokens: 1 },
    };
    const back = geminiAdapter.decodeResponse(geminiAdapter.encodeResponse(ir, context));
    expect(back.content).toEqual(ir.content);
    expect(back.finishReason).toBe("tool_calls");
    expect(back.usage).toEqual(ir.usage);
    expect(back.id).toBe("abc");
  });
});
