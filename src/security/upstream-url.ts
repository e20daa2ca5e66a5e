/**
 * Validation for admin-supplied upstream base URLs. Private and loopback addresses stay allowed (local model
 * servers live there); cloud metadata endpoints never are, since reaching them from a gateway leaks credentials.
 */
const METADATA_HOSTS = new Set([
  "169.254.169.254",
  "169.254.170.2",
  "fd00:ec2::254",
  "metadata.google.internal",
  "metadata.goog",
  "metadata",
  "100.100.100.200",
]);

export function validateUpstreamBaseUrl(raw: string): { ok: true; url: string } | { ok: false; reason: string } {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: `"${raw}" is not a valid URL` };
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return { ok: false, reason: "base URL must use http or https" };
  if (url.username || url.password) return { ok: false, reason: "base URL must not contain credentials; use the API key field" };
  if (url.search || url.hash) return { ok: false, reason: "base URL must not contain a query string or fragment" };
  const host = url.hostname.replace(/^\[|\]$/g, "").toLowerCase();
  if (METADATA_HOSTS.has(host) || host.startsWith("169.254.")) {
    return { ok: false, reason: `base URL host ${host} is a link-local / cloud metadata address and is blocked` };
  }
  return { ok: true, url: url.toString().replace(/\/+$/, "") };
}
