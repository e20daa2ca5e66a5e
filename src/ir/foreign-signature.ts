import type { IRFormat, IRSignature } from "./ir-types";

/**
 * A client whose format has a signature field (Anthropic `signature`, Gemini `thoughtSignature`, Responses
 * `encrypted_content`) may receive a signature issued by a *different* upstream format. We hand it over
 * wrapped, so it survives the client's round trip byte-exact and we can tell on the next turn where it came
 * from: sent back to its own format it is unwrapped, anywhere else it is dropped.
 *
 * Shape: `omr1.<format>.<base64url(itemId)>.<value>` (the value keeps its own alphabet; it is the last field).
 */
const PREFIX = "omr1.";
/** How a wrapped signature starts inside JSON text: a raw body containing it needs translating, not passing. */
export const WRAPPED_SIGNATURE_IN_JSON = `"${PREFIX}`;
const FORMATS: readonly IRFormat[] = ["openai-chat", "openai-responses", "anthropic", "gemini"];

export function wrapSignature(signature: IRSignature): string {
  const itemId = signature.itemId ? Buffer.from(signature.itemId).toString("base64url") : "";
  return `${PREFIX}${signature.format}.${itemId}.${signature.value}`;
}

/**
 * Reads a signature found in `carrier`'s wire field: a wrapped foreign one, or the carrier format's own.
 * `itemId` is the carrier's own item id, if the field sits on one.
 */
export function readSignature(carrier: IRFormat, raw: string, itemId?: string): IRSignature {
  if (raw.startsWith(PREFIX)) {
    const formatEnd = raw.indexOf(".", PREFIX.length);
    const idEnd = formatEnd === -1 ? -1 : raw.indexOf(".", formatEnd + 1);
    const format = raw.slice(PREFIX.length, formatEnd) as IRFormat;
    if (idEnd !== -1 && FORMATS.includes(format)) {
      const id = raw.slice(formatEnd + 1, idEnd);
      return { format, value: raw.slice(idEnd + 1), ...(id ? { itemId: Buffer.from(id, "base64url").toString() } : {}) };
    }
  }
  return { format: carrier, value: raw, ...(itemId ? { itemId } : {}) };
}

/** The wire value to give a client of format `carrier`: raw for its own signatures, wrapped otherwise. */
export function signatureForClient(carrier: IRFormat, signature: IRSignature): string {
  return signature.format === carrier ? signature.value : wrapSignature(signature);
}
