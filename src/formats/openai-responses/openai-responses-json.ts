/** Narrowing helpers for OpenAI Responses JSON bodies (parsed JSON is `unknown` until checked). */

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function optionalString(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

export function optionalNumber(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

/** `data:<media>;base64,<data>` → its parts; null for anything else (http URLs, bare base64). */
export function parseDataUrl(url: string): { mediaType: string; data: string } | null {
  if (!url.startsWith("data:")) return null;
  const comma = url.indexOf(",");
  if (comma === -1) return null;
  const header = url.slice(5, comma);
  if (!header.endsWith(";base64")) return null;
  return { mediaType: header.slice(0, -7) || "application/octet-stream", data: url.slice(comma + 1) };
}

export function dataUrl(mediaType: string, data: string): string {
  return `data:${mediaType};base64,${data}`;
}
