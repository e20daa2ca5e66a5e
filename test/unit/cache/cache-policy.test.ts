import { describe, expect, test } from "bun:test";
import { cacheKeyOf, cacheTtlFor, isDeterministicRequest, wantsBypass } from "../../../src/cache/cache-policy";

describe("cacheTtlFor: opt-in per client key or combo", () => {
  const none = new Map<string, number>();
  test("nothing opted in → 0", () => {
    expect(cacheTtlFor(none, none, "key_a", "coding")).toBe(0);
    expect(cacheTtlFor(new Map([["key_b", 60]]), new Map([["other", 60]]), "key_a", "coding")).toBe(0);
  });
  test("the key's or the combo's TTL; the smaller of the two when both are set", () => {
    expect(cacheTtlFor(new Map([["key_a", 600]]), none, "key_a", "mock/x")).toBe(600);
    expect(cacheTtlFor(none, new Map([["coding", 300]]), "key_a", "coding")).toBe(300);
    expect(cacheTtlFor(none, new Map([["coding", 300]]), null, "coding")).toBe(300);
    expect(cacheTtlFor(new Map([["key_a", 600]]), new Map([["coding", 300]]), "key_a", "coding")).toBe(300);
    expect(cacheTtlFor(new Map([["key_a", 60]]), new Map([["coding", 300]]), "key_a", "coding")).toBe(60);
  });
});

describe("isDeterministicRequest: temperature explicitly 0, one candidate, in each format's fields", () => {
  test.each([
    ["openai-chat", { temperature: 0 }, true],
    ["openai-chat", { temperature: 0, n: 1 }, true],
    ["openai-chat", { temperature: 0, n: 2 }, false],
    ["openai-chat", {}, false],
    ["openai-chat", { temperature: 0.7 }, false],
    ["openai-chat", { temperature: "0" }, false],
    ["openai-responses", { temperature: 0 }, true],
    ["openai-responses", { temperature: 1 }, false],
    ["anthropic", { temperature: 0 }, true],
    ["anthropic", {}, false],
    ["gemini", { generationConfig: { temperature: 0 } }, true],
    ["gemini", { generationConfig: { temperature: 0, candidateCount: 2 } }, false],
    ["gemini", { temperature: 0 }, false],
    ["gemini", { generationConfig: null }, false],
  ] as const)("%s %j → %p", (format, body, expected) => {
    expect(isDeterministicRequest(format, body as Record<string, unknown>)).toBe(expected);
  });
});

describe("wantsBypass", () => {
  test("x-omniroute-cache: bypass or Cache-Control: no-cache", () => {
    expect(wantsBypass(new Headers({ "x-omniroute-cache": "bypass" }))).toBe(true);
    expect(wantsBypass(new Headers({ "x-omniroute-cache": " Bypass " }))).toBe(true);
    expect(wantsBypass(new Headers({ "cache-control": "no-cache" }))).toBe(true);
    expect(wantsBypass(new Headers({ "cache-control": "max-age=0, no-cache" }))).toBe(true);
    expect(wantsBypass(new Headers({ "cache-control": "max-age=60" }))).toBe(false);
    expect(wantsBypass(new Headers())).toBe(false);
  });
});

describe("cacheKeyOf: the exact signature", () => {
  const body = '{"model":"m","temperature":0,"messages":[]}';
  const key = (keyId: string | null, url: string, raw = body, headers: Record<string, string> = {}, format: "openai-chat" | "anthropic" | "gemini" = "openai-chat") =>
    cacheKeyOf(format, keyId, url, new Headers(headers), raw);
  const base = key("key_a", "http://gw/v1/chat/completions");

  test("a SHA-256 hex digest, the same for the same request", () => {
    expect(base).toMatch(/^[0-9a-f]{64}$/);
    expect(key("key_a", "http://gw/v1/chat/completions")).toBe(base);
  });
  test("scoped per client key, endpoint and exact body bytes", () => {
    expect(key("key_b", "http://gw/v1/chat/completions")).not.toBe(base);
    expect(key(null, "http://gw/v1/chat/completions")).not.toBe(base);
    expect(key("key_a", "http://gw/v1/responses")).not.toBe(base);
    // Same JSON meaning, other bytes: another signature (exact match only).
    expect(key("key_a", "http://gw/v1/chat/completions", body.replace(",", ", "))).not.toBe(base);
  });
  test("the query counts (Gemini alt=sse) but not a ?key= credential, nor parameter order", () => {
    const path = "http://gw/v1beta/models/m:streamGenerateContent";
    const sse = key("key_a", `${path}?alt=sse`, body, {}, "gemini");
    expect(sse).not.toBe(key("key_a", path, body, {}, "gemini"));
    expect(key("key_a", `${path}?key=secret&alt=sse`, body, {}, "gemini")).toBe(sse);
    expect(key("key_a", `${path}?alt=sse&key=other`, body, {}, "gemini")).toBe(sse);
  });
  test("headers the format forwards upstream count (anthropic-beta)", () => {
    const url = "http://gw/v1/messages";
    expect(key("key_a", url, body, { "anthropic-beta": "x" }, "anthropic")).not.toBe(key("key_a", url, body, {}, "anthropic"));
    expect(key("key_a", url, body, { "user-agent": "x" }, "anthropic")).toBe(key("key_a", url, body, {}, "anthropic"));
  });
});
