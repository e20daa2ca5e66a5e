import { lookup } from "node:dns/promises";
import { isIPv4, isIPv6 } from "node:net";

/**
 * What kind of network an IP address belongs to, for deciding where the gateway may open connections.
 * `public` is the only kind a client-controlled URL may reach; admin-configured upstreams may also use
 * `loopback` and `private` (local model servers), never `metadata` or `link-local`.
 */
export type AddressKind =
  | "public"
  | "loopback"
  /** RFC 1918 IPv4, IPv6 unique-local fc00::/7 (and the deprecated site-local fec0::/10). */
  | "private"
  /** 169.254.0.0/16, fe80::/10. */
  | "link-local"
  /** Cloud instance-metadata endpoints (AWS, GCP, Azure, Alibaba, Oracle, ECS/EKS credentials). */
  | "metadata"
  /** Carrier-grade NAT 100.64.0.0/10. */
  | "shared"
  | "unspecified"
  | "multicast"
  /** Documentation, benchmarking, future use, broadcast, IETF protocol ranges, unallocated IPv6, tunnels. */
  | "reserved"
  /** Not an IP address at all. */
  | "invalid";

/** Instance-metadata addresses; all but 100.100.100.200 and the IPv6 ones are inside link-local anyway. */
const METADATA_V4 = new Set(["169.254.169.254", "169.254.170.2", "169.254.170.23", "169.254.0.23", "100.100.100.200", "192.0.0.192"]);
const METADATA_V6 = new Set(["fd00:ec2:0:0:0:0:0:254", "fd00:ec2:0:0:0:0:0:23"]);

/** [first address as a 32-bit number, prefix length, kind], most specific first where ranges nest. */
const V4_RANGES: Array<[number, number, AddressKind]> = [
  [v4("0.0.0.0"), 8, "unspecified"],
  [v4("10.0.0.0"), 8, "private"],
  [v4("100.64.0.0"), 10, "shared"],
  [v4("127.0.0.0"), 8, "loopback"],
  [v4("169.254.0.0"), 16, "link-local"],
  [v4("172.16.0.0"), 12, "private"],
  [v4("192.0.0.0"), 24, "reserved"],
  [v4("192.0.2.0"), 24, "reserved"],
  [v4("192.88.99.0"), 24, "reserved"],
  [v4("192.168.0.0"), 16, "private"],
  [v4("198.18.0.0"), 15, "reserved"],
  [v4("198.51.100.0"), 24, "reserved"],
  [v4("203.0.113.0"), 24, "reserved"],
  [v4("224.0.0.0"), 4, "multicast"],
  [v4("240.0.0.0"), 4, "reserved"],
];

function v4(dotted: string): number {
  return dotted.split(".").reduce((acc, part) => acc * 256 + Number(part), 0);
}

function classifyV4Number(value: number): AddressKind {
  for (const [start, bits, kind] of V4_RANGES) {
    const size = 2 ** (32 - bits);
    if (value >= start && value < start + size) return kind;
  }
  return "public";
}

function v4FromNumber(value: number): string {
  return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join(".");
}

function classifyV4(dotted: string): AddressKind {
  if (METADATA_V4.has(dotted)) return "metadata";
  return classifyV4Number(v4(dotted));
}

/** The eight 16-bit groups of an IPv6 address (zone id dropped, embedded dotted quad converted). */
function v6Groups(address: string): number[] {
  let text = address.toLowerCase();
  const zone = text.indexOf("%");
  if (zone !== -1) text = text.slice(0, zone);
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const value = v4(dotted[1]!);
    text = `${text.slice(0, dotted.index)}${(value >>> 16).toString(16)}:${(value & 0xffff).toString(16)}`;
  }
  const [head, tail] = text.includes("::") ? text.split("::") : [text, undefined];
  const headGroups = head ? head.split(":") : [];
  const tailGroups = tail ? tail.split(":") : [];
  const missing = 8 - headGroups.length - tailGroups.length;
  const groups = [...headGroups, ...(tail !== undefined ? Array<string>(missing).fill("0") : []), ...tailGroups];
  return groups.map((group) => parseInt(group, 16));
}

