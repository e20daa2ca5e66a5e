import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { clientAskedForStreamUsage, withStreamUsage } from "../../../../src/formats/openai-chat/openai-chat-request";
import { UsageChunkFilter } from "../../../../src/formats/openai-chat/usage-chunk-filter";
import { FIXTURES } from "../../../fakes/openai-mock-upstream";

const withUsage = readFileSync(join(FIXTURES, "openai-chat/tool-stream-usage.turn1.sse"));
const otherStream = readFileSync(join(FIXTURES, "openai-chat/tool-stream-raw.turn1.sse"));
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

function run(chunks: Uint8Array[]): string {
  const filter = new UsageChunkFilter();
  const out = chunks.map((chunk) => text(filter.push(chunk)));
  return out.join("") + text(filter.flush());
}

/** The recorded stream with its usage-only event taken out by hand. */
const expected = text(withUsage)
  .split(/(?<=\n\n)/)
  .filter((event) => !event.includes('"choices":[]'))
  .join("");

describe("UsageChunkFilter", () => {
  test("drops the usage-only chunk and keeps every other byte, whole or split at any offset", () => {
    expect(expected.length).toBeLessThan(withUsage.byteLength);
    expect(expected).toContain("data: [DONE]");
    expect(run([withUsage])).toBe(expected);
    for (let cut = 1; cut < withUsage.byteLength; cut += 7) {
      expect(run([withUsage.subarray(0, cut), withUsage.subarray(cut)])).toBe(expected);
    }
    // Byte by byte: the event boundaries and the usage object straddle every chunk edge.
    expect(run([...withUsage].map((b) => Uint8Array.of(b)))).toBe(expected);
  });

  test("a stream without a usage object passes through as the same bytes, without copies", () => {
    const filter = new UsageChunkFilter();
    const events = text(otherStream)
      .split(/(?<=\n\n)/)
      .filter((event) => !event.includes('"choices":[]'))
      .map((event) => new TextEncoder().encode(event));
    expect(events.length).toBeGreaterThan(3);
    for (const event of events) expect(filter.push(event)).toBe(event);
    expect(filter.flush().byteLength).toBe(0);
  });

  test("usage inside a chunk that still has choices is kept (providers that report usage with the last delta)", () => {
    const chunk = 'data: {"id":"x","choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":{"prompt_tokens":1,"completion_tokens":2}}\n\ndata: [DONE]\n\n';
    expect(run([new TextEncoder().encode(chunk)])).toBe(chunk);
  });

  test("spaced JSON is recognised too, and text that merely mentions usage is left alone", () => {
    const spaced = 'data: {"id": "x", "choices": [], "usage": {"prompt_tokens": 1, "completion_tokens": 2}}\n\n';
    const mention = 'data: {"id":"x","choices":[{"index":0,"delta":{"content":"the \\"usage\\": {} field"}}]}\n\n';
    const done = "data: [DONE]\n\n";
    expect(run([new TextEncoder().encode(mention + spaced + done)])).toBe(mention + done);
  });

  test("CRLF framing", () => {
    const crlf = 'data: {"id":"x","choices":[{"index":0,"delta":{"content":"hi"}}]}\r\n\r\ndata: {"id":"x","choices":[],"usage":{"prompt_tokens":1,"completion_tokens":2}}\r\n\r\ndata: [DONE]\r\n\r\n';
    expect(run([new TextEncoder().encode(crlf)])).toBe('data: {"id":"x","choices":[{"index":0,"delta":{"content":"hi"}}]}\r\n\r\ndata: [DONE]\r\n\r\n');
  });
});

describe("asking the upstream for stream usage", () => {
  test("spliced in when the client sent no stream options", () => {
    const body = { model: "m", messages: [], stream: true };
    const out = withStreamUsage(JSON.stringify(body), body);
    expect(JSON.parse(out)).toEqual({ ...body, stream_options: { include_usage: true } });
  });

  test("the client's other stream options are kept", () => {
    const body = { model: "m", stream: true, stream_options: { include_obfuscation: false } };
    expect(JSON.parse(withStreamUsage(JSON.stringify(body), body)).stream_options).toEqual({ include_obfuscation: false, include_usage: true });
    expect(clientAskedForStreamUsage(body)).toBe(false);
    expect(clientAskedForStreamUsage({ stream_options: { include_usage: true } })).toBe(true);
  });
});
