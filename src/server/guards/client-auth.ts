import type { GatewayRuntime } from "../gateway-runtime";

const CREATE_KEY_HINT = "Create one in the dashboard (API keys) or with `omniroute keys create <name>`.";

/**
 * The key a client presented, in whichever way its SDK sends it: `Authorization: Bearer <key>` (OpenAI, and the
 * Anthropic SDK 1.x), `x-api-key` (Claude Code), `x-goog-api-key` or a `?key=` query parameter (Gemini).
 */
export function readClientKey(headers: Headers, url?: string): string | null {
  const authorization = headers.get("authorization");
  if (authorization && authorization.length > 7 && authorization.slice(0, 7).toLowerCase() === "bearer ") {
    return authorization.slice(7).trim() || null;
  }
  const header = headers.get("x-api-key") ?? headers.get("x-goog-api-key");
  if (header) return header;
  if (url && url.includes("key=")) {
    const query = url.indexOf("?");
    if (query !== -1) return new URLSearchParams(url.slice(query + 1)).get("key");
  }
  return null;
}

export type ClientAuthResult = { ok: true; keyId: string | null } | { ok: false; message: string };

/**
 * With no keys and a loopback bind the API is open, unless `security.requireApiKey` says every call needs a key.
 * Otherwise a valid key is required — including the case where the last key was revoked while bound to a
 * non-loopback address, which must not open the API.
 */
export function authenticateClient(runtime: GatewayRuntime, headers: Headers, url?: string): ClientAuthResult {
  const apiKeys = runtime.services.apiKeys;
  const presented = readClientKey(headers, url);
  if (!apiKeys.hasActiveKeys()) {
    if (runtime.loopbackOnly && !runtime.services.settings.get().security.requireApiKey) return { ok: true, keyId: null };
    if (runtime.loopbackOnly) {
      return { ok: false, message: `This gateway requires a client API key for every call (security.requireApiKey) and none exists yet. ${CREATE_KEY_HINT}` };
    }
    return { ok: false, message: `This gateway is reachable from the network and has no client API keys, so it refuses all calls. ${CREATE_KEY_HINT}` };
  }
  if (!presented) {
    return { ok: false, message: `Missing API key: send 'Authorization: Bearer <key>' or 'x-api-key: <key>'. ${CREATE_KEY_HINT}` };
  }
  const keyId = apiKeys.authenticate(presented);
  if (!keyId) {
    const expiredAt = apiKeys.expiredAt(presented);
    if (expiredAt !== null) return { ok: false, message: `This API key expired at ${new Date(expiredAt).toISOString()}. Extend it or create a new one in the dashboard (API keys).` };
    return { ok: false, message: `Invalid API key (it does not exist or was revoked). ${CREATE_KEY_HINT}` };
  }
  return { ok: true, keyId };
}
