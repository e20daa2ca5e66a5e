/**
 * Models served through OpenAI-compatible APIs without a reasoning parser (DeepSeek-R1 distills, QwQ, MiniMax,
 * some vLLM/Ollama setups) inline their reasoning as `<think>…</think>` at the start of `content`. We turn that
 * prefix into thinking so every client sees reasoning where its format puts it.
 *
 * Only content that STARTS with the tag (leading whitespace allowed) is treated this way: a `<think>` later in
 * an answer is the model talking about the tag, not reasoning. Works incrementally: tags may be split across
 * chunks at any character.
 */

const OPEN = "<think>";
const CLOSE = "</think>";

/** Receives the split output, in order. */
export interface ThinkTagSink {
  thinking(text: string): void;
  text(text: string): void;
}

const enum State {
  /** Before any non-whitespace content: deciding whether the content opens with `<think>`. */
  Detect,
  /** Inside `<think>`: looking for `</think>`. */
  Thinking,
  /** Right after `</think>`: whitespace is dropped; another `<think>` continues the reasoning. */
  AfterClose,
  /** Plain answer text: passed through untouched. */
  Text,
}

function isWhitespace(code: number): boolean {
  return code === 32 || code === 10 || code === 13 || code === 9;
}

/** CLOSE_PREFIXES[n] = the first n characters of `</think>`: a closing tag possibly cut by the chunking. */
const CLOSE_PREFIXES = Array.from({ length: CLOSE.length }, (_, n) => CLOSE.slice(0, n));

/** Length of the longest suffix of `text` that is a proper prefix of `</think>`. */
function partialCloseSuffix(text: string): number {
  for (let length = Math.min(CLOSE.length - 1, text.length); length > 0; length--) {
    if (text.endsWith(CLOSE_PREFIXES[length]!)) return length;
  }
  return 0;
}

export class ThinkTagExtractor {
  #state: State = State.Detect;
  /** Text held back until we know what it is (leading whitespace / a partial tag). */
  #pending = "";
  #sink: ThinkTagSink;

  constructor(sink: ThinkTagSink) {
    this.#sink = sink;
  }

  push(chunk: string): void {
    if (chunk.length === 0) return;
    if (this.#state === State.Text) {
      this.#sink.text(chunk);
      return;
    }
    this.#feed(this.#pending.length > 0 ? this.#pending + chunk : chunk);
  }

  /**
   * The content ended (or something else, such as a tool call, interrupted it): whatever was held back is
   * flushed as what it most likely is, and later content is plain text.
   */
  end(): void {
    const pending = this.#pending;
    const state = this.#state;
    this.#pending = "";
    this.#state = State.Text;
    if (pending.length === 0) return;
    if (state === State.Thinking) {
      // An unterminated `<think>`: the model was cut off mid-reasoning.
      this.#sink.thinking(pending);
    } else if (state === State.AfterClose) {
      const start = firstNonWhitespace(pending);
      if (start !== -1) this.#sink.text(pending.slice(start));
    } else {
      this.#sink.text(pending);
    }
  }

  #feed(input: string): void {
    let text = input;
    this.#pending = "";
    for (;;) {
      if (this.#state === State.Text) {
        if (text.length > 0) this.#sink.text(text);
        return;
      }
      if (this.#state === State.Thinking) {
        const close = text.indexOf(CLOSE);
        if (close === -1) {
          const keep = partialCloseSuffix(text);
          const emit = keep === 0 ? text : text.slice(0, text.length - keep);
          if (emit.length > 0) this.#sink.thinking(emit);
          this.#pending = keep === 0 ? "" : text.slice(text.length - keep);
          return;
        }
        if (close > 0) this.#sink.thinking(text.slice(0, close));
        text = text.slice(close + CLOSE.length);
        this.#state = State.AfterClose;
        continue;
      }
      // Detect / AfterClose: skip whitespace, then decide on the first non-whitespace characters.
      const start = firstNonWhitespace(text);
      if (start === -1) {
        this.#pending = text;
        return;
      }
      const rest = text.slice(start);
      if (rest.length < OPEN.length && OPEN.startsWith(rest)) {
        this.#pending = text;
        return;
      }
      if (rest.startsWith(OPEN)) {
        // Whitespace between two think sections stays inside the reasoning, so the sections remain apart.
        if (this.#state === State.AfterClose && start > 0) this.#sink.thinking(text.slice(0, start));
        this.#state = State.Thinking;
        text = rest.slice(OPEN.length);
        continue;
      }
      // Plain text: after a think section its separating whitespace is dropped; otherwise kept verbatim.
      if (this.#state === State.AfterClose) text = rest;
      this.#state = State.Text;
    }
  }
}

function firstNonWhitespace(text: string): number {
  for (let i = 0; i < text.length; i++) if (!isWhitespace(text.charCodeAt(i))) return i;
  return -1;
}

/** Non-stream form: splits a whole `content` string. `thinking` is null when the content had no leading tag. */
export function splitThinkTags(content: string): { thinking: string | null; text: string } {
  const start = firstNonWhitespace(content);
  if (start === -1 || content.charCodeAt(start) !== 60 /* '<' */) return { thinking: null, text: content };
  let thinking: string | null = null;
  let text = "";
  const extractor = new ThinkTagExtractor({
    thinking(part) {
      thinking = (thinking ?? "") + part;
    },
    text(part) {
      text += part;
    },
  });
  extractor.push(content);
  extractor.end();
  return { thinking, text };
}
