import type { IncomingMessage, RequestOptions } from "node:http";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import type { IRImagePart, IRRequest } from "../ir/ir-types";
import { classifyAddress, describeAddressKind, ipLiteralHost, systemLookup, type AddressKind, type HostLookup } from "../security/outbound-address";
import { isMetadataHost } from "../security/upstream-url";

export class ImageFetchError extends Error {
  override name = "ImageFetchError";
}

/**
 * Where the gateway may fetch a client's image URL from. The URL is the client's choice, so this is outbound
 * traffic under client control (server-side request forgery): by default only public addresses on the usual web
 * ports. Tests replace it to fetch from a local server.
 */
export interface ImageFetchPolicy {
  lookup: HostLookup;
  allowAddress(kind: AddressKind): boolean;
  allowPort(port: number): boolean;
  /** For the whole fetch, redirects included. */
  timeoutMs: number;
  maxRedirects: number;
}

const WEB_PORTS = new Set([80, 443, 8080, 8443]);

export const DEFAULT_IMAGE_FETCH_POLICY: ImageFetchPolicy = {
  lookup: systemLookup,
  allowAddress: (kind) => kind === "public",
  allowPort: (port) => WEB_PORTS.has(port),
  timeoutMs: 15_000,
  maxRedirects: 3,
};

let currentPolicy = DEFAULT_IMAGE_FETCH_POLICY;

/** Test seam for an in-process gateway: fetch images under another policy (null restores the default). */
export function setImageFetchPolicy(policy: Partial<ImageFetchPolicy> | null): void {
  currentPolicy = policy ? { ...DEFAULT_IMAGE_FETCH_POLICY, ...policy } : DEFAULT_IMAGE_FETCH_POLICY;
}

/**
 * Replaces http(s) image URLs with inline base64 for upstreams that cannot fetch URLs themselves (Gemini only
 * takes inline data or its own file URIs). Each image is size-limited and fetched once per distinct URL.
 */
export async function inlineImageUrls(request: IRRequest, maxBytes: number, signal?: AbortSignal, policy: ImageFetchPolicy = currentPolicy): Promise<void> {
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
        pending = fetchImage(url, maxBytes, policy, signal);
        cache.set(url, pending);
      }
      const { mediaType, data } = await pending;
      part.source = { kind: "base64", mediaType, data };
    }),
  );
}

/** The URL without its query (which may carry a signature), for messages. */
const shown = (url: URL) => `${url.origin}${url.pathname}`;

async function fetchImage(raw: string, maxBytes: number, policy: ImageFetchPolicy, clientSignal?: AbortSignal): Promise<{ mediaType: string; data: string }> {
  const timeout = AbortSignal.timeout(policy.timeoutMs);
  const signal = clientSignal ? AbortSignal.any([clientSignal, timeout]) : timeout;
  let url = checkImageUrl(raw, policy);
  for (let redirects = 0; ; redirects++) {
    const address = await resolveAllowed(url, policy, signal);
    const response = await get(url, address, signal).catch((error: unknown) => {
      throw fetchFailure(url, error, timeout, policy);
    });
    const status = response.statusCode ?? 0;
    if ([301, 302, 303, 307, 308].includes(status)) {
      response.destroy();
      const location = response.headers.location;
      if (!location) throw new ImageFetchError(`Fetching image ${shown(url)} answered a redirect (HTTP ${status}) without a Location.`);
      if (redirects >= policy.maxRedirects) throw new ImageFetchError(`Image ${shown(url)} redirected more than ${policy.maxRedirects} times. Link the image's final address.`);
      // Each hop is checked like the first URL: scheme, port, and where its host resolves.
      url = checkImageUrl(new URL(location, url).href, policy);
      continue;
    }
    try {
      return await readImage(url, response, maxBytes);
    } catch (error) {
      if (error instanceof ImageFetchError) throw error;
      throw fetchFailure(url, error, timeout, policy);
    } finally {
      response.destroy();
    }
  }
}

function checkImageUrl(raw: string, policy: ImageFetchPolicy): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ImageFetchError(`Image URL "${raw.slice(0, 200)}" is not a valid URL.`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new ImageFetchError(`Image URL must be http(s) or a data: URL, not ${url.protocol}.`);
  if (url.username || url.password) throw new ImageFetchError(`Image URL ${shown(url)} must not contain credentials.`);
  const port = url.port ? Number(url.port) : url.protocol === "https:" ? 443 : 80;
  if (!policy.allowPort(port)) throw new ImageFetchError(`Image URL ${shown(url)} uses port ${port}; images are fetched only from ports 80, 443, 8080 and 8443.`);
  return url;
}

