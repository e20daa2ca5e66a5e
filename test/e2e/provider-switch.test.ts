import Anthropic from "@anthropic-ai/sdk";
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import OpenAI from "openai";
import type { ChatCompletion, ChatCompletionMessageParam, ChatCompletionTool } from "openai/resources/chat/completions";
import { SYNTHETIC_TOOL_CALL_PREFIX, type IRFormat } from "../../src/ir/ir-types";
import { connectFormat, startRecordedUpstream, type RecordedReply, type SeenRequest } from "../fakes/recorded-upstream";
import { startTestGateway, type TestGateway } from "../helpers/test-gateway";
import { openAPIValidator } from "../support/openapi-validator";
import {
  anthropicText,
  anthropicThinkingToolJson,
  anthropicThinkingToolStream,
  chatText,
  fixtureText,
  geminiCallJson,
  geminiCallStream,
  geminiText,
  jsonReply,
  type AnthropicToolTurn,
  type GeminiCallTurn,
} from "../support/switch-fixtures";
import { anthropicStructure, chatStructure, geminiStructure } from "../unit/translation/wire-structure";

/**
 * One tool-calling conversation with thinking, moved across providers mid-way, driven by real SDK clients:
 *   turn 1 → Anthropic (signed thinking + tool_use)   turn 2 → Gemini (answers with a functionCall)
 *   turn 3 → OpenAI Chat (text)                       turn 4 → Anthropic again   turn 5 → Gemini again
 * What each fake upstream RECEIVED is checked in that upstream's own terms: signatures only ever go back to the
 * provider that issued them (Gemini gets its own or the documented bypass value), tool call ids/names/results
 * line up, and the Anthropic thinking block comes back byte-exact on turn 4 — sent by the Anthropic client
 * itself, restored by the gateway for the OpenAI Chat client (which has nowhere to keep it).
 */

const SKIP = "skip_thought_signature_validator";
const WRAPPED = "omr1.";

type Obj = Record<string, unknown>;
type Format = IRFormat;

const PROMPT = "What is the largest city in the user country?";
const FOLLOW_UP = "Thanks! And what is its population?";
const LAST = "One more: which river runs through it?";

const SCHEMAS: Record<string, Obj> = {
  get_user_country: { type: "object", properties: {}, additionalProperties: false },
  final_result: { type: "object", properties: { city: { type: "string" }, country: { type: "string" } }, required: ["city", "country"] },
  pelican_name_generator: { type: "object", properties: {} },
  get_country: { type: "object", properties: {} },
};
const CHAT_TOOLS: ChatCompletionTool[] = Object.entries(SCHEMAS).map(([name, parameters]) => ({ type: "function", function: { name, description: `tool ${name}`, parameters } }));
const ANTHROPIC_TOOLS: Anthropic.Tool[] = Object.entries(SCHEMAS).map(([name, schema]) => ({ name, description: `tool ${name}`, input_schema: schema as Anthropic.Tool.InputSchema }));

/** What the client's tools "return": plain text, and a JSON object text (Gemini must receive it as that object). */
const TOOL_OUTPUT: Record<string, string> = {
  get_user_country: "Mexico",
  pelican_name_generator: "Charles",
  final_result: "Final result processed.",
  get_country: '{"country":"Mexico"}',
};

let gw: TestGateway;
const upstreams = {} as Record<Format, ReturnType<typeof startRecordedUpstream>>;
const models = {} as Record<Format, string>;
/** The reply each fake gives to its next call; a call nobody scripted gets a 500 (and the test fails on it). */
const script: Partial<Record<Format, RecordedReply>> = {};
const chatValidator = openAPIValidator("CreateChatCompletionRequest");

beforeAll(async () => {
  gw = await startTestGateway();
  for (const format of ["anthropic", "gemini", "openai-chat", "openai-responses"] as const) {
    upstreams[format] = startRecordedUpstream(() => {
      const reply = script[format];
      delete script[format];
      return reply ?? { status: 500, contentType: "application/json", pieces: [new TextEncoder().encode(`{"error":{"message":"unscripted ${format} call"}}`)] };
    });
    models[format] = await connectFormat(gw, format, upstreams[format].url);
  }
});

