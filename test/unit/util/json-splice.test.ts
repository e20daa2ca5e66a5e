import { describe, expect, test } from "bun:test";
import { replaceTopLevelStringField } from "../../../src/util/json-splice";

function splice(raw: string, oldValue: string, newValue: string): string | null {
  return replaceTopLevelStringField(raw, "model", oldValue, newValue);
}

describe("replaceTopLevelStringField", () => {
  test("replaces the value of a compact top-level pair and leaves everything else byte-identical", () => {
    const raw = '{"model":"ds/deepseek-chat","messages":[{"role":"user","content":"hi"}],"temperature":0.70}';
    const out = splice(raw, "ds/deepseek-chat", "deepseek-chat");
    expect(out).toBe('{"model":"deepseek-chat","messages":[{"role":"user","content":"hi"}],"temperature":0.70}');
  });

  test.each([
    ['{"model" : "a/x", "stream": true}', '{"model" : "x", "stream": true}'],
    ['{\n  "model":\n\t"a/x"\n}', '{\n  "model":\n\t"x"\n}'],
    ['{"stream":false,\r\n"model"\r\n:\r\n"a/x"}', '{"stream":false,\r\n"model"\r\n:\r\n"x"}'],
  ])("keeps JSON whitespace around the colon: %j", (raw, expected) => {
    expect(splice(raw, "a/x", "x")).toBe(expected);
  });

  test("a key/value lookalike inside a string value (escaped quotes) is not touched", () => {
    const raw = '{"messages":[{"role":"user","content":"set \\"model\\": \\"a/x\\" please"}],"model":"a/x"}';
    expect(JSON.parse(raw).messages[0].content).toBe('set "model": "a/x" please');
    const out = splice(raw, "a/x", "x");
    expect(out).toBe('{"messages":[{"role":"user","content":"set \\"model\\": \\"a/x\\" please"}],"model":"x"}');
    expect(JSON.parse(out!).messages[0].content).toBe('set "model": "a/x" please');
  });

  test("returns null when the same pair also appears in a nested object", () => {
    const raw = '{"model":"a/x","metadata":{"model":"a/x"},"messages":[]}';
    expect(splice(raw, "a/x", "x")).toBeNull();
  });

  test("returns null when the same pair appears inside an array element", () => {
    const raw = '{"tools":[{"model": "a/x"}],"model": "a/x"}';
    expect(splice(raw, "a/x", "x")).toBeNull();
  });

  test("a nested pair with a different value does not block the top-level replacement", () => {
    const raw = '{"metadata":{"model":"other"},"model":"a/x"}';
    expect(splice(raw, "a/x", "x")).toBe('{"metadata":{"model":"other"},"model":"x"}');
  });

  test("the key used as a string value or as a longer key name is not mistaken for the field", () => {
    const raw = '{"role":"model","model_name":"a/x","models":["a/x"],"model":"a/x"}';
    expect(splice(raw, "a/x", "x")).toBe('{"role":"model","model_name":"a/x","models":["a/x"],"model":"x"}');
  });

  test("an old value that is only a prefix of the stored value does not match", () => {
    expect(splice('{"model":"a/x-large"}', "a/x", "x")).toBeNull();
  });

  test("returns null when the field is absent", () => {
    expect(splice('{"messages":[]}', "a/x", "x")).toBeNull();
  });

  test("non-ASCII values written literally are matched and replaced", () => {
    const raw = '{"model":"loc/café-7b","messages":[{"role":"user","content":"naïve ✓"}]}';
    const out = splice(raw, "loc/café-7b", "café-7b");
    expect(out).toBe('{"model":"café-7b","messages":[{"role":"user","content":"naïve ✓"}]}');
  });

  test("values containing quotes and backslashes are matched in their JSON-escaped form", () => {
    const oldValue = 'a/we"ird\\name';
    const raw = `{"model":${JSON.stringify(oldValue)},"n":1}`;
    expect(raw).toBe('{"model":"a/we\\"ird\\\\name","n":1}');
    const out = splice(raw, oldValue, 'we"ird\\name');
    expect(out).toBe('{"model":"we\\"ird\\\\name","n":1}');
    expect(JSON.parse(out!).model).toBe('we"ird\\name');
  });

  test("a value spelled with a \\u escape is not matched, so the caller falls back to re-serialising", () => {
    const raw = '{"model":"loc/caf\\u00e9","n":1}';
    expect(JSON.parse(raw).model).toBe("loc/café");
    expect(splice(raw, "loc/café", "café")).toBeNull();
  });

  test("the new value is JSON-encoded, and replacement patterns like $& are inserted literally", () => {
    const out = splice('{"model":"a/x","n":1}', "a/x", 'x "$&" \n é');
    expect(out).toBe('{"model":"x \\"$&\\" \\n é","n":1}');
    expect(JSON.parse(out!).model).toBe('x "$&" \n é');
  });

  test("unicode escapes elsewhere in the body survive byte for byte", () => {
    const raw = '{"messages":[{"role":"user","content":"caf\\u00e9 \\ud83d\\ude00 1e3"}],"model":"a/x","top_p":1.0}';
    const out = splice(raw, "a/x", "x")!;
    expect(out).toBe(raw.replace('"model":"a/x"', '"model":"x"'));
    expect(out.length).toBe(raw.length - 2);
  });
});