function embeddedV4(high: number, low: number): string {
  return v4FromNumber(high * 65536 + low);
}

function classifyV6(address: string): AddressKind {
  const g = v6Groups(address);
  const canonical = g.map((group) => group.toString(16)).join(":");
  if (METADATA_V6.has(canonical)) return "metadata";
  const zeroUpTo = (n: number) => g.slice(0, n).every((group) => group === 0);
  if (zeroUpTo(8)) return "unspecified";
  if (zeroUpTo(7) && g[7] === 1) return "loopback";
  // IPv4-mapped (::ffff:a.b.c.d) and IPv4-translated (::ffff:0:a.b.c.d): the IPv4 address is what is reached.
  if (zeroUpTo(5) && g[5] === 0xffff) return classifyV4(embeddedV4(g[6]!, g[7]!));
  if (zeroUpTo(4) && g[4] === 0xffff && g[5] === 0) return classifyV4(embeddedV4(g[6]!, g[7]!));
  // NAT64 well-known prefix 64:ff9b::/96 reaches the embedded IPv4 address.
  if (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((group) => group === 0)) return classifyV4(embeddedV4(g[6]!, g[7]!));
  // 6to4 2002::/16 tunnels to the IPv4 address in the next 32 bits.
  if (g[0] === 0x2002) return classifyV4(embeddedV4(g[1]!, g[2]!));
  const first = g[0]!;
  if (first >= 0xff00) return "multicast";
  if ((first & 0xffc0) === 0xfe80) return "link-local";
  if ((first & 0xffc0) === 0xfec0) return "private";
  if ((first & 0xfe00) === 0xfc00) return "private";
  // Everything else outside global unicast 2000::/3 (IPv4-compatible ::/96, discard 100::/64, local NAT64
  // 64:ff9b:1::/48, unallocated space) is not a destination a gateway has business with.
  if ((first & 0xe000) !== 0x2000) return "reserved";
  // 2001::/23 IETF protocol assignments (Teredo 2001::/32 included), documentation 2001:db8::/32 and 3fff::/20.
  if (first === 0x2001 && g[1]! < 0x200) return "reserved";
  if (first === 0x2001 && g[1] === 0xdb8) return "reserved";
  if (first === 0x3fff && g[1]! < 0x1000) return "reserved";
  return "public";
}

/** The kind of an IPv4 or IPv6 address (bracketed or with a zone id is fine); `invalid` for anything else. */
export function classifyAddress(address: string): AddressKind {
  const bare = address.startsWith("[") && address.endsWith("]") ? address.slice(1, -1) : address;
  if (isIPv4(bare)) return classifyV4(bare);
  if (isIPv6(bare)) return classifyV6(bare);
  return "invalid";
}

/** The host of a URL when it is an IP literal (brackets removed), else null (a name to resolve). */
export function ipLiteralHost(hostname: string): string | null {
  const bare = hostname.startsWith("[") && hostname.endsWith("]") ? hostname.slice(1, -1) : hostname;
  return isIPv4(bare) || isIPv6(bare) ? bare : null;
}

/** What an admin-configured upstream may never reach, whatever resolves to it. */
export function isForbiddenForUpstream(kind: AddressKind): boolean {
  return kind === "metadata" || kind === "link-local";
}

/** A human description of an address kind, for error messages. */
export function describeAddressKind(kind: AddressKind): string {
  switch (kind) {
    case "loopback":
      return "a loopback address";
    case "private":
      return "a private-network address";
    case "link-local":
      return "a link-local address";
    case "metadata":
      return "a cloud instance-metadata address";
    case "shared":
      return "a carrier-grade NAT (100.64.0.0/10) address";
    case "unspecified":
      return "an unspecified address";
    case "multicast":
      return "a multicast address";
    case "reserved":
      return "a reserved address";
    case "invalid":
      return "not an IP address";
    case "public":
      return "a public address";
  }
}

/** Resolves a host name to all its addresses (the operating system's resolver, as connections would). */
export type HostLookup = (hostname: string) => Promise<Array<{ address: string; family: number }>>;

export const systemLookup: HostLookup = (hostname) => lookup(hostname, { all: true, verbatim: true });
