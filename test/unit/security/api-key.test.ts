import { describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import {
  API_KEY_PREFIX,
  apiKeyDisplayPrefix,
  constantTimeEqualHex,
  generateApiKey,
  hashApiKey,
} from "../../../src/security/api-key";

describe("generateApiKey", () => {
  test("keys are omr_ followed by 32 random bytes in base64url", () => {
    const key = generateApiKey();
    expect(key.startsWith(API_KEY_PREFIX)).toBe(true);
    expect(key).toMatch(/^omr_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(key.slice(API_KEY_PREFIX.length), "base64url").byteLength).toBe(32);
  });

  test("keys do not repeat", () => {
    const keys = new Set(Array.from({ length: 200 }, generateApiKey));
    expect(keys.size).toBe(200);
  });
});

describe("hashApiKey", () => {
  test("is the SHA-256 hex digest of the whole key", () => {
    const key = "omr_example-key-value";
    expect(hashApiKey(key)).toBe(createHash("sha256").update(key).digest("hex"));
    expect(hashApiKey(key)).toMatch(/^[0-9a-f]{64}$/);
  });

  test("differs for keys differing in one character", () => {
    expect(hashApiKey("omr_aaaaaaaa")).not.toBe(hashApiKey("omr_aaaaaaab"));
  });
});

describe("apiKeyDisplayPrefix", () => {
  test("shows the omr_ prefix plus six characters and nothing more", () => {
    const key = "omr_ABCDEFghijklmnop";
    expect(apiKeyDisplayPrefix(key)).toBe("omr_ABCDEF");
    const generated = generateApiKey();
    expect(apiKeyDisplayPrefix(generated)).toHaveLength(10);
    expect(generated.startsWith(apiKeyDisplayPrefix(generated))).toBe(true);
  });
});

describe("constantTimeEqualHex", () => {
  test("is true for equal digests and false for different ones", () => {
    const a = hashApiKey("omr_one");
    const b = hashApiKey("omr_two");
    expect(constantTimeEqualHex(a, a)).toBe(true);
    expect(constantTimeEqualHex(a, `${a}`)).toBe(true);
    expect(constantTimeEqualHex(a, b)).toBe(false);
  });

  test("differing only in the last hex digit is unequal", () => {
    const a = hashApiKey("omr_one");
    const last = a.at(-1) === "0" ? "1" : "0";
    expect(constantTimeEqualHex(a, a.slice(0, -1) + last)).toBe(false);
  });

  test("different lengths are unequal without throwing", () => {
    const a = hashApiKey("omr_one");
    expect(constantTimeEqualHex(a, a.slice(0, 62))).toBe(false);
    expect(constantTimeEqualHex("", a)).toBe(false);
  });

  test("strings that are not valid hex are never reported equal when they differ", () => {
    expect(constantTimeEqualHex("abc", "abd")).toBe(false);
    expect(constantTimeEqualHex("zz", "yy")).toBe(false);
  });
});
