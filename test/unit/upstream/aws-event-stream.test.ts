import { describe, expect, test } from "bun:test";
import { crc32, encodeEventStreamMessage, EventStreamDecoder, EventStreamError } from "../../../src/upstream/aws-event-stream";

const text = new TextDecoder();
const event = (type: string, payload: unknown) =>
  encodeEventStreamMessage({ ":event-type": type, ":content-type": "application/json", ":message-type": "event" }, JSON.stringify(payload));

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

const decodeAll = (chunks: Uint8Array[]) => {
  const decoder = new EventStreamDecoder();
  const messages = chunks.flatMap((chunk) => decoder.push(chunk));
  decoder.end();
  return messages.map((m) => ({ headers: m.headers, payload: JSON.parse(text.decode(m.payload)) as unknown }));
};

describe("AWS event-stream decoder", () => {
  test("CRC32 is the IEEE one", () => {
    expect(crc32(new TextEncoder().encode("123456789"))).toBe(0xcbf43926);
  });

  test("a hand-built message: an int32 header read past, a string header kept", () => {
    // Hand-built: a header of type 4 (int) before a string header; the int is read past, the string kept.
    const name1 = new TextEncoder().encode("n");
    const name2 = new TextEncoder().encode(":event-type");
    const value = new TextEncoder().encode("x");
    const headers = concat([
      Uint8Array.of(name1.length),
      name1,
      Uint8Array.of(4, 0, 0, 0, 42),
      Uint8Array.of(name2.length),
      name2,
      Uint8Array.of(7, 0, value.length),
      value,
    ]);
    const payload = new TextEncoder().encode("{}");
    const total = 12 + headers.length + payload.length + 4;
    const message = new Uint8Array(total);
    const view = new DataView(message.buffer);
    view.setUint32(0, total);
    view.setUint32(4, headers.length);
    view.setUint32(8, crc32(message.subarray(0, 8)));
    message.set(headers, 12);
    message.set(payload, 12 + headers.length);
    view.setUint32(total - 4, crc32(message.subarray(0, total - 4)));
    expect(decodeAll([message])).toEqual([{ headers: { ":event-type": "x" }, payload: {} }]);
  });

  test("several messages in one chunk", () => {
    const all = concat([event("a", { n: 1 }), event("b", { n: 2 }), event("c", { n: 3 })]);
    const decoded = decodeAll([all]);
    expect(decoded.map((m) => m.headers[":event-type"])).toEqual(["a", "b", "c"]);
    expect(decoded.map((m) => m.payload)).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    expect(decoded[0]!.headers).toEqual({ ":event-type": "a", ":content-type": "application/json", ":message-type": "event" });
  });

  test("split at every byte offset (two chunks), and one byte at a time", () => {
    const all = concat([event("assistantResponseEvent", { content: "héllo ✓" }), event("toolUseEvent", { toolUseId: "t1", name: "f", input: '{"a"' })]);
    const expected = decodeAll([all]);
    for (let cut = 0; cut <= all.length; cut++) {
      expect(decodeAll([all.subarray(0, cut), all.subarray(cut)])).toEqual(expected);
    }
    expect(decodeAll([...all].map((byte) => Uint8Array.of(byte)))).toEqual(expected);
  });

  test("split at every pair of offsets (three chunks)", () => {
    const all = concat([event("a", { x: 1 }), event("b", {})]);
    const expected = decodeAll([all]);
    for (let i = 0; i <= all.length; i += 3) {
      for (let j = i; j <= all.length; j += 2) {
        expect(decodeAll([all.subarray(0, i), all.subarray(i, j), all.subarray(j)])).toEqual(expected);
      }
    }
  });

  test("the payload is a copy: reusing the chunk buffer does not change a decoded message", () => {
    const chunk = event("a", { keep: true });
    const [message] = new EventStreamDecoder().push(chunk);
    chunk.fill(0);
    expect(JSON.parse(text.decode(message!.payload))).toEqual({ keep: true });
  });

  test("a bad prelude CRC is an error", () => {
    const bad = event("a", {});
    bad[9]! ^= 0xff;
    expect(() => new EventStreamDecoder().push(bad)).toThrow(EventStreamError);
    expect(() => new EventStreamDecoder().push(bad)).toThrow(/prelude checksum/);
  });

  test("a bad message CRC (payload flipped) is an error, even when it arrives split", () => {
    const bad = event("a", { n: 1 });
    bad[bad.length - 6]! ^= 0x01;
    const decoder = new EventStreamDecoder();
    expect(decoder.push(bad.subarray(0, 20))).toEqual([]);
    expect(() => decoder.push(bad.subarray(20))).toThrow(/message checksum/);
  });

  test("impossible lengths are refused before anything is buffered", () => {
    const prelude = new Uint8Array(12);
    const view = new DataView(prelude.buffer);
    view.setUint32(0, 0xffffffff);
    view.setUint32(4, 0);
    view.setUint32(8, crc32(prelude.subarray(0, 8)));
    expect(() => new EventStreamDecoder().push(prelude)).toThrow(/out of range/);
    view.setUint32(0, 20);
    view.setUint32(4, 10);
    view.setUint32(8, crc32(prelude.subarray(0, 8)));
    expect(() => new EventStreamDecoder().push(prelude)).toThrow(/headers longer/);
  });

  test("a stream cut inside a message is an error at the end", () => {
    const decoder = new EventStreamDecoder();
    const message = event("a", {});
    expect(decoder.push(message.subarray(0, message.length - 1))).toEqual([]);
    expect(() => decoder.end()).toThrow(/ended inside a message/);
    const clean = new EventStreamDecoder();
    clean.push(message);
    expect(() => clean.end()).not.toThrow();
  });

  test("a header running past its block is an error", () => {
    const headers = Uint8Array.of(3, 0x61); // name length 3 but one byte
    const total = 12 + headers.length + 4;
    const message = new Uint8Array(total);
    const view = new DataView(message.buffer);
    view.setUint32(0, total);
    view.setUint32(4, headers.length);
    view.setUint32(8, crc32(message.subarray(0, 8)));
    message.set(headers, 12);
    view.setUint32(total - 4, crc32(message.subarray(0, total - 4)));
    expect(() => new EventStreamDecoder().push(message)).toThrow(/runs past/);
  });
});
