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
    return withoutUsageOnlyEvents(complete);
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

/** A byte view that offers the native `indexOf`/`lastIndexOf` (no copy). */
const viewOf = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

// Needles encoded once: a string needle would be encoded again on every search.
const USAGE_OBJECT = Buffer.from('"usage":{');
const USAGE_OBJECT_SPACED = /"usage"\s*:\s*\{/;
const USAGE = Buffer.from('"usage"');
const BLANK_LINE = Buffer.from("\n\n");
const BLANK_LINE_CRLF = Buffer.from("\n\r\n");
const NO_CHOICES = Buffer.from('"choices":[]');
const CHOICES = Buffer.from('"choices"');

/** Start of the SSE event holding `at`: just past the previous blank line, or 0. */
function eventStart(view: Buffer, at: number): number {
  const lf = view.lastIndexOf(BLANK_LINE, at);
  const crlf = view.lastIndexOf(BLANK_LINE_CRLF, at);
  return Math.max(lf === -1 ? 0 : lf + 2, crlf === -1 ? 0 : crlf + 3);
}

/** End of the SSE event holding `at`: just past its blank line (complete input always has one). */
function eventEnd(view: Buffer, at: number): number {
  const lf = view.indexOf(BLANK_LINE, at);
  const crlf = view.indexOf(BLANK_LINE_CRLF, at);
  if (lf === -1) return crlf === -1 ? view.byteLength : crlf + 3;
  return crlf === -1 || lf < crlf ? lf + 2 : crlf + 3;
}

/** Positions of usage objects (`"usage":{`, compact as providers send it, or spaced). */
function usageObjects(view: Buffer): number[] {
  const found: number[] = [];
  for (let at = view.indexOf(USAGE_OBJECT); at !== -1; at = view.indexOf(USAGE_OBJECT, at + USAGE_OBJECT.byteLength)) found.push(at);
  if (found.length > 0) return found;
  // Rare: spaced JSON. Only then look at every "usage" key.
  for (let at = view.indexOf(USAGE); at !== -1; at = view.indexOf(USAGE, at + USAGE.byteLength)) {
    if (USAGE_OBJECT_SPACED.test(view.toString("latin1", at, Math.min(view.byteLength, at + 32)))) found.push(at);
  }
  return found;
}

/**
 * The complete events without those that carry a usage object and an empty `choices` array. Works on the bytes:
 * native searches with pre-encoded needles, and the kept parts are copied once only when something is dropped.
 */
function withoutUsageOnlyEvents(bytes: Uint8Array): Uint8Array {
  const view = viewOf(bytes);
  const positions = usageObjects(view);
  if (positions.length === 0) return bytes;
  const drops: Array<[number, number]> = [];
  let covered = -1;
  for (const at of positions) {
    if (at < covered) continue;
    const start = eventStart(view, at);
    const end = eventEnd(view, at);
    covered = end;
    if (hasNoChoices(view, start, end)) drops.push([start, end]);
  }
  if (drops.length === 0) return bytes;
  let size = bytes.byteLength;
  for (const [start, end] of drops) size -= end - start;
  const out = new Uint8Array(size);
  let from = 0;
  let offset = 0;
  for (const [start, end] of drops) {
    out.set(bytes.subarray(from, start), offset);
    offset += start - from;
    from = end;
  }
  out.set(bytes.subarray(from), offset);
  return out;
}

/** The event's chunk has `"choices": []` (compact or spaced; anything unusual is parsed to be sure). */
function hasNoChoices(view: Buffer, start: number, end: number): boolean {
  const compact = view.indexOf(NO_CHOICES, start);
  if (compact !== -1 && compact < end) return true;
  const choices = view.indexOf(CHOICES, start);
  if (choices === -1 || choices >= end) return false;
  // Spaced or odd formatting: read the event's data as JSON.
  const data = decoder
    .decode(view.subarray(start, end))
    .split(/\r?\n/)
    .filter((line) => line.startsWith("data:"))
    .map((line) => line.slice(5).trimStart())
    .join("\n");
  try {
    const chunk = JSON.parse(data) as { choices?: unknown };
    return Array.isArray(chunk.choices) && chunk.choices.length === 0;
  } catch {
    return false;
  }
}
