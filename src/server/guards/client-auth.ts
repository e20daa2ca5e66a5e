import type { GatewayRuntime } from "../gateway-runtime";

const CREATE_KEY_HINT = "Create one in the dashboard (API keys) or with `omniroute keys create <name>`.";

/** The key a client presented: `Authorization: Bearer <key>` or `x-api-key: <key>` (Anthropic-style clients). */
export function readClientKey(headers: Headers): string | null {
  const authorization = headers.get("authorization");
  if (authorization && authorization.length > 7 && authorization.slice(0, 7).toLowerCase() === "bearer ") {
    return authorization.slice(7).trim() || null;
  }
  return headers.get("x-api-key");
}

export type ClientAuthResult = { ok: true; keyId: string | null } | { ok: false; message: string };

/**
 * With no keys and a loopback bind the API is open. Otherwise a valid key is required — including the case
 * where the last key was revoked while bound to a non-loopback address, which must not open the API.
 */
export function authenticateClient(runtime: GatewayRuntime, headers: Headers): ClientAuthResult {
  const apiKeys = runtime.services.apiKeys;
  const presented = readClientKey(headers);
  if (!apiKeys.hasActiveKeys()) {
    if (runtime.loopbackOnly) return { ok: true, keyId: null };
    return { ok: false, message: `This gateway is reachable from the network and has no client API keys, so it refuses all calls. ${CREATE_KEY_HINT}` };
  }
  if (!presented) {
    return { ok: false, message: `Missing API key: send 'Authorization: Bearer <key>' or 'x-api-key: <key>'. ${CREATE_KEY_HINT}` };
  }
  const keyId = apiKeys.authenticate(presented);
  if (!keyId) return { ok: false, message: `Invalid API key (it does not exist or was revoked). ${CREATE_KEY_HINT}` };
  return { ok: true, keyId };
}
