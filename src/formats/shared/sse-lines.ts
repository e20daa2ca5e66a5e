/**
 * Splits SSE text into events as it arrives, across arbitrary chunk boundaries. Handles LF and CRLF framing
 * (Gemini's captures use CRLF). Yields each event's `event:` name (if any) and joined `data:` payload;
 * comments and other fields are ignored.
 */
export class SseReader {
  #buffer = "";
  #event: string | null = null;
  #data: string[] = [];

  push(text: string, onEvent: (data: string, event: string | null) => void): void {
    this.#buffer += text;
    let start = 0;
    for (;;) {
      const newline = this.#buffer.indexOf("\n", start);
      if (newline === -1) break;
      let line = this.#buffer.slice(start, newline);
      start = newline + 1;
      if (line.endsWith("\r")) line = line.slice(0, -1);
      this.#line(line, onEvent);
    }
    this.#buffer = start === 0 ? this.#buffer : this.#buffer.slice(start);
  }

  /** Flushes an event the upstream left unterminated. */
  end(onEvent: (data: string, event: string | null) => void): void {
    if (this.#buffer.length > 0) {
      const line = this.#buffer.endsWith("\r") ? this.#buffer.slice(0, -1) : this.#buffer;
      this.#buffer = "";
      this.#line(line, onEvent);
    }
    this.#line("", onEvent);
  }

  #line(line: string, onEvent: (data: string, event: string | null) => void): void {
    if (line === "") {
      if (this.#data.length > 0) {
        const data = this.#data.length === 1 ? this.#data[0]! : this.#data.join("\n");
        const event = this.#event;
        this.#data = [];
        this.#event = null;
        onEvent(data, event);
      } else {
        this.#event = null;
      }
      return;
    }
    if (line.charCodeAt(0) === 58 /* ':' comment */) return;
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? "" : line.slice(colon + 1);
    if (value.charCodeAt(0) === 32) value = value.slice(1);
    if (field === "data") this.#data.push(value);
    else if (field === "event") this.#event = value;
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