afterAll(async () => {
  await gw.stop();
  for (const upstream of Object.values(upstreams)) upstream.stop();
});

/** Scripts `format`'s next reply, runs `call`, and returns what that upstream received (exactly one request). */
async function viaUpstream<T>(format: Format, reply: RecordedReply, call: () => Promise<T>): Promise<{ answer: T; seen: SeenRequest; body: Obj }> {
  const before = upstreams[format].requests.length;
  script[format] = reply;
  const answer = await call();
  const seen = upstreams[format].requests.slice(before);
  expect(seen.length).toBe(1);
  for (const other of Object.keys(upstreams) as Format[]) if (other !== format) expect(script[other]).toBeUndefined();
  return { answer, seen: seen[0]!, body: JSON.parse(seen[0]!.body) as Obj };
}

function asObjects(value: unknown): Obj[] {
  return Array.isArray(value) ? (value as Obj[]) : [];
}

/** Signatures that must not appear in a body sent to `format`. */
function expectNoForeignSignatures(raw: string, forbidden: Array<string | null | undefined>): void {
  expect(raw.includes(WRAPPED)).toBe(false);
  for (const signature of forbidden) if (signature) expect(raw.includes(signature)).toBe(false);
}

/** Gemini's view of the history: its functionCall parts (with signatures) and functionResponse parts, in order. */
function geminiParts(body: Obj): { calls: Array<{ id?: string; name: string; args: unknown; signature?: string }>; responses: Array<{ id?: string; name: string; response: unknown }> } {
  const calls: Array<{ id?: string; name: string; args: unknown; signature?: string }> = [];
  const responses: Array<{ id?: string; name: string; response: unknown }> = [];
  for (const content of asObjects(body.contents)) {
    for (const part of asObjects(content.parts)) {
      const call = part.functionCall as Obj | undefined;
      if (call) calls.push({ ...(typeof call.id === "string" ? { id: call.id } : {}), name: call.name as string, args: call.args, ...(typeof part.thoughtSignature === "string" ? { signature: part.thoughtSignature } : {}) });
      const response = part.functionResponse as Obj | undefined;
      if (response) responses.push({ ...(typeof response.id === "string" ? { id: response.id } : {}), name: response.name as string, response: response.response });
    }
  }
  return { calls, responses };
}

/** A Chat message's text, whether sent as a string or as text parts. */
function chatContentText(content: unknown): unknown {
  return Array.isArray(content) ? asObjects(content).map((p) => p.text).join("") : content;
}

/** Gemini receives a tool's text output as an object: a JSON object text as itself, other text as {output}. */
function geminiResponseFor(output: string): unknown {
  try {
    const parsed = JSON.parse(output) as unknown;
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) return parsed;
  } catch {
    // plain text
  }
  return { output };
}

/** What the two drivers have in common: the conversation so far, as tool calls and texts the test tracks. */
interface IssuedCall {
  id: string;
  name: string;
  args: unknown;
  /** Which upstream issued it (decides which signature it may carry). */
  by: "anthropic" | "gemini";
  /** The Gemini recording's own signature for it, if any. */
  geminiSignature?: string | null;
}

