import { formatIp, parseIp, type CidrSet, type ParsedIp } from "./cidr";

/**
 * The client address of a request as the gateway decided it (the socket peer, or the forwarded client when the
 * peer is a trusted proxy), recorded once by the server's fetch handler so any later code — login lock-out,
 * sessions, the audit log — reads the same answer without the server object at hand.
 */
export interface ClientAddress {
  /** The client's IP address (IPv4 dotted or IPv6 text), or null when the runtime could not tell. */
  ip: string | null;
  /** The request came through a trusted proxy (the address is from X-Forwarded-For). */
  viaProxy: boolean;
  /** The client used HTTPS (directly, or to a trusted proxy that said so in X-Forwarded-Proto). */
  https: boolean;
}

/** What the server records: the public fields plus what the network rules need, computed once. */
export interface ResolvedClientAddress extends ClientAddress {
  /** `ip` parsed (IPv4-mapped IPv6 as IPv4), for the allow / block lists; null when unknown. */
  parsed: ParsedIp | null;
  /** The socket peer's address as the server gave it (the proxy, when `viaProxy`). */
  peer: string | null;
}

const addresses = new WeakMap<Request, ClientAddress>();

export function rememberClientAddress(request: Request, address: ClientAddress): void {
  addresses.set(request, address);
}

/** The address recorded for this request; for a request that never passed the server (tests), none. */
export function clientAddressOf(request: Request): ClientAddress {
  return addresses.get(request) ?? { ip: null, viaProxy: false, https: request.url.startsWith("https:") };
}

/** The recorded address with its parsed form, or null when the request did not pass the server's resolution. */
export function resolvedClientAddressOf(request: Request): ResolvedClientAddress | null {
  const address = addresses.get(request);
  return address && "parsed" in address ? (address as ResolvedClientAddress) : null;
}

/**
 * Decides the client address of a request from its socket peer (`server.requestIP(request)?.address`) and records
 * it. X-Forwarded-For and X-Forwarded-Proto are read only when the peer is in `trustedProxies`: the list is walked
 * from the right (the hop our proxy saw), skipping trusted proxies; the first untrusted hop is the client. From any
 * other peer the headers are ignored, so a client cannot choose its own address.
 */
export function resolveClientAddress(request: Request, peer: string | null, trustedProxies: CidrSet | null): ResolvedClientAddress {
  const address = decideClientAddress(request.headers, request.url.startsWith("https:"), peer, trustedProxies);
  addresses.set(request, address);
  return address;
}

/** The decision of `resolveClientAddress` without recording it (settings checks: "what would my address be?"). */
export function decideClientAddress(headers: Headers, directHttps: boolean, peer: string | null, trustedProxies: CidrSet | null): ResolvedClientAddress {
  const peerParsed = peer === null ? null : parseIp(peer);
  const direct: ResolvedClientAddress = {
    ip: peerParsed === null ? peer : peerIpText(peer!, peerParsed),
    parsed: peerParsed,
    viaProxy: false,
    https: directHttps,
    peer,
  };
  if (peerParsed === null || trustedProxies === null || trustedProxies.size === 0 || !trustedProxies.contains(peerParsed)) return direct;

  const forwardedProto = headers.get("x-forwarded-proto");
  const forwardedFor = headers.get("x-forwarded-for");
  const hops = forwardedFor ? forwardedFor.split(",") : [];
  let client: ParsedIp = peerParsed;
  let clientIndex = -1;
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = parseIp(hopAddress(hops[i]!));
    // A malformed hop ends the walk: the last address we could vouch for stands.
    if (hop === null) break;
    client = hop;
    clientIndex = i;
    if (!trustedProxies.contains(hop)) break;
  }
  const viaProxy = clientIndex !== -1;
  return {
    ip: viaProxy ? formatIp(client) : direct.ip,
    parsed: client,
    viaProxy,
    https: forwardedProto === null ? directHttps : protoFor(forwardedProto, clientIndex, hops.length),
    peer,
  };
}

/** The server's text for the peer, with an IPv4-mapped IPv6 address written as IPv4. */
function peerIpText(peer: string, parsed: ParsedIp): string {
  if (typeof parsed === "number") return peer.includes(":") ? formatIp(parsed) : peer;
  return peer.toLowerCase();
}

/** One X-Forwarded-For entry → the bare address (`1.2.3.4:5678` and `[::1]:5678` carry ports). */
function hopAddress(entry: string): string {
  const hop = entry.trim();
  if (hop.startsWith("[")) {
    const end = hop.indexOf("]");
    return end === -1 ? hop : hop.slice(1, end);
  }
  const colon = hop.indexOf(":");
  if (colon !== -1 && hop.indexOf(":", colon + 1) === -1 && hop.includes(".")) return hop.slice(0, colon);
  return hop;
}

/**
 * X-Forwarded-Proto for the chosen hop: proxies that append write one entry per hop, aligned with
 * X-Forwarded-For, so the client's own protocol is at its index; otherwise (one value, overwritten by each proxy)
 * the last value is what our nearest proxy says.
 */
function protoFor(header: string, clientIndex: number, hopCount: number): boolean {
  const values = header.split(",");
  const value = clientIndex !== -1 && values.length === hopCount ? values[clientIndex]! : values[values.length - 1]!;
  return value.trim().toLowerCase() === "https";
}
