import type { ClientEncodeContext, StreamEncoder } from "../../ir/format-adapter";
import type { IRStreamEvent, IRUsage } from "../../ir/ir-types";
import { mergeUsage } from "../../ir/stream-collector";
import {
  chatCompletionId,
  chatErrorFields,
  chatFinishReason,
  chatUsage,
  THINKING_BLOCK_SEPARATOR,
} from "./openai-chat-response-encode";

interface ToolBlock {
  /** Chat's tool_calls index: counts tool calls only, from 0. */
  chatIndex: number;
  hasArgs: boolean;
}

const DONE = "data: [DONE]\n\n";
const OPEN_TAIL = ',"logprobs":null,"finish_reason":null}]}\n\n';

/**
 * IR events → Chat `chat.completion.chunk` SSE. Every chunk shares one id/created/model; the chunk JSON is built
 * from a precomputed prefix so a delta costs one JSON.stringify of its text. Thinking goes out as
 * `delta.reasoning_content`; signatures have no Chat field and are dropped.
 */
export class ChatStreamEncoder implements StreamEncoder {
  #context: ClientEncodeContext;
  /** `data: {"id":…,"object":…,"created":…,"model":…,` — shared by every chunk. */
  #envelope = "";
  /** `#envelope` + `"choices":[{"index":0,"delta":` */
  #head = "";
  #started = false;
  #finished = false;
  #errored = false;
  #ended = false;
  #tools = new Map<number, ToolBlock>();
  #openTool: ToolBlock | null = null;
  #toolCount = 0;
  #thinkingShown = false;
  #thinkingSeparator = false;
  #usage: IRUsage | undefined;

  constructor(context: ClientEncodeContext) {
    this.#context = context;
  }

  encode(event: IRStreamEvent): string {
    if (this.#ended) return "";
    switch (event.type) {
      case "start":
        if (this.#started) return "";
        if (event.usage) this.#usage = mergeUsage(this.#usage, event.usage);
        return this.#start(event.id, event.created);
      case "block_start": {
        if (this.#errored || this.#finished) return "";
        const prefix = this.#started ? "" : this.#start("", 0);
        const block = event.block;
        if (block.kind === "tool_call") {
          const tool: ToolBlock = { chatIndex: this.#toolCount++, hasArgs: false };
          this.#tools.set(event.index, tool);
          this.#openTool = tool;
          return (
            prefix +
            this.#chunk(
              `{"tool_calls":[{"index":${tool.chatIndex},"id":${JSON.stringify(block.id)},"type":"function","function":{"name":${JSON.stringify(block.name)},"arguments":""}}]}`,
            )
          );
        }
        if (block.kind === "thinking" && this.#thinkingShown) this.#thinkingSeparator = true;
        return prefix;
      }
      case "text_delta":
        if (!event.text || this.#errored || this.#finished) return "";
        return this.#startIfNeeded() + this.#chunk(`{"content":${JSON.stringify(event.text)}}`);
      case "thinking_delta": {
        if (!event.text || this.#errored || this.#finished) return "";
        let text = event.text;
        if (this.#thinkingSeparator) {
          text = THINKING_BLOCK_SEPARATOR + text;
          this.#thinkingSeparator = false;
        }
        this.#thinkingShown = true;
        return this.#startIfNeeded() + this.#chunk(`{"reasoning_content":${JSON.stringify(text)}}`);
      }
      case "tool_args_delta": {
        if (!event.json || this.#errored || this.#finished) return "";
        const tool = this.#tools.get(event.index);
        if (!tool) return "";
        if (!tool.hasArgs && event.json.trim() === "") return "";
        tool.hasArgs = true;
        return this.#chunk(`{"tool_calls":[{"index":${tool.chatIndex},"function":{"arguments":${JSON.stringify(event.json)}}}]}`);
      }
      case "block_stop": {
        const tool = this.#tools.get(event.index);
        if (!tool || tool !== this.#openTool || this.#errored || this.#finished) return "";
        return this.#closeTool();
      }
      case "signature":
        return "";
      case "usage":
        this.#usage = mergeUsage(this.#usage, event.usage);
        return "";
      case "finish": {
        if (this.#errored || this.#finished) return "";
        let out = this.#startIfNeeded() + this.#closeTool();
        if (event.refusal) out += this.#chunk(`{"refusal":${JSON.stringify(event.refusal)}}`);
        return out + this.#finish(chatFinishReason(event.reason, this.#toolCount > 0));
      }
      case "error":
        if (this.#errored) return "";
        this.#errored = true;
        // The openai SDK raises an APIError for a data payload with an `error` field.
        return `data: ${JSON.stringify({ error: chatErrorFields(event.error) })}\n\n`;
      case "end": {
        this.#ended = true;
        let out = "";
        if (!this.#errored) {
          // A stream cut short still ends the way Chat clients require: a finish_reason, then usage.
          if (!this.#finished) out += this.#startIfNeeded() + this.#closeTool() + this.#finish(chatFinishReason("stop", this.#toolCount > 0));
          if (this.#context.includeUsage && this.#usage) {
            out += `${this.#envelope}"choices":[],"usage":${JSON.stringify(chatUsage(this.#usage))}}\n\n`;
          }
        }
        return out + DONE;
      }
    }
  }

  #start(irId: string, created: number): string {
    this.#started = true;
    const id = chatCompletionId(irId, this.#context);
    this.#envelope = `data: {"id":${JSON.stringify(id)},"object":"chat.completion.chunk","created":${created || Math.floor(Date.now() / 1000)},"model":${JSON.stringify(this.#context.model)},`;
    this.#head = `${this.#envelope}"choices":[{"index":0,"delta":`;
    return this.#chunk('{"role":"assistant","content":""}');
  }

  #startIfNeeded(): string {
    return this.#started ? "" : this.#start("", 0);
  }

  #chunk(delta: string): string {
    return this.#head + delta + OPEN_TAIL;
  }

  #finish(reason: string): string {
    this.#finished = true;
    return `${this.#head}{},"logprobs":null,"finish_reason":"${reason}"}]}\n\n`;
  }

  /** Ends the open tool call; one that never got arguments gets "{}" so clients can parse them. */
  #closeTool(): string {
    const tool = this.#openTool;
    if (!tool) return "";
    this.#openTool = null;
    if (tool.hasArgs) return "";
    tool.hasArgs = true;
    return this.#chunk(`{"tool_calls":[{"index":${tool.chatIndex},"function":{"arguments":"{}"}}]}`);
  }
}
