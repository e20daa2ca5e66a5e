import type { IRImagePart, IRRequest } from "../ir/ir-types";
import { isMetadataHost } from "../security/upstream-url";

export class ImageFetchError extends Error {
  override name = "ImageFetchError";
}

const FETCH_TIMEOUT_MS = 15_000;

/**
 * Replaces http(s) image URLs with inline base64 for upstreams that cannot fetch URLs themselves (Gemini only
 * takes inline data or its own file URIs). Each image is size-limited and fetched once per distinct URL.
 */
export async function inlineImageUrls(request: IRRequest, maxBytes: number, signal?: AbortSignal): Promise<void> {
  const parts: IRImagePart[] = [];
  for (const message of request.messages) {
    for (const part of message.content) {
      if (part.type === "image" && part.source.kind === "url") parts.push(part);
      else if (part.type === "tool_result" && Array.isArray(part.content)) {
        for (const inner of part.content) if (inner.type === "image" && inner.source.kind === "url") parts.push(inner);
      }
    }
  }
  if (parts.length === 0) return;
  const cache = new Map<string, Promise<{ mediaType: string; data: string }>>();
  await Promise.all(
    parts.map(async (part) => {
      const url = (part.source as { url: string }).url;
      let pending = cache.get(url);
      if (!pending) {
        pending = fetchImage(url, maxBytes, signal);
        cache.set(url, pending);
      }
      const { mediaType, data } = await pending;
      part.source = { kind: "base64", mediaType, data };
    }),
  );
}

async function fetchImage(url: string, maxBytes: number, signal?: AbortSignal): Promise<{ mediaType: string; data: string }> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ImageFetchError(`Image URL "${url.slice(0, 200)}" is not a valid URL.`);
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") throw new ImageFetchError(`Image URL must be http(s) or a data: URL, not ${parsed.protocol}.`);
  if (isMetadataHost(parsed.hostname)) throw new ImageFetchError(`Image URL host ${parsed.hostname} is blocked.`);
  const timeout = AbortSignal.timeout(FETCH_TIMEOUT_MS);
  let response: Response;
  try {
    response = await fetch(parsed, { redirect: "follow", signal: signal ? AbortSignal.any([signal, timeout]) : timeout });
  } catch (error) {
    throw new ImageFetchError(`Could not fetch image ${parsed.origin}${parsed.pathname}: ${(error as Error).message}.`);
  }
  if (!response.ok) throw new ImageFetchError(`Fetching image ${parsed.origin}${parsed.pathname} failed with HTTP ${response.status}.`);
  const declared = Number(response.headers.get("content-length") ?? "0");
  if (declared > maxBytes) throw new ImageFetchError(`Image ${parsed.origin}${parsed.pathname} is larger than ${maxBytes} bytes.`);
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = response.body?.getReader();
  if (reader) {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel().catch(() => {});
        throw new ImageFetchError(`Image ${parsed.origin}${parsed.pathname} is larger than ${maxBytes} bytes.`);
      }
      chunks.push(value);
    }
  }
  const mediaType = (response.headers.get("content-type") ?? "").split(";")[0]!.trim() || "image/png";
  if (!mediaType.startsWith("image/")) throw new ImageFetchError(`URL ${parsed.origin}${parsed.pathname} is not an image (content type ${mediaType}).`);
  return { mediaType, data: Buffer.concat(chunks).toString("base64") };
}
