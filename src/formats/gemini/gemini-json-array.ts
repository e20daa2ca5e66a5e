/**
 * Splits Gemini's non-SSE stream (`streamGenerateContent` without `alt=sse`: one JSON array whose elements
 * arrive over time, `[{…}\n,\r\n{…}\n]`) into element texts, across arbitrary chunk boundaries. A bare top-level
 * object (an error body) is yielded the same way.
 */
export class JsonArrayReader {
  /** Unconsumed text, starting at the current element's `{` while one is open. */
  #buffer = "";
  #scan = 0;
  #open = false;
  #depth = 0;
  #inString = false;

  push(text: string, onElement: (json: string) => void): void {
    const buffer = this.#buffer.length === 0 ? text : this.#buffer + text;
    let start = 0;
    let i = this.#scan;
    while (i < buffer.length) {
      if (this.#inString) {
        // Jump to the closing quote (signatures and texts are long): a quote preceded by an odd run of
        // backslashes is escaped. The look-back stops at the opening quote at the latest.
        let quote = buffer.indexOf('"', i);
        while (quote !== -1 && isEscaped(buffer, quote)) quote = buffer.indexOf('"', quote + 1);
        if (quote === -1) {
          i = buffer.length;
          break;
        }
        this.#inString = false;
        i = quote + 1;
        continue;
      }
      const c = buffer.charCodeAt(i);
      if (!this.#open) {
        // Between elements: `[`, `,`, `]` and whitespace carry nothing.
        if (c === 123 /* { */) {
          this.#open = true;
          this.#depth = 1;
          start = i;
        }
      } else if (c === 34 /* " */) {
        this.#inString = true;
      } else if (c === 123 || c === 91 /* [ */) {
        this.#depth++;
      } else if ((c === 125 /* } */ || c === 93) /* ] */ && --this.#depth === 0) {
        this.#open = false;
        onElement(buffer.slice(start, i + 1));
      }
      i++;
    }
    if (this.#open) {
      this.#buffer = buffer.slice(start);
      this.#scan = i - start;
    } else {
      this.#buffer = "";
      this.#scan = 0;
    }
  }
}

function isEscaped(text: string, quote: number): boolean {
  let backslashes = 0;
  for (let i = quote - 1; text.charCodeAt(i) === 92 /* \ */; i--) backslashes++;
  return backslashes % 2 === 1;
}
