import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { decodeChatRequest } from "../../../../src/formats/openai-chat/openai-chat-request-decode";
import { encodeChatRequest } from "../../../../src/formats/openai-chat/openai-chat-request-encode";
import type { IRRequest } from "../../../../src/ir/ir-types";
import { effortForBudget } from "../../../../src/ir/reasoning-budget";
import { FIXTURES } from "../../../fakes/openai-mock-upstream";

type Body = Record<string, unknown>;
type WirePart = { type: string; text?: string; image_url?: { url: string } };
type WireMessage = {
  role: string;
  content?: string | WirePart[] | null;
  tool_calls?: Array<{ id: string; type?: string; function: { name: string; arguments: string } }>;
  tool_call_id?: string;
};

function requestFixtures(): Array<[string, Body]> {
  const out: Array<[string, Body]> = [];
  for (const name of readdirSync(join(FIXTURES, "openai-chat")).sort()) {
    if (name.endsWith(".request.json")) out.push([name, JSON.parse(readFileSync(join(FIXTURES, "openai-chat", name), "utf8"))]);
  }
  for (const client of ["opencode", "sdk-openai", "sdk-vercel-ai"]) {
    const dir = join(FIXTURES, "clients", client);
    for (const version of readdirSync(dir)) {
      for (const name of readdirSync(join(dir, version)).sort()) {
        if (name.includes("POST-v1_chat_completions")) out.push([`${client}/${name}`, JSON.parse(readFileSync(join(dir, version, name), "utf8")).body]);
      }
    }
  }
  return out;
}

/** What must survive a decode/encode round trip, per message (developer is a system message; "" and null content are both empty). */
function essentials(messages: WireMessage[]) {
  return messages.map((m) => {
    const parts = typeof m.content === "string" ? [{ type: "text", text: m.content }] : (m.content ?? []);
    return {
      role: m.role === "developer" ? "system" : m.role,
      text: parts.filter((p) => p.type === "text").map((p) => p.text).join(""),
      images: parts.filter((p) => p.type === "image_url").map((p) => p.image_url!.url),
      toolCalls: (m.tool_calls ?? []).map((c) => [c.id, c.function.name, c.function.arguments]),
      toolCallId: m.tool_call_id,
    };
  });
}

function request(overrides: Partial<IRRequest>): IRRequest {
  return { model: "up-model", system: [], messages: [{ role: "user", content: [{ type: "text", text: "hi" }] }], tools: [], stream: false, ...overrides };
}

describe("encode(decode(x)) keeps every message, tool call and tool", () => {
  for (const [name, body] of requestFixtures()) {
    test(name, () => {
      const encoded = encodeChatRequest(decodeChatRequest(body));
      expect(encoded.model).toBe(body.model as string);
      expect(essentials(encoded.messages as WireMessage[])).toEqual(essentials(body.messages as WireMessage[]));
      const tools = (body.tools as Array<{ type: string; function: Record<string, unknown> }> | undefined) ?? [];
      if (tools.length === 0) expect(encoded.tools).toBeUndefined();
      else expect(encoded.tools).toEqual(tools.map((t) => ({ type: "function", function: t.function })));
      if (body.tool_choice !== undefined) expect(encoded.tool_choice).toEqual(body.tool_choice);
      if (body.response_format !== undefined) expect(encoded.response_format).toEqual(body.response_format);
      if (body.max_tokens !== undefined) expect(encoded.max_tokens).toBe(body.max_tokens as number);
      if (body.reasoning_effort !== undefined) expect(encoded.reasoning_effort).toBe(body.reasoning_effort as string);
      expect(encoded.stream).toBe(body.stream === true);
      if (body.stream === true) expect(encoded.stream_options).toEqual({ include_usage: true });
      else expect(encoded.stream_options).toBeUndefined();
      // Unknown top-level fields come back when the IR came from a Chat client.
      for (const key of ["prompt_cache_key", "prompt_cache_options"]) if (key in body) expect(encoded[key]).toEqual(body[key]);
    });
  }
});

