import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { IRFormat } from "../../../src/ir/ir-types";
import { detectDocument } from "../../../ui/src/components/translator/detect-format";
import { FIXTURES } from "../../fakes/openai-mock-upstream";
import { framedChunks } from "../../fakes/recorded-upstream";

/** The playground's format detector, against every recorded request, response and stream of the four formats. */
const FORMATS: IRFormat[] = ["openai-chat", "openai-responses", "anthropic", "gemini"];

function fixtures(format: IRFormat, suffix: string): Array<[string, string]> {
  return readdirSync(join(FIXTURES, format))
    .filter((name) => name.endsWith(suffix) && !name.startsWith("error-"))
    .map((name) => [name, readFileSync(join(FIXTURES, format, name), "utf8")]);
}

describe("detectDocument on recorded fixtures", () => {
  for (const format of FORMATS) {
    test(`${format}: requests, responses and streams`, () => {
      const requests = fixtures(format, ".request.json");
      const responses = fixtures(format, ".response.json");
      const streams = [...fixtures(format, ".sse"), ...fixtures(format, ".chunks.jsonl").map(([name, text]) => [name, framedChunks(format, text)] as [string, string]), ...fixtures(format, ".json-array-stream.json")];
      expect(requests.length + responses.length + streams.length).toBeGreaterThan(3);
      for (const [name, text] of requests) expect({ name, detected: detectDocument(text) }).toEqual({ name, detected: { format, kind: "request" } });
      for (const [name, text] of responses) expect({ name, detected: detectDocument(text) }).toEqual({ name, detected: { format, kind: "response" } });
      for (const [name, text] of streams) expect({ name, detected: detectDocument(text) }).toEqual({ name, detected: { format, kind: "stream" } });
    });
  }
});

describe("detectDocument on hand-written bodies", () => {
  test("the smallest Chat and Messages requests are told apart by max_tokens, system and block types", () => {
    expect(detectDocument('{"model":"m","messages":[{"role":"user","content":"Hi"}]}')).toEqual({ format: "openai-chat", kind: "request" });
    expect(detectDocument('{"model":"m","max_tokens":100,"messages":[{"role":"user","content":"Hi"}]}')).toEqual({ format: "anthropic", kind: "request" });
    expect(detectDocument('{"model":"m","max_tokens":100,"messages":[{"role":"system","content":"Be brief"},{"role":"user","content":"Hi"}]}')).toEqual({ format: "openai-chat", kind: "request" });
    expect(detectDocument('{"model":"m","system":"Be brief","messages":[{"role":"user","content":"Hi"}]}')).toEqual({ format: "anthropic", kind: "request" });
    expect(detectDocument('{"model":"m","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"https://x/y.png"}}]}]}')).toEqual({ format: "openai-chat", kind: "request" });
  });

  test("Responses and Gemini requests", () => {
    expect(detectDocument('{"model":"m","input":"Hi"}')).toEqual({ format: "openai-responses", kind: "request" });
    expect(detectDocument('{"contents":[{"role":"user","parts":[{"text":"Hi"}]}]}')).toEqual({ format: "gemini", kind: "request" });
  });

  test("SSE: by event name, by data payload, by the [DONE] sentinel", () => {
    expect(detectDocument("event: message_start\ndata: {}\n\n")).toEqual({ format: "anthropic", kind: "stream" });
    expect(detectDocument("event: response.created\ndata: {}\n\n")).toEqual({ format: "openai-responses", kind: "stream" });
    expect(detectDocument('data: {"candidates":[{"content":{"parts":[{"text":"Hi"}]}}]}\r\n\r\n')).toEqual({ format: "gemini", kind: "stream" });
    expect(detectDocument("data: [DONE]\n\n")).toEqual({ format: "openai-chat", kind: "stream" });
  });

  test("nothing to go on: null", () => {
    expect(detectDocument("")).toBeNull();
    expect(detectDocument("   \n")).toBeNull();
    expect(detectDocument("{not json")).toBeNull();
    expect(detectDocument('{"hello":"world"}')).toBeNull();
    expect(detectDocument("[1,2,3]")).toBeNull();
    expect(detectDocument('"text"')).toBeNull();
    expect(detectDocument("data: not json\n\n")).toBeNull();
  });
});
