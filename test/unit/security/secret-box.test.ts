import { describe, expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import { SecretBox, SecretBoxError } from "../../../src/security/secret-box";

const box = new SecretBox(randomBytes(32));

function flipFirstBit(part: string): string {
  const bytes = Buffer.from(part, "base64url");
  bytes[0]! ^= 0x01;
  return bytes.toString("base64url");
}

function withPart(envelope: string, index: number, edit: (part: string) => string): string {
  const parts = envelope.split(".");
  parts[index] = edit(parts[index]!);
  return parts.join(".");
}

describe("SecretBox", () => {
  test.each(["sk-test-1234567890abcdef", "", "ünïcødé ✓ 🔑", "x".repeat(10_000)])("round-trips %#", (plain) => {
    expect(box.decrypt(box.encrypt(plain))).toBe(plain);
  });

  test("envelopes are v1.<iv>.<tag>.<ciphertext> with a 96-bit IV and a 128-bit tag", () => {
    const [version, iv, tag, body, ...rest] = box.encrypt("hello").split(".");
    expect(version).toBe("v1");
    expect(Buffer.from(iv!, "base64url").byteLength).toBe(12);
    expect(Buffer.from(tag!, "base64url").byteLength).toBe(16);
    expect(Buffer.from(body!, "base64url").byteLength).toBe(5);
    expect(rest).toEqual([]);
  });

  test("the same plaintext encrypts to different envelopes with different IVs", () => {
    const envelopes = Array.from({ length: 20 }, () => box.encrypt("same secret"));
    expect(new Set(envelopes).size).toBe(20);
    expect(new Set(envelopes.map((e) => e.split(".")[1])).size).toBe(20);
    for (const envelope of envelopes) expect(box.decrypt(envelope)).toBe("same secret");
  });

  test("the envelope does not contain the plaintext", () => {
    const plain = "sk-live-plaintext-marker";
    const envelope = box.encrypt(plain);
    expect(envelope).not.toContain(plain);
    expect(envelope).not.toContain(Buffer.from(plain).toString("base64url"));
  });

  test.each([
    ["ciphertext", 3],
    ["tag", 2],
    ["iv", 1],
  ] as const)("a tampered %s fails with SecretBoxError", (_name, index) => {
    const tampered = withPart(box.encrypt("sk-test-secret-value"), index, flipFirstBit);
    expect(() => box.decrypt(tampered)).toThrow(SecretBoxError);
  });

  test("a truncated tag fails with SecretBoxError", () => {
    const truncated = withPart(box.encrypt("sk-test-secret-value"), 2, (tag) =>
      Buffer.from(tag, "base64url").subarray(0, 4).toString("base64url"),
    );
    expect(() => box.decrypt(truncated)).toThrow(SecretBoxError);
  });

  test("a different key fails with SecretBoxError instead of returning garbage", () => {
    const envelope = box.encrypt("sk-test-secret-value");
    const other = new SecretBox(randomBytes(32));
    expect(() => other.decrypt(envelope)).toThrow(SecretBoxError);
    expect(() => other.decrypt(envelope)).toThrow("could not be decrypted");
  });

  test.each(["", "plain text", "v2.a.b.c", "v1.onlyiv", "v1..tag.body", "v1.iv..body"])(
    "malformed envelope %j fails with SecretBoxError",
    (envelope) => {
      expect(() => box.decrypt(envelope)).toThrow(SecretBoxError);
    },
  );

  test("rejects keys that are not 32 bytes", () => {
    expect(() => new SecretBox(randomBytes(16))).toThrow("32-byte key");
    expect(() => new SecretBox(randomBytes(33))).toThrow("32-byte key");
  });

  test("SecretBoxError is an Error named SecretBoxError", () => {
    try {
      box.decrypt("nope");
      throw new Error("decrypt should have thrown");
    } catch (error) {
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).name).toBe("SecretBoxError");
    }
  });
});
