/**
 * Splits SSE text into events as it arrives, across arbitrary chunk boundaries. Handles LF and CRLF framing
 * (Gemini's captures use CRLF). Yields each event's `event:` name (if any) and joined `data:` payload;
 * comments and other fields are ignored.
 */
export class SseReader {
  #buffer = "";
  #event: string | null = null;
  #data: string | null = null;

  push(text: string, onEvent: (data: string, event: string | null) => void): void {
    // Runs for every upstream chunk of every translated stream: scan in place, slice only the values.
    const buffer = this.#buffer.length > 0 ? this.#buffer + text : text;
    const length = buffer.length;
    let start = 0;
    for (;;) {
      const newline = buffer.indexOf("\n", start);
      if (newline === -1) break;
      const end = newline > start && buffer.charCodeAt(newline - 1) === 13 ? newline - 1 : newline;
      this.#line(buffer, start, end, onEvent);
      start = newline + 1;
    }
    this.#buffer = start >= length ? "" : start === 0 ? buffer : buffer.slice(start);
  }

  /** Flushes an event the upstream left unterminated. */
  end(onEvent: (data: string, event: string | null) => void): void {
    const rest = this.#buffer;
    this.#buffer = "";
    if (rest.length > 0) this.#line(rest, 0, rest.endsWith("\r") ? rest.length - 1 : rest.length, onEvent);
    this.#line("", 0, 0, onEvent);
  }

  #line(buffer: string, start: number, end: number, onEvent: (data: string, event: string | null) => void): void {
    if (end === start) {
      const data = this.#data;
      const event = this.#event;
      this.#data = null;
      this.#event = null;
      if (data !== null) onEvent(data, event);
      return;
    }
    const first = buffer.charCodeAt(start);
    if (first === 58 /* ':' comment */) return;
    // "data:" and "event:" are the only fields the formats use; id/retry are ignored.
    if (first === 100 /* d */ && buffer.startsWith("data:", start)) {
      const from = buffer.charCodeAt(start + 5) === 32 ? start + 6 : start + 5;
      const value = buffer.slice(from, end);
      this.#data = this.#data === null ? value : `${this.#data}\n${value}`;
    } else if (first === 101 /* e */ && buffer.startsWith("event:", start)) {
      const from = buffer.charCodeAt(start + 6) === 32 ? start + 7 : start + 6;
      this.#event = buffer.slice(from, end);
    } else if (end - start === 4 && buffer.startsWith("data", start)) {
      this.#data = this.#data === null ? "" : `${this.#data}\n`;
    }
  }
}

/** `event: <name>\ndata: <json>\n\n` — the framing of Anthropic and OpenAI Responses streams. */
export function namedSseFrame(event: string, payload: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(payload)}\n\n`;
}

/** `data: <json>\n\n` — the framing of OpenAI Chat and Gemini streams. */
export function dataSseFrame(payload: unknown): string {
  return `data: ${JSON.stringify(payload)}\n\n`;
}
