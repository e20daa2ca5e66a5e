import type { IRResponse, IRStreamEvent, IRTextPart, IRThinkingPart, IRToolCallPart, IRUsage, IRError } from "./ir-types";

/** Merges a cumulative usage update into the running figure: fields the update lacks keep their value. */
export function mergeUsage(current: IRUsage | undefined, update: IRUsage): IRUsage {
  if (!current) return { ...update };
  const merged: IRUsage = { ...current };
  for (const key of Object.keys(update) as Array<keyof IRUsage>) {
    const value = update[key];
    if (value !== undefined) merged[key] = value;
  }
  return merged;
}

/**
 * Folds a stream of IR events back into one IRResponse: used when a non-stream answer must be built from a
 * stream, to record what a streamed answer said, and by tests.
 */
export class StreamCollector {
  id = "";
  model = "";
  created = 0;
  content: Array<IRTextPart | IRThinkingPart | IRToolCallPart> = [];
  usage: IRUsage | undefined;
  finishReason: IRResponse["finishReason"] | undefined;
  stopSequence: string | undefined;
  refusal: string | undefined;
  error: IRError | undefined;
  #byIndex = new Map<number, IRTextPart | IRThinkingPart | IRToolCallPart>();

  push(event: IRStreamEvent): void {
    switch (event.type) {
      case "start":
        this.id = event.id;
        this.model = event.model;
        this.created = event.created;
        if (event.usage) this.usage = mergeUsage(this.usage, event.usage);
        break;
      case "block_start": {
        const block = event.block;
        const part: IRTextPart | IRThinkingPart | IRToolCallPart =
          block.kind === "text"
            ? { type: "text", text: "" }
            : block.kind === "thinking"
              ? { type: "thinking", text: "" }
              : { type: "tool_call", id: block.id, name: block.name, arguments: "", ...(block.itemId ? { itemId: block.itemId } : {}) };
        this.#byIndex.set(event.index, part);
        this.content.push(part);
        break;
      }
      case "text_delta": {
        const part = this.#byIndex.get(event.index);
        if (part && part.type === "text") part.text += event.text;
        break;
      }
      case "thinking_delta": {
        const part = this.#byIndex.get(event.index);
        if (part && part.type === "thinking") part.text += event.text;
        break;
      }
      case "tool_args_delta": {
        const part = this.#byIndex.get(event.index);
        if (part && part.type === "tool_call") part.arguments += event.json;
        break;
      }
      case "signature": {
        const part = this.#byIndex.get(event.index);
        if (part) part.signature = event.signature;
        break;
      }
      case "block_stop": {
        const part = this.#byIndex.get(event.index);
        if (part && part.type === "tool_call" && part.arguments.trim() === "") part.arguments = "{}";
        break;
      }
      case "usage":
        this.usage = mergeUsage(this.usage, event.usage);
        break;
      case "finish":
        this.finishReason = event.reason;
        if (event.stopSequence !== undefined) this.stopSequence = event.stopSequence;
        if (event.refusal !== undefined) this.refusal = event.refusal;
        break;
      case "error":
        this.error = event.error;
        break;
      case "end":
        break;
    }
  }

  toResponse(): IRResponse {
    return {
      id: this.id,
      model: this.model,
      created: this.created,
      content: this.content,
      finishReason: this.finishReason ?? (this.error ? "error" : "stop"),
      ...(this.stopSequence !== undefined ? { stopSequence: this.stopSequence } : {}),
      ...(this.usage ? { usage: this.usage } : {}),
      ...(this.refusal !== undefined ? { refusal: this.refusal } : {}),
    };
  }
}

/** The event sequence that streams a complete response (non-stream upstream, streaming client; and tests). */
export function responseToEvents(response: IRResponse): IRStreamEvent[] {
  const events: IRStreamEvent[] = [{ type: "start", id: response.id, model: response.model, created: response.created }];
  response.content.forEach((part, index) => {
    if (part.type === "text") {
      events.push({ type: "block_start", index, block: { kind: "text" } });
      if (part.text) events.push({ type: "text_delta", index, text: part.text });
    } else if (part.type === "thinking") {
      events.push({ type: "block_start", index, block: { kind: "thinking" } });
      if (part.text) events.push({ type: "thinking_delta", index, text: part.text });
    } else {
      events.push({ type: "block_start", index, block: { kind: "tool_call", id: part.id, name: part.name, ...(part.itemId ? { itemId: part.itemId } : {}) } });
      events.push({ type: "tool_args_delta", index, json: part.arguments });
    }
    if (part.signature) events.push({ type: "signature", index, signature: part.signature });
    events.push({ type: "block_stop", index });
  });
  if (response.usage) events.push({ type: "usage", usage: response.usage });
  events.push({
    type: "finish",
    reason: response.finishReason,
    ...(response.stopSequence !== undefined ? { stopSequence: response.stopSequence } : {}),
    ...(response.refusal !== undefined ? { refusal: response.refusal } : {}),
  });
  events.push({ type: "end" });
  return events;
}
