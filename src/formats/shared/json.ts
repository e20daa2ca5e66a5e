/** Narrowing helpers shared by the adapters: parsed JSON is `unknown` until checked. */

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

/**
 * `data:<media>[;base64],<data>` → media type and base64 data (a percent-encoded payload is re-encoded);
 * null for anything else (http URLs, bare base64).
 */
export function parseDataUrl(url: string): { mediaType: string; data: string } | null {
  if (!url.startsWith("data:")) return null;
  const comma = url.indexOf(",");
  if (comma === -1) return null;
  const meta = url.slice(5, comma);
  const payload = url.slice(comma + 1);
  const isBase64 = meta.endsWith(";base64");
  const mediaType = (isBase64 ? meta.slice(0, -7) : meta).split(";")[0] || "application/octet-stream";
  if (isBase64) return { mediaType, data: payload };
  let text: string;
  try {
    text = decodeURIComponent(payload);
  } catch {
    text = payload;
  }
  return { mediaType, data: Buffer.from(text, "utf8").toString("base64") };
}

export function dataUrl(mediaType: string, data: string): string {
  return `data:${mediaType};base64,${data}`;
}
