import { describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { codeChallengeS256, createCodeVerifier, createPkce, createState } from "../../../src/oauth/pkce";

describe("PKCE", () => {
  test("verifiers are 43-128 unreserved characters and fresh each time", () => {
    for (const bytes of [32, 64, 96]) {
      const verifier = createCodeVerifier(bytes);
      expect(verifier.length).toBeGreaterThanOrEqual(43);
      expect(verifier.length).toBeLessThanOrEqual(128);
      expect(verifier).toMatch(/^[A-Za-z0-9_-]+$/);
    }
    expect(createCodeVerifier()).not.toBe(createCodeVerifier());
    expect(() => createCodeVerifier(16)).toThrow();
    expect(() => createCodeVerifier(97)).toThrow();
  });

  test("the S256 challenge is base64url(sha256(verifier)), unpadded", () => {
    const fixed = "a".repeat(43);
    expect(codeChallengeS256(fixed)).toBe(createHash("sha256").update(fixed).digest("base64").replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, ""));
    const { verifier, challenge, method } = createPkce();
    expect(method).toBe("S256");
    expect(challenge).toBe(createHash("sha256").update(verifier).digest("base64url"));
    expect(() => codeChallengeS256("short")).toThrow();
  });

  test("state is unguessable and URL-safe", () => {
    const state = createState();
    expect(state).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(createState()).not.toBe(state);
  });
});