describe("encodeChatRequest", () => {
  test("IR.system → one leading system message (several parts joined by a blank line); mid-conversation system stays in place", () => {
    const body = encodeChatRequest(
      request({
        system: [
          { type: "text", text: "A" },
          { type: "text", text: "B", cacheControl: { type: "ephemeral" } },
        ],
        messages: [
          { role: "user", content: [{ type: "text", text: "hi" }] },
          { role: "system", content: [{ type: "text", text: "late" }] },
        ],
      }),
    );
    expect(body.messages).toEqual([
      { role: "system", content: "A\n\nB" },
      { role: "user", content: "hi" },
      { role: "system", content: "late" },
    ]);
    expect(encodeChatRequest(request({})).messages).toEqual([{ role: "user", content: "hi" }]);
  });

  test("tool_result parts become role:tool messages before the rest of that user message; images in results follow as user content", () => {
    const body = encodeChatRequest(
      request({
        messages: [
          {
            role: "assistant",
            content: [
              { type: "thinking", text: "plan", signature: { format: "anthropic", value: "sig" } },
              { type: "tool_call", id: "t1", name: "read", arguments: '{"p":1}', signature: { format: "gemini", value: "g" } },
              { type: "tool_call", id: "t2", name: "shot", arguments: "" },
            ],
          },
          {
            role: "user",
            content: [
              { type: "text", text: "and also" },
              { type: "tool_result", toolCallId: "t1", content: "file text", isError: true },
              {
                type: "tool_result",
                toolCallId: "t2",
                content: [
                  { type: "text", text: "see image" },
                  { type: "image", source: { kind: "base64", mediaType: "image/png", data: "AAAA" } },
                ],
              },
            ],
          },
        ],
      }),
    );
    expect(body.messages).toEqual([
      {
        role: "assistant",
        content: null,
        tool_calls: [
          { id: "t1", type: "function", function: { name: "read", arguments: '{"p":1}' } },
          { id: "t2", type: "function", function: { name: "shot", arguments: "{}" } },
        ],
      },
      { role: "tool", tool_call_id: "t1", content: "file text" },
      { role: "tool", tool_call_id: "t2", content: "see image" },
      {
        role: "user",
        content: [
          { type: "image_url", image_url: { url: "data:image/png;base64,AAAA" } },
          { type: "text", text: "and also" },
        ],
      },
    ]);
    expect(JSON.stringify(body)).not.toContain("sig");
    expect(JSON.stringify(body)).not.toContain("plan");
  });

  test("a user message holding only tool results emits only tool messages; an empty user message stays", () => {
    const body = encodeChatRequest(
      request({
        messages: [
          { role: "user", content: [{ type: "tool_result", toolCallId: "x", content: "r" }] },
          { role: "user", content: [] },
          { role: "assistant", content: [{ type: "thinking", text: "only thoughts" }] },
        ],
      }),
    );
    expect(body.messages).toEqual([
      { role: "tool", tool_call_id: "x", content: "r" },
      { role: "user", content: "" },
      { role: "assistant", content: "" },
    ]);
  });

  test("user parts: http image with detail, files by data and id", () => {
    const body = encodeChatRequest(
      request({
        messages: [
          {
            role: "user",
            content: [
              { type: "image", source: { kind: "url", url: "https://x/y.png" }, detail: "high" },
              { type: "file", source: { kind: "base64", mediaType: "application/pdf", data: "JVBE" }, filename: "a.pdf" },
              { type: "file", source: { kind: "file-id", fileId: "file-1" } },
            ],
          },
        ],
      }),
    );
    expect((body.messages as Array<{ content: unknown }>)[0]!.content).toEqual([
      { type: "image_url", image_url: { url: "https://x/y.png", detail: "high" } },
      { type: "file", file: { filename: "a.pdf", file_data: "data:application/pdf;base64,JVBE" } },
      { type: "file", file: { file_id: "file-1" } },
    ]);
  });

  test("assistant text + tool calls; text parts are concatenated", () => {
    const body = encodeChatRequest(
      request({
        messages: [
          {
            role: "assistant",
            content: [
              { type: "text", text: "Let me " },
              { type: "text", text: "check." },
              { type: "tool_call", id: "c", name: "f", arguments: "{}" },
            ],
          },
        ],
      }),
    );
    expect(body.messages).toEqual([
      { role: "assistant", content: "Let me check.", tool_calls: [{ id: "c", type: "function", function: { name: "f", arguments: "{}" } }] },
    ]);
  });

  test("parameters: max_tokens, sampling, stop, user, tools, tool_choice, parallel_tool_calls", () => {
    const body = encodeChatRequest(
      request({
        maxTokens: 100,
        temperature: 0.2,
        topP: 0.5,
        topK: 40,
        seed: 3,
        stopSequences: ["X"],
        user: "u",
        tools: [{ name: "f", description: "d", parameters: { type: "object" }, strict: true, cacheControl: { type: "ephemeral" } }],
        toolChoice: { type: "tool", name: "f" },
        parallelToolCalls: false,
      }),
    );
    expect(body).toEqual({
      model: "up-model",
      messages: [{ role: "user", content: "hi" }],
      tools: [{ type: "function", function: { name: "f", description: "d", parameters: { type: "object" }, strict: true } }],
      tool_choice: { type: "function", function: { name: "f" } },
      parallel_tool_calls: false,
      max_tokens: 100,
      temperature: 0.2,
      top_p: 0.5,
      seed: 3,
      stop: ["X"],
      user: "u",
      stream: false,
    });
    expect(encodeChatRequest(request({ toolChoice: { type: "required" }, tools: [{ name: "f", parameters: {} }] })).tool_choice).toBe("required");
    // OpenAI rejects tool_choice without tools.
    expect(encodeChatRequest(request({ toolChoice: { type: "auto" } })).tool_choice).toBeUndefined();
  });

  test("reasoning → reasoning_effort", () => {
    const effort = (reasoning: IRRequest["reasoning"]) => encodeChatRequest(request({ reasoning })).reasoning_effort;
    expect(effort({ enabled: true, effort: "low" })).toBe("low");
    expect(effort({ enabled: true, effort: "minimal" })).toBe("minimal");
    expect(effort({ enabled: true, effort: "xhigh" })).toBe("high");
    expect(effort({ enabled: true, effort: "max" })).toBe("high");
    expect(effort({ enabled: false })).toBe("none");
    expect(effort({ enabled: true, budgetTokens: 10000 })).toBe(effortForBudget(10000));
    expect(effort({ enabled: true, budgetTokens: 60000 })).toBe("high");
    expect(effort({ enabled: true, adaptive: true })).toBeUndefined();
    expect(effort(undefined)).toBeUndefined();
  });

  test("responseFormat → response_format (json_schema needs a name)", () => {
    expect(encodeChatRequest(request({ responseFormat: { type: "json_schema", schema: { type: "object" } } })).response_format).toEqual({
      type: "json_schema",
      json_schema: { name: "response", schema: { type: "object" } },
    });
    expect(
      encodeChatRequest(request({ responseFormat: { type: "json_schema", name: "n", schema: {}, strict: true, description: "d" } })).response_format,
    ).toEqual({ type: "json_schema", json_schema: { name: "n", schema: {}, strict: true, description: "d" } });
    expect(encodeChatRequest(request({ responseFormat: { type: "json_object" } })).response_format).toEqual({ type: "json_object" });
  });

  test("stream adds include_usage (merged into the client's stream_options); non-stream drops stream_options", () => {
    const streamed = encodeChatRequest(
      request({ stream: true, extensions: { format: "openai-chat", fields: { stream_options: { include_obfuscation: false }, store: false } } }),
    );
    expect(streamed.stream_options).toEqual({ include_obfuscation: false, include_usage: true });
    expect(streamed.store).toBe(false);
    const plain = encodeChatRequest(request({ extensions: { format: "openai-chat", fields: { stream_options: { include_usage: true } } } }));
    expect(plain.stream_options).toBeUndefined();
    expect(plain.stream).toBe(false);
  });

  test("extensions of another format are ignored; modelled fields override restored ones", () => {
    expect(encodeChatRequest(request({ extensions: { format: "anthropic", fields: { context_management: {} } } })).context_management).toBeUndefined();
    const body = encodeChatRequest(request({ model: "routed", extensions: { format: "openai-chat", fields: { model: "client-alias", logprobs: true } } }));
    expect(body.model).toBe("routed");
    expect(body.logprobs).toBe(true);
  });
});
