import { readFileSync } from "node:fs";
import { join } from "node:path";
import { FIXTURES } from "../fakes/openai-mock-upstream";
import { fixtureReply, splitSse, type RecordedReply } from "../fakes/recorded-upstream";

/**
 * Recorded upstream answers for the provider-switch conversation, plus what a client must end up seeing from
 * each (texts, tool calls, signatures), read from the same recordings so the test never hard-codes them.
 */

const encoder = new TextEncoder();

export function fixtureText(path: string): string {
  return readFileSync(join(FIXTURES, path), "utf8");
}

export function jsonReply(path: string): RecordedReply {
  return { status: 200, contentType: "application/json", pieces: [encoder.encode(fixtureText(path))] };
}

export function sseReply(text: string): RecordedReply {
  return { status: 200, contentType: "text/event-stream", pieces: splitSse(text) };
}

/** SSE events as written (CRLF or LF framing), each with its parsed data payload. */
function events(text: string): Array<{ raw: string; data: Record<string, unknown> | null }> {
  return text
    .split(/\r?\n\r?\n/)
    .filter((raw) => raw.trim().length > 0)
    .map((raw) => {
      const line = raw.split(/\r?\n/).find((l) => l.startsWith("data:"));
      let data: Record<string, unknown> | null = null;
      try {
        data = line ? (JSON.parse(line.slice(5)) as Record<string, unknown>) : null;
      } catch {
        data = null;
      }
      return { raw, data };
    });
}

export interface AnthropicToolTurn {
  reply: RecordedReply;
  /** The thinking block as the client must receive it and later send back byte-exact. */
  thinking: string;
  signature: string;
  text: string | null;
  calls: Array<{ id: string; name: string; input: Record<string, unknown> }>;
}

/** Non-stream: the recorded thinking (signed) + text + tool_use answer. */
export function anthropicThinkingToolJson(): AnthropicToolTurn {
  const path = "anthropic/thinking-tool-nonstream.turn1.response.json";
  const body = JSON.parse(fixtureText(path)) as { content: Array<Record<string, unknown>> };
  const thinking = body.content.find((b) => b.type === "thinking")!;
  const text = body.content.find((b) => b.type === "text");
  return {
    reply: jsonReply(path),
    thinking: thinking.thinking as string,
    signature: thinking.signature as string,
    text: (text?.text as string | undefined) ?? null,
    calls: body.content.filter((b) => b.type === "tool_use").map((b) => ({ id: b.id as string, name: b.name as string, input: b.input as Record<string, unknown> })),
  };
}

/**
 * Stream: no single recording has streamed thinking followed by tool_use, so two are joined event by event,
 * bytes untouched except the block index: the signed thinking block of thinking-stream-raw.sse (with its
 * message_start and pings), then the two tool_use blocks of tool-stream-raw.turn1.sse re-indexed after it, and
 * that recording's message_delta (stop_reason tool_use) and message_stop. Whitespace padding is kept.
 */
export function anthropicThinkingToolStream(): AnthropicToolTurn {
  const thinkingEvents = events(fixtureText("anthropic/thinking-stream-raw.sse"));
  const toolEvents = events(fixtureText("anthropic/tool-stream-raw.turn1.sse"));
  const kept: string[] = [];
  let thinking = "";
  let signature = "";
  for (const { raw, data } of thinkingEvents) {
    if (!data) continue;
    const type = data.type;
    if (type === "message_start" || type === "ping") kept.push(raw);
    else if ((type === "content_block_start" || type === "content_block_delta" || type === "content_block_stop") && data.index === 0) {
      kept.push(raw);
      const delta = data.delta as { type?: string; thinking?: string; signature?: string } | undefined;
      if (delta?.type === "thinking_delta") thinking += delta.thinking ?? "";
      if (delta?.type === "signature_delta") signature = delta.signature ?? "";
    }
  }
  const calls: AnthropicToolTurn["calls"] = [];
  for (const { raw, data } of toolEvents) {
    if (!data || data.type === "message_start") continue;
    if (typeof data.index === "number") {
      kept.push(raw.replace(/"index":(\d+)/, (_m, n: string) => `"index":${Number(n) + 1}`));
      const block = data.content_block as { type?: string; id?: string; name?: string } | undefined;
      if (data.type === "content_block_start" && block?.type === "tool_use") calls.push({ id: block.id!, name: block.name!, input: {} });
    } else kept.push(raw);
  }
  return { reply: sseReply(`${kept.join("\n\n")}\n\n`), thinking, signature, text: null, calls };
}