/** Resolves the host and checks every address it has; returns the one to connect to. */
async function resolveAllowed(url: URL, policy: ImageFetchPolicy, signal: AbortSignal): Promise<{ address: string; family: number }> {
  const host = url.hostname.replace(/^\[|\]$/g, "").replace(/\.$/, "");
  if (isMetadataHost(host)) throw new ImageFetchError(`Image URL host ${host} is a cloud metadata address and is blocked.`);
  const literal = ipLiteralHost(host);
  let addresses: Array<{ address: string; family: number }>;
  if (literal !== null) addresses = [{ address: literal, family: literal.includes(":") ? 6 : 4 }];
  else {
    try {
      addresses = await abortable(policy.lookup(host), signal);
    } catch (error) {
      if (signal.aborted) throw new ImageFetchError(`Resolving image host ${host} took too long.`);
      throw new ImageFetchError(`Image host ${host} could not be resolved (${(error as { code?: string }).code ?? "DNS failure"}).`);
    }
    if (addresses.length === 0) throw new ImageFetchError(`Image host ${host} has no address.`);
  }
  for (const { address } of addresses) {
    const kind = classifyAddress(address);
    if (!policy.allowAddress(kind)) {
      const where = literal !== null ? `is ${describeAddressKind(kind)}` : `resolves to ${address}, ${describeAddressKind(kind)}`;
      throw new ImageFetchError(`Image URL host ${host} ${where}: OmniRoute fetches images only from public addresses. Send the image inline (base64) instead.`);
    }
  }
  return addresses[0]!;
}

function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

/**
 * One GET with no credential, no cookie, no redirect following, connected to the address already checked (the
 * lookup hook hands it over, so no second resolution can be steered elsewhere by DNS rebinding). Resolves when
 * the response head arrives; the abort signal also ends the body.
 */
function get(url: URL, address: { address: string; family: number }, signal: AbortSignal): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const send = url.protocol === "https:" ? httpsRequest : httpRequest;
    const request = send(
      {
        protocol: url.protocol,
        hostname: url.hostname.replace(/^\[|\]$/g, ""),
        port: url.port || undefined,
        path: `${url.pathname}${url.search}`,
        method: "GET",
        headers: { accept: "image/*", "user-agent": "OmniRoute image fetch" },
        agent: false,
        lookup: ((_host: string, options: { all?: boolean } | undefined, callback: (...args: unknown[]) => void) => {
          if (options?.all) callback(null, [address]);
          else callback(null, address.address, address.family);
        }) as unknown as RequestOptions["lookup"],
      },
      (response) => {
        response.once("close", () => signal.removeEventListener("abort", onAbort));
        resolve(response);
      },
    );
    const onAbort = () => request.destroy(signal.reason instanceof Error ? signal.reason : new Error("aborted"));
    if (signal.aborted) onAbort();
    else signal.addEventListener("abort", onAbort, { once: true });
    request.once("error", (error) => {
      signal.removeEventListener("abort", onAbort);
      reject(error);
    });
    request.end();
  });
}

function fetchFailure(url: URL, error: unknown, timeout: AbortSignal, policy: ImageFetchPolicy): ImageFetchError {
  if (timeout.aborted) return new ImageFetchError(`Fetching image ${shown(url)} took longer than ${Math.round(policy.timeoutMs / 1000)} s.`);
  const code = (error as { code?: string })?.code;
  return new ImageFetchError(`Could not fetch image ${shown(url)}: ${code ?? (error as Error)?.message ?? "network error"}.`);
}

async function readImage(url: URL, response: IncomingMessage, maxBytes: number): Promise<{ mediaType: string; data: string }> {
  const status = response.statusCode ?? 0;
  if (status < 200 || status >= 300) throw new ImageFetchError(`Fetching image ${shown(url)} failed with HTTP ${status}.`);
  const declared = String(response.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
  // Refused before reading: an HTML page or JSON document is not an image, whatever its size.
  if (declared !== "" && declared !== "application/octet-stream" && !declared.startsWith("image/")) {
    throw new ImageFetchError(`URL ${shown(url)} is not an image (content type ${declared}).`);
  }
  if (declared === "image/svg+xml") throw new ImageFetchError(`Image ${shown(url)} is SVG, which is not accepted; send PNG, JPEG, GIF or WebP.`);
  const length = Number(response.headers["content-length"] ?? "0");
  if (length > maxBytes) throw new ImageFetchError(`Image ${shown(url)} is larger than ${maxBytes} bytes.`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response as AsyncIterable<Buffer>) {
    size += chunk.byteLength;
    if (size > maxBytes) throw new ImageFetchError(`Image ${shown(url)} is larger than ${maxBytes} bytes.`);
    chunks.push(chunk);
  }
  const bytes = Buffer.concat(chunks);
  const mediaType = declared.startsWith("image/") ? declared : sniffImageType(bytes);
  if (!mediaType) throw new ImageFetchError(`URL ${shown(url)} is not an image (no image content type, and the bytes are not PNG, JPEG, GIF or WebP).`);
  return { mediaType, data: bytes.toString("base64") };
}

/** The image type of bytes served without a useful content type, from their signature. */
function sniffImageType(bytes: Buffer): string | null {
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return "image/png";
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return "image/jpeg";
  if (bytes.length >= 6 && /^GIF8[79]a$/.test(bytes.subarray(0, 6).toString("latin1"))) return "image/gif";
  if (bytes.length >= 12 && bytes.subarray(0, 4).toString("latin1") === "RIFF" && bytes.subarray(8, 12).toString("latin1") === "WEBP") return "image/webp";
  return null;
}
