import { createHash, randomBytes } from "node:crypto";

export const API_KEY_PREFIX = "omr_";

export function generateApiKey(): string {
  return `${API_KEY_PREFIX}${randomBytes(32).toString("base64url")}`;
}

/** Keys have 256 bits of entropy, so a fast hash is the right choice (no password stretching needed). */
export function hashApiKey(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}

/** The part of a key that may be shown after creation. */
export function apiKeyDisplayPrefix(key: string): string {
  return key.slice(0, API_KEY_PREFIX.length + 6);
}

/**
 * Constant-time equality of two digests, compared as text so malformed hex can never collide. It runs on every
 * API call, so it XORs char codes in place rather than allocating two Buffers for timingSafeEqual.
 */
export function constantTimeEqualHex(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return difference === 0;
}
