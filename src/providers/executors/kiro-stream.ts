import { EventStreamDecoder, type EventStreamMessage } from "../../upstream/aws-event-stream";

/**
 * Kiro's answer (AWS event-stream binary frames, JSON payloads) → OpenAI Chat SSE (`data: {chat.completion.chunk}`
 * lines, then `data: [DONE]`), so the gateway's OpenAI Chat decoders — streaming and the non-stream fold alike —
 * read it as any Chat upstream.
 *
 * Events (`:event-type`):
 * - `assistantResponseEvent {content}` → a text delta (the first carries `role: "assistant"`);
 * - `reasoningContentEvent {text}` → `reasoning_content`;
 * - `toolUseEvent {toolUseId, name, input, stop}` → `tool_calls` deltas: the first for an id carries index, id, type
 *   and name; `input` arrives either as fragments or as growing snapshots of the whole JSON text, so a value that
 *   extends what was sent already contributes only its new tail, and a repeated snapshot nothing;
 * - `meteringEvent` / `contextUsageEvent {contextUsagePercentage}` → a usage chunk at the end. Kiro reports no
 *   token counts: prompt tokens are the context share of the model's window, completion tokens ≈ output chars / 4
 *   (estimates, flagged as such in the docs; prices are zero anyway);
 * - an exception message (`:message-type` `exception` / `error`) → `data: {"error": …}`.
 * The end: `finish_reason` `tool_calls` when a tool was called, else `stop`.
 */

type Json = Record<string, unknown>;

/** Kiro's Claude models answer from a 200k context window; contextUsagePercentage is a share of it. */
export const KIRO_CONTEXT_WINDOW = 200_000;

interface ToolState {
  index: number;
  sent: string;
}

const isRecord = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value);
const utf8 = new TextDecoder();

export class KiroSseConverter {
  readonly #id: string;
  readonly #model: string;
  readonly #created = Math.floor(Date.now() / 1000);
  #roleSent = false;
  readonly #tools = new Map<string, ToolState>();
  #outputChars = 0;
  #contextPercent: number | null = null;
  #inputTokens: number | null = null;
  #outputTokens: number | null = null;
  #finished = false;

  constructor(model: string, id = `chatcmpl-kiro-${crypto.randomUUID()}`) {
    this.#model = model;
    this.#id = id;
  }

  #chunk(delta: Json, finish: string | null = null): string {
    if (!this.#roleSent) {
      this.#roleSent = true;
      delta = { role: "assistant", ...delta };
    }
    return `data: ${JSON.stringify({ id: this.#id, object: "chat.completion.chunk", created: this.#created, model: this.#model, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
  }

  /** One decoded frame → the SSE text it yields ("" for bookkeeping events). */
  message(message: EventStreamMessage): string {
    if (this.#finished) return "";
    const kind = message.headers[":message-type"] ?? "event";
    let payload: unknown = null;
    try {
      payload = message.payload.length > 0 ? JSON.parse(utf8.decode(message.payload)) : null;
    } catch {
      payload = null;
    }
    if (kind === "exception" || kind === "error") {
      const type = message.headers[":exception-type"] ?? message.headers[":error-code"] ?? "KiroStreamError";
      const text = isRecord(payload) && typeof payload.message === "string" ? payload.message.slice(0, 500) : type;
      this.#finished = true;
      return `data: ${JSON.stringify({ error: { message: text, type: "api_error", code: /^[A-Za-z0-9_.:-]{1,64}$/.test(type) ? type : "KiroStreamError" } })}\n\n`;
    }
    if (!isRecord(payload)) return "";
    switch (message.headers[":event-type"]) {
      case "assistantResponseEvent":
        return this.#text(payload.content, "content");
      case "reasoningContentEvent":
        return this.#text(payload.text ?? payload.content, "reasoning_content");
      case "toolUseEvent":
        return this.#toolUse(payload);
      case "contextUsageEvent":
        if (typeof payload.contextUsagePercentage === "number" && Number.isFinite(payload.contextUsagePercentage)) this.#contextPercent = payload.contextUsagePercentage;
        return "";
      case "meteringEvent":
      case "metadataEvent":
        this.#tokens(isRecord(payload.tokenUsage) ? payload.tokenUsage : payload);
        return "";
      default:
        return "";
    }
  }

  #text(value: unknown, field: "content" | "reasoning_content"): string {
    if (typeof value !== "string" || value === "") return "";
    if (field === "content") this.#outputChars += value.length;
    return this.#chunk({ [field]: value });
  }

  #toolUse(payload: Json): string {
    const id = payload.toolUseId;
    if (typeof id !== "string" || id === "") return "";
    let out = "";
    let state = this.#tools.get(id);
    if (!state) {
      const name = typeof payload.name === "string" ? payload.name : "";
      state = { index: this.#tools.size, sent: "" };
      this.#tools.set(id, state);
      out += this.#chunk({ tool_calls: [{ index: state.index, id, type: "function", function: { name, arguments: "" } }] });
    }
    const input = typeof payload.input === "string" ? payload.input : isRecord(payload.input) ? JSON.stringify(payload.input) : "";
    let tail = "";
    if (input === "" || input === state.sent) tail = "";
    else if (state.sent !== "" && input.startsWith(state.sent)) tail = input.slice(state.sent.length);
    else tail = input;
    if (tail !== "") {
      state.sent += tail;
      this.#outputChars += tail.length;
      out += this.#chunk({ tool_calls: [{ index: state.index, function: { arguments: tail } }] });
    }
    return out;
  }

  #tokens(source: Json): void {
    const input = source.inputTokens ?? source.input_tokens;
    const output = source.outputTokens ?? source.output_tokens;
    if (typeof input === "number" && Number.isFinite(input)) this.#inputTokens = Math.round(input);
    if (typeof output === "number" && Number.isFinite(output)) this.#outputTokens = Math.round(output);
  }

  /** The stream ended: the finish chunk, the usage chunk when there are numbers, `[DONE]`. */
  end(): string {
    if (this.#finished) return "data: [DONE]\n\n";
    this.#finished = true;
    let out = this.#chunk({}, this.#tools.size > 0 ? "tool_calls" : "stop");
    const prompt = this.#inputTokens ?? (this.#contextPercent !== null ? Math.round((this.#contextPercent / 100) * KIRO_CONTEXT_WINDOW) : null);
    if (prompt !== null) {
      const completion = this.#outputTokens ?? Math.ceil(this.#outputChars / 4);
      const usage = { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
      out += `data: ${JSON.stringify({ id: this.#id, object: "chat.completion.chunk", created: this.#created, model: this.#model, choices: [], usage })}\n\n`;
    }
    return out + "data: [DONE]\n\n";
  }
}

const encoder = new TextEncoder();

/**
 * The upstream's event-stream body → an SSE body. A corrupt frame (bad checksum) or a body cut inside a frame errors
 * the stream, which the pipeline reports as a broken upstream stream.
 */
export function kiroEventStreamToSse(body: ReadableStream<Uint8Array>, model: string): ReadableStream<Uint8Array> {
  const decoder = new EventStreamDecoder();
  const converter = new KiroSseConverter(model);
  return body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        let text = "";
        for (const message of decoder.push(chunk)) text += converter.message(message);
        if (text !== "") controller.enqueue(encoder.encode(text));
      },
      flush(controller) {
        decoder.end();
        controller.enqueue(encoder.encode(converter.end()));
      },
    }),
  );
}
