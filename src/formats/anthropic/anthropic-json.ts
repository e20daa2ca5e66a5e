/** JSON helpers for Anthropic bodies: the shared narrowing helpers plus Anthropic-specific ones. */
import { isObject, type JsonObject } from "../shared/json";

export { isObject, optionalNumber, optionalString, type JsonObject } from "../shared/json";

/** Parses tool-call arguments into the object Anthropic's `input` needs; anything else becomes `{}` (never throws). */
export function argumentsToInput(args: string): JsonObject {
  if (args === "" || args === "{}") return {};
  try {
    const parsed: unknown = JSON.parse(args);
    return isObject(parsed) ? parsed : {};
  } catch {
    return {};
  }
}

/**
 * Copies `original` key by key in its own order, replacing the keys we own with our value (dropped when
 * undefined), then appends owned keys the original lacked. Keeps a client's object byte-identical when
 * nothing changed, so prompt-cache prefixes survive a round trip.
 */
export function mergeOwnedKeys(original: JsonObject | undefined, owned: Record<string, unknown>): JsonObject {
  const out: JsonObject = {};
  if (original) {
    for (const key of Object.keys(original)) {
      if (key in owned) {
        const value = owned[key];
        if (value !== undefined) out[key] = value;
      } else {
        out[key] = original[key];
      }
    }
  }
  for (const key of Object.keys(owned)) {
    const value = owned[key];
    if (value !== undefined && !(key in out)) out[key] = value;
  }
  return out;
}