for (const mode of ["nonstream", "stream"] as const) {
  const stream = mode === "stream";
  const turn1: AnthropicToolTurn = stream ? anthropicThinkingToolStream() : anthropicThinkingToolJson();
  const turn2: GeminiCallTurn = stream ? geminiCallStream() : geminiCallJson();
  const turn3 = chatText(stream);
  const turn4 = anthropicText(stream);
  const turn5 = geminiText(stream);

  /** Checks shared by both clients on what each upstream received. */
  const checks = {
    geminiTurn2(body: Obj, raw: string, calls: IssuedCall[]) {
      expect(geminiStructure(body)).toEqual([]);
      expectNoForeignSignatures(raw, [turn1.signature]);
      const { calls: sent, responses } = geminiParts(body);
      // Anthropic's calls carry the bypass value: Gemini never saw them, so there is no signature of its own.
      expect(sent.map((c) => ({ name: c.name, args: c.args, signature: c.signature }))).toEqual(calls.map((c) => ({ name: c.name, args: c.args, signature: SKIP })));
      for (const [i, c] of sent.entries()) if (c.id !== undefined) expect(c.id).toBe(calls[i]!.id);
      expect(responses.map((r) => ({ name: r.name, response: r.response }))).toEqual(calls.map((c) => ({ name: c.name, response: geminiResponseFor(TOOL_OUTPUT[c.name]!) })));
      for (const [i, r] of responses.entries()) if (r.id !== undefined) expect(r.id).toBe(calls[i]!.id);
    },
    chatTurn3(body: Obj, raw: string, calls: IssuedCall[]) {
      expect(chatValidator.check(body)).toBeNull();
      expect(chatStructure(body)).toEqual([]);
      expectNoForeignSignatures(raw, [turn1.signature, turn2.signature, SKIP]);
      const messages = asObjects(body.messages);
      const sentCalls = messages.flatMap((m) => asObjects(m.tool_calls)).map((c) => ({ id: c.id, name: (c.function as Obj).name, args: JSON.parse((c.function as Obj).arguments as string) as unknown }));
      expect(sentCalls).toEqual(calls.map((c) => ({ id: c.id, name: c.name, args: c.args })));
      const results = messages.filter((m) => m.role === "tool").map((m) => ({ id: m.tool_call_id, content: chatContentText(m.content) }));
      expect(results).toEqual(calls.map((c) => ({ id: c.id, content: TOOL_OUTPUT[c.name] })));
      expect(messages.filter((m) => m.role === "user").map((m) => chatContentText(m.content))).toEqual([PROMPT]);
    },
    anthropicTurn4(body: Obj, raw: string, calls: IssuedCall[]) {
      expect(anthropicStructure(body)).toEqual([]);
      expectNoForeignSignatures(raw, [turn2.signature, SKIP]);
      const messages = asObjects(body.messages);
      expect(messages.map((m) => m.role)).toEqual(["user", "assistant", "user", "assistant", "user", "assistant", "user"]);
      // The turn-1 answer opens with its thinking block, exactly as Anthropic signed it.
      const first = asObjects(messages[1]!.content)[0]!;
      expect(first).toEqual({ type: "thinking", thinking: turn1.thinking, signature: turn1.signature });
      expect(raw).toContain(JSON.stringify(turn1.signature));
      // No other thinking block (nothing unsigned, nothing foreign).
      expect(messages.flatMap((m) => asObjects(m.content)).filter((b) => b.type === "thinking" || b.type === "redacted_thinking")).toHaveLength(1);
      const uses = messages.flatMap((m) => asObjects(m.content)).filter((b) => b.type === "tool_use");
      expect(uses.map((b) => ({ id: b.id, name: b.name, input: b.input }))).toEqual(calls.map((c) => ({ id: c.id, name: c.name, input: c.args })));
      const results = messages.flatMap((m) => asObjects(m.content)).filter((b) => b.type === "tool_result");
      expect(results.map((b) => b.tool_use_id)).toEqual(calls.map((c) => c.id));
      const resultTexts = results.map((b) => (typeof b.content === "string" ? b.content : asObjects(b.content).map((x) => x.text).join("")));
      expect(resultTexts).toEqual(calls.map((c) => TOOL_OUTPUT[c.name]!));
    },
    geminiTurn5(body: Obj, raw: string, calls: IssuedCall[], mustReturnOwnSignature: boolean) {
      expect(geminiStructure(body)).toEqual([]);
      expectNoForeignSignatures(raw, [turn1.signature]);
      const { calls: sent, responses } = geminiParts(body);
      expect(sent.map((c) => c.name)).toEqual(calls.map((c) => c.name));
      for (const [i, c] of sent.entries()) {
        const issued = calls[i]!;
        if (issued.by === "anthropic") expect(c.signature).toBe(SKIP);
        else if (mustReturnOwnSignature && issued.geminiSignature) expect(c.signature).toBe(issued.geminiSignature);
        else expect([SKIP, issued.geminiSignature ?? SKIP]).toContain(c.signature!);
        if (!issued.id.startsWith(SYNTHETIC_TOOL_CALL_PREFIX)) expect(c.id).toBe(issued.id);
        else expect(c.id).toBeUndefined();
      }
      expect(responses.map((r) => ({ name: r.name, response: r.response }))).toEqual(calls.map((c) => ({ name: c.name, response: geminiResponseFor(TOOL_OUTPUT[c.name]!) })));
    },
  };

  describe(`OpenAI Chat SDK client, ${mode}: Anthropic → Gemini → OpenAI Chat → Anthropic → Gemini`, () => {
    let client: OpenAI;
    const messages: ChatCompletionMessageParam[] = [{ role: "user", content: PROMPT }];
    const calls: IssuedCall[] = [];

    async function ask(model: string): Promise<ChatCompletion> {
      const params = { model, messages, tools: CHAT_TOOLS, reasoning_effort: "medium" as const };
      const completion = stream ? await client.chat.completions.stream({ ...params, stream: true }).finalChatCompletion() : await client.chat.completions.create(params);
      expect(completion.choices).toHaveLength(1);
      expect(completion.choices[0]!.message.role).toBe("assistant");
      const message = completion.choices[0]!.message;
      messages.push({ role: "assistant", content: message.content ?? null, ...(message.tool_calls?.length ? { tool_calls: message.tool_calls } : {}) });
      return completion;
    }

    function answerTools(completion: ChatCompletion): void {
      for (const call of completion.choices[0]!.message.tool_calls ?? []) {
        if (call.type !== "function") throw new Error(`unexpected tool call type ${call.type}`);
        messages.push({ role: "tool", tool_call_id: call.id, content: TOOL_OUTPUT[call.function.name]! });
      }
    }

    beforeAll(() => {
      client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: "unused-on-open-loopback", maxRetries: 0 });
    });

    test("turn 1 → Anthropic: signed thinking + tool_use arrive as Chat tool_calls", async () => {
      const { answer, body } = await viaUpstream("anthropic", turn1.reply, () => ask(models.anthropic));
      expect(anthropicStructure(body)).toEqual([]);
      expect((body.thinking as Obj | undefined)?.type).toBe("enabled");
      const choice = answer.choices[0]!;
      expect(choice.finish_reason).toBe("tool_calls");
      expect(choice.message.tool_calls!.map((c) => (c.type === "function" ? { id: c.id, name: c.function.name, args: JSON.parse(c.function.arguments || "{}") as unknown } : null))).toEqual(
        turn1.calls.map((c) => ({ id: c.id, name: c.name, args: c.input })),
      );
      if (turn1.text) expect(choice.message.content).toContain(turn1.text);
      // Chat has no field for the signature: the client never sees it (the gateway keeps it).
      expect(JSON.stringify(answer).includes(turn1.signature)).toBe(false);
      for (const c of turn1.calls) calls.push({ id: c.id, name: c.name, args: c.input, by: "anthropic" });
      answerTools(answer);
    });

    test("turn 2 → Gemini: no Anthropic signature, bypass value on Anthropic's calls, results by name", async () => {
      const { answer, seen, body } = await viaUpstream("gemini", turn2.reply, () => ask(models.gemini));
      checks.geminiTurn2(body, seen.body, calls);
      const choice = answer.choices[0]!;
      expect(choice.finish_reason).toBe("tool_calls");
      const call = choice.message.tool_calls![0]!;
      if (call.type !== "function") throw new Error("expected a function call");
      expect(call.id.startsWith(SYNTHETIC_TOOL_CALL_PREFIX)).toBe(true);
      expect({ name: call.function.name, args: JSON.parse(call.function.arguments) as unknown }).toEqual({ name: turn2.name, args: turn2.args });
      calls.push({ id: call.id, name: call.function.name, args: turn2.args, by: "gemini", geminiSignature: turn2.signature });
      answerTools(answer);
    });

    test("turn 3 → OpenAI Chat: a valid Chat body with both providers' calls and results, no signatures", async () => {
      const { answer, seen, body } = await viaUpstream("openai-chat", turn3.reply, () => ask(models["openai-chat"]));
      checks.chatTurn3(body, seen.body, calls);
      expect(answer.choices[0]!.finish_reason).toBe("stop");
      expect(answer.choices[0]!.message.content).toBe(turn3.text);
      messages.push({ role: "user", content: FOLLOW_UP });
    });

    test("turn 4 → Anthropic: the gateway restores the signed thinking block byte-exact", async () => {
      const { answer, seen, body } = await viaUpstream("anthropic", turn4.reply, () => ask(models.anthropic));
      checks.anthropicTurn4(body, seen.body, calls);
      expect(answer.choices[0]!.message.content).toBe(turn4.text);
      messages.push({ role: "user", content: LAST });
    });

    test("turn 5 → Gemini: its own call comes back with its own thoughtSignature (kept by the gateway)", async () => {
      const { answer, seen, body } = await viaUpstream("gemini", turn5.reply, () => ask(models.gemini));
      checks.geminiTurn5(body, seen.body, calls, true);
      expect(answer.choices[0]!.message.content).toBe(turn5.text);
    });
  });

  describe(`Anthropic SDK client, ${mode}: Anthropic → Gemini → OpenAI Chat → Anthropic → Gemini`, () => {
    let client: Anthropic;
    const messages: Anthropic.MessageParam[] = [{ role: "user", content: PROMPT }];
    const calls: IssuedCall[] = [];

    async function ask(model: string): Promise<Anthropic.Message> {
      const params = { model, max_tokens: 4096, thinking: { type: "enabled" as const, budget_tokens: 3000 }, tools: ANTHROPIC_TOOLS, messages };
      const message = stream ? await client.messages.stream(params).finalMessage() : await client.messages.create(params);
      expect(message.type).toBe("message");
      expect(message.role).toBe("assistant");
      // The client replays the content exactly as it got it, signatures included.
      messages.push({ role: "assistant", content: message.content as Anthropic.ContentBlockParam[] });
      return message;
    }

    function answerTools(message: Anthropic.Message): void {
      const results: Anthropic.ToolResultBlockParam[] = [];
      for (const block of message.content) if (block.type === "tool_use") results.push({ type: "tool_result", tool_use_id: block.id, content: TOOL_OUTPUT[block.name]! });
      messages.push({ role: "user", content: results });
    }

    beforeAll(() => {
      client = new Anthropic({ baseURL: gw.url, apiKey: "unused-on-open-loopback", maxRetries: 0 });
    });

    test("turn 1 → Anthropic: the client gets the signed thinking block and the tool_use", async () => {
      const { answer, body } = await viaUpstream("anthropic", turn1.reply, () => ask(models.anthropic));
      expect(anthropicStructure(body)).toEqual([]);
      expect(answer.stop_reason).toBe("tool_use");
      const thinking = answer.content.find((b) => b.type === "thinking");
      expect(thinking).toMatchObject({ thinking: turn1.thinking, signature: turn1.signature });
      expect(answer.content.filter((b) => b.type === "tool_use").map((b) => (b.type === "tool_use" ? { id: b.id, name: b.name, input: b.input } : null))).toEqual(turn1.calls);
      for (const c of turn1.calls) calls.push({ id: c.id, name: c.name, args: c.input, by: "anthropic" });
      answerTools(answer);
    });

    test("turn 2 → Gemini: the Anthropic signature stays behind; the answer is a valid tool_use", async () => {
      const { answer, seen, body } = await viaUpstream("gemini", turn2.reply, () => ask(models.gemini));
      checks.geminiTurn2(body, seen.body, calls);
      expect(answer.stop_reason).toBe("tool_use");
      const uses = answer.content.filter((b) => b.type === "tool_use");
      expect(uses).toHaveLength(1);
      const use = uses[0]!;
      if (use.type !== "tool_use") throw new Error("expected tool_use");
      // Anthropic will get this id back on turn 4: it must match Anthropic's id pattern.
      expect(use.id).toMatch(/^[a-zA-Z0-9_-]+$/);
      expect({ name: use.name, input: use.input }).toEqual({ name: turn2.name, input: turn2.args });
      calls.push({ id: use.id, name: use.name, args: turn2.args, by: "gemini", geminiSignature: turn2.signature });
      answerTools(answer);
    });

    test("turn 3 → OpenAI Chat: thinking and signatures dropped, calls and results line up", async () => {
      const { answer, seen, body } = await viaUpstream("openai-chat", turn3.reply, () => ask(models["openai-chat"]));
      checks.chatTurn3(body, seen.body, calls);
      expect(answer.stop_reason).toBe("end_turn");
      expect(answer.content.filter((b) => b.type === "text").map((b) => (b.type === "text" ? b.text : "")).join("")).toBe(turn3.text);
      messages.push({ role: "user", content: FOLLOW_UP });
    });

    test("turn 4 → Anthropic: the client's own thinking block is replayed byte-exact", async () => {
      const { answer, seen, body } = await viaUpstream("anthropic", turn4.reply, () => ask(models.anthropic));
      checks.anthropicTurn4(body, seen.body, calls);
      expect(answer.content.filter((b) => b.type === "text").map((b) => (b.type === "text" ? b.text : "")).join("")).toBe(turn4.text);
      messages.push({ role: "user", content: LAST });
    });

    test("turn 5 → Gemini: every functionCall carries its own signature or the bypass value", async () => {
      const { answer, seen, body } = await viaUpstream("gemini", turn5.reply, () => ask(models.gemini));
      checks.geminiTurn5(body, seen.body, calls, false);
      expect(answer.content.filter((b) => b.type === "text").map((b) => (b.type === "text" ? b.text : "")).join("")).toBe(turn5.text);
    });
  });
}