export interface GeminiCallTurn {
  reply: RecordedReply;
  name: string;
  args: Record<string, unknown>;
  /** The functionCall part's own thoughtSignature, when the recording has one. */
  signature: string | null;
}

function geminiCall(parts: Array<Record<string, unknown>>): { name: string; args: Record<string, unknown>; signature: string | null } {
  const part = parts.find((p) => p.functionCall)!;
  const call = part.functionCall as { name: string; args?: Record<string, unknown> };
  return { name: call.name, args: call.args ?? {}, signature: typeof part.thoughtSignature === "string" ? part.thoughtSignature : null };
}

/** Non-stream: a functionCall without signature (gemini-2.0). */
export function geminiCallJson(): GeminiCallTurn {
  const path = "gemini/tool-nonstream.turn2.response.json";
  const body = JSON.parse(fixtureText(path)) as { candidates: Array<{ content: { parts: Array<Record<string, unknown>> } }> };
  return { reply: jsonReply(path), ...geminiCall(body.candidates[0]!.content.parts) };
}

/** Stream: a signed functionCall (gemini-3-pro), then an empty STOP chunk. */
export function geminiCallStream(): GeminiCallTurn {
  const text = fixtureText("gemini/tool-stream-thoughtsig.turn1.sse");
  const first = events(text).find((e) => e.data)!.data as { candidates: Array<{ content: { parts: Array<Record<string, unknown>> } }> };
  return { reply: sseReply(text), ...geminiCall(first.candidates[0]!.content.parts) };
}

export interface TextTurn {
  reply: RecordedReply;
  text: string;
}

export function chatText(stream: boolean): TextTurn {
  if (!stream) {
    const path = "openai-chat/text-nonstream.response.json";
    return { reply: jsonReply(path), text: (JSON.parse(fixtureText(path)) as { choices: Array<{ message: { content: string } }> }).choices[0]!.message.content };
  }
  const lines = fixtureText("openai-chat/text-stream.chunks.jsonl").split("\n").filter((l) => l.trim());
  const text = lines.map((l) => (JSON.parse(l) as { choices: Array<{ delta?: { content?: string | null } }> }).choices[0]?.delta?.content ?? "").join("");
  return { reply: fixtureReply("openai-chat", "text-stream").reply, text };
}

export function anthropicText(stream: boolean): TextTurn {
  if (!stream) {
    const path = "anthropic/text-nonstream.response.json";
    const body = JSON.parse(fixtureText(path)) as { content: Array<{ type: string; text?: string }> };
    return { reply: jsonReply(path), text: body.content.filter((b) => b.type === "text").map((b) => b.text).join("") };
  }
  const raw = fixtureText("anthropic/text-stream-raw.sse");
  let text = "";
  for (const { data } of events(raw)) {
    const delta = data?.delta as { type?: string; text?: string } | undefined;
    if (data?.type === "content_block_delta" && delta?.type === "text_delta") text += delta.text ?? "";
  }
  return { reply: sseReply(raw), text };
}

export function geminiText(stream: boolean): TextTurn {
  const partsText = (body: { candidates?: Array<{ content?: { parts?: Array<{ text?: string; thought?: boolean }> } }> }) =>
    (body.candidates?.[0]?.content?.parts ?? []).filter((p) => !p.thought).map((p) => p.text ?? "").join("");
  if (!stream) {
    const path = "gemini/text-nonstream.response.json";
    return { reply: jsonReply(path), text: partsText(JSON.parse(fixtureText(path))) };
  }
  const raw = fixtureText("gemini/text-stream.sse");
  return { reply: sseReply(raw), text: events(raw).map((e) => (e.data ? partsText(e.data) : "")).join("") };
}
