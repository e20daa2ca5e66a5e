import { createHash, randomBytes } from "node:crypto";

/**
 * PKCE (RFC 7636) and the `state` parameter. The verifier stays with the flow on the server; only the S256
 * challenge goes into the authorize URL.
 */

/** RFC 7636 §4.1: 43–128 characters of [A-Za-z0-9-._~]; base64url of 32–96 random bytes fits. */
export const VERIFIER_MIN_LENGTH = 43;
export const VERIFIER_MAX_LENGTH = 128;

/** A new code verifier: base64url of `bytes` random bytes (32 → 43 characters, the minimum the RFC allows). */
export function createCodeVerifier(bytes = 32): string {
  if (!Number.isInteger(bytes) || bytes < 32 || bytes > 96) throw new RangeError("a PKCE verifier needs 32-96 random bytes (43-128 characters)");
  return randomBytes(bytes).toString("base64url");
}

/** `BASE64URL(SHA256(verifier))`, the `code_challenge` for `code_challenge_method=S256`. */
export function codeChallengeS256(verifier: string): string {
  if (verifier.length < VERIFIER_MIN_LENGTH || verifier.length > VERIFIER_MAX_LENGTH || !/^[A-Za-z0-9._~-]+$/.test(verifier)) {
    throw new RangeError("not a valid PKCE code verifier");
  }
  return createHash("sha256").update(verifier).digest("base64url");
}

export interface Pkce {
  verifier: string;
  challenge: string;
  method: "S256";
}

export function createPkce(bytes = 32): Pkce {
  const verifier = createCodeVerifier(bytes);
  return { verifier, challenge: codeChallengeS256(verifier), method: "S256" };
}

/** An unguessable `state` (binds the redirect to the flow that started it; checked on completion). */
export function createState(bytes = 24): string {
  return randomBytes(bytes).toString("base64url");
}
