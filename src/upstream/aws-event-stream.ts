/**
 * AWS event-stream binary framing (`application/vnd.amazon.eventstream`), as Kiro / CodeWhisperer streams its answers.
 * Each message:
 *
 *   prelude  total length (u32 BE) · headers length (u32 BE) · CRC32 of those 8 bytes (u32 BE)
 *   headers  repeated: name length (u8) · name (UTF-8) · value type (u8) · value
 *   payload  total − headers − 16 bytes (JSON for Kiro's events)
 *   trailer  CRC32 of everything before it (u32 BE)
 *
 * The decoder is incremental: chunks may split a message anywhere (inside the prelude, a header, the payload or the
 * trailer) and one chunk may hold many messages. Both checksums are verified; a mismatch, an impossible length or a
 * truncated tail is an EventStreamError (the stream is corrupt: nothing after it can be trusted). Pure: no I/O.
 */

/** One decoded message: its string headers (`:event-type`, `:message-type`, `:content-type`, …) and raw payload. */
export interface EventStreamMessage {
  headers: Record<string, string>;
  payload: Uint8Array;
}

export class EventStreamError extends Error {
  override name = "EventStreamError";
}

const PRELUDE_BYTES = 12;
/** Prelude + message CRC: the smallest message (no headers, no payload). */
const MIN_MESSAGE_BYTES = 16;
/** The AWS SDKs refuse messages above 16 MiB; so does this (a garbage length must not make us buffer gigabytes). */
export const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

const utf8 = new TextDecoder("utf-8", { fatal: false });
const EMPTY = new Uint8Array(0);

/** IEEE CRC32 (the zlib one AWS uses), native in Bun. */
export function crc32(bytes: Uint8Array): number {
  return Bun.hash.crc32(bytes) >>> 0;
}

export class EventStreamDecoder {
  /** Bytes of the message being assembled (never more than one incomplete message is kept). */
  #pending: Uint8Array = EMPTY;

  /** Decodes every message completed by `chunk`; throws EventStreamError on a corrupt message. */
  push(chunk: Uint8Array): EventStreamMessage[] {
    const out: EventStreamMessage[] = [];
    let data: Uint8Array;
    if (this.#pending.length === 0) data = chunk;
    else {
      data = new Uint8Array(this.#pending.length + chunk.length);
      data.set(this.#pending, 0);
      data.set(chunk, this.#pending.length);
    }
    let offset = 0;
    while (data.length - offset >= PRELUDE_BYTES) {
      const view = new DataView(data.buffer, data.byteOffset + offset, PRELUDE_BYTES);
      const total = view.getUint32(0);
      const headersLength = view.getUint32(4);
      if (crc32(data.subarray(offset, offset + 8)) !== view.getUint32(8)) throw new EventStreamError("event-stream prelude checksum mismatch");
      if (total < MIN_MESSAGE_BYTES || total > MAX_MESSAGE_BYTES) throw new EventStreamError(`event-stream message length ${total} out of range`);
      if (headersLength > total - MIN_MESSAGE_BYTES) throw new EventStreamError("event-stream headers longer than the message");
      if (data.length - offset < total) break;
      const message = data.subarray(offset, offset + total);
      const expected = new DataView(message.buffer, message.byteOffset + total - 4, 4).getUint32(0);
      if (crc32(message.subarray(0, total - 4)) !== expected) throw new EventStreamError("event-stream message checksum mismatch");
      out.push({
        headers: readHeaders(message.subarray(PRELUDE_BYTES, PRELUDE_BYTES + headersLength)),
        // A copy: the caller may keep it while `data` (possibly the caller's own chunk) is reused.
        payload: message.slice(PRELUDE_BYTES + headersLength, total - 4),
      });
      offset += total;
    }
    // Keep only the unfinished tail (copied: the chunk belongs to the stream reader).
    this.#pending = offset === data.length ? EMPTY : data.slice(offset);
    return out;
  }

  /** The stream ended: an unfinished message left over means it was cut off. */
  end(): void {
    if (this.#pending.length > 0) {
      const left = this.#pending.length;
      this.#pending = EMPTY;
      throw new EventStreamError(`event-stream ended inside a message (${left} bytes left over)`);
    }
  }
}

/**
 * The headers block → name → value. String (7) values are kept; every other type is read past by its size (AWS
 * defines them, Kiro sends only strings) so a non-string header never misaligns the rest.
 */
function readHeaders(block: Uint8Array): Record<string, string> {
  const headers: Record<string, string> = {};
  const view = new DataView(block.buffer, block.byteOffset, block.length);
  let at = 0;
  const need = (bytes: number) => {
    if (at + bytes > block.length) throw new EventStreamError("event-stream header runs past its block");
  };
  while (at < block.length) {
    need(1);
    const nameLength = view.getUint8(at);
    at += 1;
    need(nameLength + 1);
    const name = utf8.decode(block.subarray(at, at + nameLength));
    at += nameLength;
    const type = view.getUint8(at);
    at += 1;
    switch (type) {
      case 0: // bool true
      case 1: // bool false
        break;
      case 2: // byte
        need(1);
        at += 1;
        break;
      case 3: // short
        need(2);
        at += 2;
        break;
      case 4: // int
        need(4);
        at += 4;
        break;
      case 5: // long
      case 8: // timestamp (ms)
        need(8);
        at += 8;
        break;
      case 6: // byte array
      case 7: {
        // string
        need(2);
        const length = view.getUint16(at);
        at += 2;
        need(length);
        if (type === 7) headers[name] = utf8.decode(block.subarray(at, at + length));
        at += length;
        break;
      }
      case 9: // uuid
        need(16);
        at += 16;
        break;
      default:
        throw new EventStreamError(`event-stream header type ${type} unknown`);
    }
  }
  return headers;
}

const utf8Encoder = new TextEncoder();

/**
 * One message with string headers (what Kiro sends): for mock upstreams and tests. Throws on a header name or value
 * too long for the format.
 */
export function encodeEventStreamMessage(headers: Readonly<Record<string, string>>, payload: Uint8Array | string): Uint8Array {
  const body = typeof payload === "string" ? utf8Encoder.encode(payload) : payload;
  const parts: Uint8Array[] = [];
  let headersLength = 0;
  for (const [name, value] of Object.entries(headers)) {
    const nameBytes = utf8Encoder.encode(name);
    const valueBytes = utf8Encoder.encode(value);
    if (nameBytes.length > 255 || valueBytes.length > 65_535) throw new EventStreamError("event-stream header too long");
    const header = new Uint8Array(1 + nameBytes.length + 1 + 2 + valueBytes.length);
    header[0] = nameBytes.length;
    header.set(nameBytes, 1);
    header[1 + nameBytes.length] = 7;
    new DataView(header.buffer).setUint16(2 + nameBytes.length, valueBytes.length);
    header.set(valueBytes, 4 + nameBytes.length);
    parts.push(header);
    headersLength += header.length;
  }
  const total = PRELUDE_BYTES + headersLength + body.length + 4;
  const message = new Uint8Array(total);
  const view = new DataView(message.buffer);
  view.setUint32(0, total);
  view.setUint32(4, headersLength);
  view.setUint32(8, crc32(message.subarray(0, 8)));
  let at = PRELUDE_BYTES;
  for (const part of parts) {
    message.set(part, at);
    at += part.length;
  }
  message.set(body, at);
  view.setUint32(total - 4, crc32(message.subarray(0, total - 4)));
  return message;
}
