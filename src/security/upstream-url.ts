import { classifyAddress, describeAddressKind, ipLiteralHost, isForbiddenForUpstream, systemLookup, type HostLookup } from "./outbound-address";

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

/** `::ffff:a9fe:a9fe` / `::ffff:169.254.169.254` → `169.254.169.254`; other hosts unchanged. */
function unmapIpv4(host: string): string {
  const mapped = /^::ffff:(?:(\d+\.\d+\.\d+\.\d+)|([0-9a-f]{1,4}):([0-9a-f]{1,4}))$/.exec(host);
  if (!mapped) return host;
  if (mapped[1]) return mapped[1];
  const high = parseInt(mapped[2]!, 16);
  const low = parseInt(mapped[3]!, 16);
  return [high >> 8, high & 255, low >> 8, low & 255].join(".");
}

/** True for cloud metadata and link-local hosts, in any of their spellings (names and IP literals). */
export function isMetadataHost(hostname: string): boolean {
  const host = unmapIpv4(hostname.replace(/^\[|\]$/g, "").toLowerCase().replace(/\.$/, ""));
  if (METADATA_HOSTS.has(host) || host.startsWith("169.254.")) return true;
  const literal = ipLiteralHost(host);
  return literal !== null && isForbiddenForUpstream(classifyAddress(literal));
}

export function validateUpstreamBaseUrl(raw: string): { ok: true; url: string } | { ok: false; reason: string } {
  if (raw.includes("?") || raw.includes("#")) return { ok: false, reason: "base URL must not contain a query string or fragment" };
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: `"${raw}" is not a valid URL` };
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return { ok: false, reason: "base URL must use http or https" };
  if (url.username || url.password) return { ok: false, reason: "base URL must not contain credentials; use the API key field" };
  if (url.search || url.hash) return { ok: false, reason: "base URL must not contain a query string or fragment" };
  // A trailing dot and IPv4-mapped IPv6 are other spellings of the same address; IPv6 link-local (fe80::/10),
  // NAT64 and 6to4 spellings of a metadata address are caught by the address classification.
  const host = unmapIpv4(url.hostname.replace(/^\[|\]$/g, "").toLowerCase().replace(/\.$/, ""));
  if (isMetadataHost(host)) {
    return { ok: false, reason: `base URL host ${host} is a link-local / cloud metadata address and is blocked` };
  }
  return { ok: true, url: url.toString().replace(/\/+$/, "") };
}

/**
 * Save-time DNS check of an admin-configured base URL: a host name that resolves to a link-local or cloud-metadata
 * address is refused (a name pointed at 169.254.169.254 is the same hole as the literal address). Loopback and
 * private addresses stay allowed. A name that does not resolve now is accepted (the server may come up later).
 * This guards the moment of saving only: at call time the operating system resolves the name again, so a record
 * changed afterwards (DNS rebinding) is not caught here — keep upstream names under your own control.
 */
export async function checkUpstreamHostResolution(
  baseUrl: string,
  lookup: HostLookup = systemLookup,
): Promise<{ ok: true } | { ok: false; reason: string }> {
  let hostname: string;
  try {
    hostname = new URL(baseUrl).hostname;
  } catch {
    return { ok: false, reason: `"${baseUrl}" is not a valid URL` };
  }
  if (ipLiteralHost(hostname) !== null) return { ok: true };
  let addresses: Array<{ address: string }>;
  try {
    addresses = await lookup(hostname.replace(/\.$/, ""));
  } catch {
    return { ok: true };
  }
  for (const { address } of addresses) {
    const kind = classifyAddress(address);
    if (isForbiddenForUpstream(kind)) {
      return { ok: false, reason: `base URL host ${hostname} resolves to ${address}, ${describeAddressKind(kind)}, which is blocked (cloud credentials live there). Use another host name.` };
    }
  }
  return { ok: true };
}
