/**
 * The gateway asks OpenAI-format upstreams for usage in every stream (`stream_options.include_usage`), so cost
 * and quota never go blind. A client that did not ask must not receive the extra usage-only chunk
 * (`"choices": []`): clients that read `chunk.choices[0]` unconditionally would break on it. This filter drops
 * exactly those events from the relayed bytes and passes everything else through as it came.
 *
 * Bytes are handled at SSE event boundaries (a blank line). A chunk that ends on a boundary and holds no usage
 * object is returned as it is — the common case costs one byte search, no copy. An event split across chunks is
 * held back until its end arrives.
 */
export class UsageChunkFilter {
  #carry: Uint8Array | null = null;

  /** The bytes to send for one upstream chunk (possibly empty while an event is incomplete). */
  push(chunk: Uint8Array): Uint8Array {
    const bytes = this.#carry ? concat(this.#carry, chunk) : chunk;
    this.#carry = null;
    const end = lastEventEnd(bytes);
    if (end < bytes.byteLength) {
      this.#carry = bytes.slice(end);
      if (end === 0) return EMPTY;
    }
    const complete = end < bytes.byteLength ? bytes.subarray(0, end) : bytes;
    if (!mentionsUsageObject(complete)) return complete;
    return dropUsageOnlyEvents(complete);
  }

  /** Whatever is left when the upstream ends (an unterminated last event is passed on as it is). */
  flush(): Uint8Array {
    const rest = this.#carry ?? EMPTY;
    this.#carry = null;
    return rest;
  }
}

const EMPTY = new Uint8Array(0);
const LF = 10;
const CR = 13;
const decoder = new TextDecoder();
const encoder = new TextEncoder();

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.byteLength + b.byteLength);
  out.set(a, 0);
  out.set(b, a.byteLength);
  return out;
}

/** Index just past the last blank line (`\n\n` or `\n\r\n`), or 0 when the bytes hold no complete event. */
function lastEventEnd(bytes: Uint8Array): number {
  for (let i = bytes.byteLength - 1; i > 0; i--) {
    if (bytes[i] !== LF) continue;
    if (bytes[i - 1] === LF) return i + 1;
    if (bytes[i - 1] === CR && i >= 2 && bytes[i - 2] === LF) return i + 1;
  }
  return 0;
}

/** `"usage"` followed by `:` and `{` (spaces allowed): only the chunk carrying the counts has it, not `"usage":null`. */
function mentionsUsageObject(bytes: Uint8Array): boolean {
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = view.indexOf('"usage"');
  while (at !== -1) {
    let i = at + 7;
    while (bytes[i] === 32 || bytes[i] === 9) i++;
    if (bytes[i] === 58 /* : */) {
      i++;
      while (bytes[i] === 32 || bytes[i] === 9) i++;
      if (bytes[i] === 123 /* { */) return true;
    }
    at = view.indexOf('"usage"', at + 7);
  }
  return false;
}

/** Rebuilds complete events without the ones whose data is a chunk with an empty `choices` array. */
function dropUsageOnlyEvents(bytes: Uint8Array): Uint8Array {
  const text = decoder.decode(bytes);
  const events = text.split(/(?<=\n\r?\n)/);
  const kept = events.filter((event) => !isUsageOnly(event));
  return kept.length === events.length ? bytes : encoder.encode(kept.join(""));
}

function isUsageOnly(event: string): boolean {
  const data = event
    .split(/\r?\n/)
    .filter((line) => line.startsWith("data:"))
    .map((line) => line.slice(5).trimStart())
    .join("\n");
  if (!data.startsWith("{") || !data.includes('"usage"')) return false;
  try {
    const chunk = JSON.parse(data) as { choices?: unknown; usage?: unknown };
    return Array.isArray(chunk.choices) && chunk.choices.length === 0 && typeof chunk.usage === "object" && chunk.usage !== null;
  } catch {
    return false;
  }
}
