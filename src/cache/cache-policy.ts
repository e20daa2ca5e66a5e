import { WIRE_FORMATS } from "../formats/wire-formats";
import type { IRFormat } from "../ir/ir-types";

/**
 * Which requests the response cache may answer, for how long, and under which key.
 *
 * Opt-in only: a request is cacheable when its client key or the combo it names (the `model` as the client wrote
 * it, before aliases and routing) has a `cacheTtlSeconds`, and the client asked for a deterministic answer
 * (temperature explicitly 0, one candidate). With both set, the shorter TTL wins.
 */

/**
 * The TTL in seconds for a request, 0 when neither its key nor its combo opted in. With nobody opted in at all
 * (the usual case) this is two `size` reads: no lookup, no hashing, no allocation.
 */
export function cacheTtlFor(keyTtls: ReadonlyMap<string, number>, comboTtls: ReadonlyMap<string, number>, keyId: string | null, model: string): number {
  if (keyTtls.size === 0 && comboTtls.size === 0) return 0;
  const keyTtl = keyId === null ? 0 : (keyTtls.get(keyId) ?? 0);
  const comboTtl = comboTtls.size === 0 ? 0 : (comboTtls.get(model) ?? 0);
  if (keyTtl === 0) return comboTtl;
  if (comboTtl === 0) return keyTtl;
  return Math.min(keyTtl, comboTtl);
}

/** The client asked for one deterministic answer (per format: see `isDeterministic` in formats/wire-formats.ts). */
export function isDeterministicRequest(format: IRFormat, body: Record<string, unknown>): boolean {
  return WIRE_FORMATS[format].isDeterministic(body);
}

/** `x-omniroute-cache: bypass` or `Cache-Control: no-cache`: skip the lookup (a fresh answer may still refresh the entry). */
export function wantsBypass(headers: Headers): boolean {
  if (headers.get("x-omniroute-cache")?.trim().toLowerCase() === "bypass") return true;
  const control = headers.get("cache-control");
  return control !== null && /(?:^|,)\s*no-cache\s*(?:,|$)/i.test(control);
}

/**
 * The exact signature of a request: SHA-256 over the client key id, the endpoint path, the query (minus a `key=`
 * credential; Gemini's `alt=sse` changes the answer's framing), the client headers the format forwards upstream
 * (`anthropic-beta` changes the answer) and the raw body bytes as sent.
 *
 * Scoped per client key on purpose: one key's answers are never served to another key — keys separate users
 * or tenants, and a prompt (or an answer) must not leak across them, nor one key's opt-in cache another's calls.
 * Requests without a key (an open loopback gateway) share the `-` scope.
 */
export function cacheKeyOf(format: IRFormat, keyId: string | null, url: string, headers: Headers, raw: string, variant = ""): string {
  const hasher = new Bun.CryptoHasher("sha256");
  const start = url.indexOf("/", url.indexOf("//") + 2);
  const q = url.indexOf("?", start);
  hasher.update(keyId ?? "-");
  hasher.update("\0");
  hasher.update(q === -1 ? url.slice(start) : url.slice(start, q));
  hasher.update("\0");
  if (q !== -1) {
    const query = new URLSearchParams(url.slice(q + 1));
    query.delete("key");
    query.sort();
    hasher.update(query.toString());
  }
  for (const name of WIRE_FORMATS[format].forwardedClientHeaders) {
    hasher.update("\0");
    hasher.update(name);
    hasher.update(":");
    hasher.update(headers.get(name) ?? "");
  }
  hasher.update("\0");
  // What the gateway itself adds to every request (global system prompt, thinking mode) changes the answer too.
  hasher.update(variant);
  hasher.update("\0");
  hasher.update(raw);
  return hasher.digest("hex");
}