describe("thinking the gateway cannot restore is switched off, never sent unsigned", () => {
  test("OpenAI Chat client, open tool loop with a call the gateway never saw → Anthropic gets no thinking", async () => {
    const client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: "unused-on-open-loopback", maxRetries: 0 });
    const { answer, body } = await viaUpstream("anthropic", anthropicText(false).reply, () =>
      client.chat.completions.create({
        model: models.anthropic,
        reasoning_effort: "high",
        tools: CHAT_TOOLS,
        messages: [
          { role: "user", content: PROMPT },
          // A reasoning trace from elsewhere (no signature anywhere): it must not become an unsigned thinking block.
          { role: "assistant", content: "Let me check.", tool_calls: [{ id: "toolu_01NeverSeenByTheGateway0", type: "function", function: { name: "get_user_country", arguments: "{}" } }] },
          { role: "tool", tool_call_id: "toolu_01NeverSeenByTheGateway0", content: "Mexico" },
        ],
      }),
    );
    expect(anthropicStructure(body)).toEqual([]);
    const blocks = asObjects(body.messages).flatMap((m) => asObjects(m.content));
    expect(blocks.filter((b) => b.type === "thinking" || b.type === "redacted_thinking")).toEqual([]);
    const thinking = body.thinking as Obj | undefined;
    expect(thinking === undefined || thinking.type === "disabled").toBe(true);
    expect(answer.choices[0]!.message.content).toBe(anthropicText(false).text);
  });
});

