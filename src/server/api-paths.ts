import type { IRFormat } from "../ir/ir-types";

/** Index of the path in a request URL (`http://host:port/path?query`), found without allocating. */
export function pathStartOf(url: string): number {
  const start = url.indexOf("/", url.indexOf("//") + 2);
  return start === -1 ? url.length : start;
}

const SLASH = 47;
const QUESTION_MARK = 63;

/** The path at `start` is on the API side (`/v1`, `/v1/…`, `/v1beta`, `/v1beta/…`); everything else is the dashboard's. */
export function isApiPathAt(url: string, start: number): boolean {
  if (!url.startsWith("/v1", start)) return false;
  let end = start + 3;
  if (url.startsWith("beta", end)) end += 4;
  if (end === url.length) return true;
  const next = url.charCodeAt(end);
  return next === SLASH || next === QUESTION_MARK;
}

/** The API format a path belongs to, so even a gateway-made error answers in the caller's shape. */
export function surfaceFormatOf(path: string): IRFormat {
  if (path.startsWith("/v1/messages")) return "anthropic";
  if (path.startsWith("/v1beta/") || path === "/v1beta" || (path.startsWith("/v1/models/") && path.includes(":"))) return "gemini";
  if (path.startsWith("/v1/responses")) return "openai-responses";
  return "openai-chat";
}