describe("a signature another provider issued never reaches Anthropic through an Anthropic client", () => {
  test("Responses reasoning (encrypted_content) → Anthropic client → back to an Anthropic upstream", async () => {
    const client = new Anthropic({ baseURL: gw.url, apiKey: "unused-on-open-loopback", maxRetries: 0 });
    const history: Anthropic.MessageParam[] = [{ role: "user", content: "Say hello." }];
    const first = await viaUpstream("openai-responses", jsonReply("openai-responses/reasoning-encrypted-nonstream.response.json"), () =>
      client.messages.create({ model: models["openai-responses"], max_tokens: 2048, messages: history }),
    );
    const recorded = JSON.parse(fixtureText("openai-responses/reasoning-encrypted-nonstream.response.json")) as { output: Obj[] };
    const encrypted = recorded.output.find((item) => item.type === "reasoning")!.encrypted_content as string;
    // The client holds the Responses reasoning as a thinking block with a wrapped signature, and echoes it.
    const thinking = first.answer.content.find((b) => b.type === "thinking");
    expect(thinking).toBeDefined();
    if (thinking?.type === "thinking") expect(thinking.signature.startsWith(WRAPPED)).toBe(true);
    history.push({ role: "assistant", content: first.answer.content as Anthropic.ContentBlockParam[] }, { role: "user", content: "Again, please." });

    const second = await viaUpstream("anthropic", anthropicText(false).reply, () =>
      client.messages.create({ model: models.anthropic, max_tokens: 2048, thinking: { type: "enabled", budget_tokens: 1024 }, messages: history }),
    );
    expect(anthropicStructure(second.body)).toEqual([]);
    expectNoForeignSignatures(second.seen.body, [encrypted]);
  });
});
