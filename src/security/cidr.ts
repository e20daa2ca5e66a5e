/**
 * IP addresses and CIDR ranges, IPv4 and IPv6, for the network rules (allow / block lists, trusted proxies).
 *
 * A parsed address is a `number` for IPv4 (unsigned 32 bits; IPv4-mapped IPv6 addresses such as
 * `::ffff:1.2.3.4` parse to the IPv4 number, so IPv4 rules match them) or a `Uint32Array` of four words for IPv6.
 * Parsing an IPv4 address and matching it against a `CidrSet` allocate nothing, so both can run per request.
 */

/** A parsed address: IPv4 as an unsigned 32-bit number, IPv6 as four 32-bit words (most significant first). */
export type ParsedIp = number | Uint32Array;

/** An address or CIDR that cannot be used; the message names the entry and says what to write instead. */
export class CidrError extends Error {
  override name = "CidrError";
  constructor(
    readonly entry: string,
    readonly reason: string,
  ) {
    super(`"${entry}" is not an IP address or CIDR range: ${reason}`);
  }
}

const DIGIT_0 = 48;
const DIGIT_9 = 57;
const DOT = 46;

/** Dotted-quad IPv4 from `start` to `end` → unsigned number, or -1. Strict: four parts, 0–255, no leading zeros. */
function parseIpv4Range(text: string, start: number, end: number): number {
  let value = 0;
  let part = 0;
  let digits = 0;
  let parts = 0;
  let leadingZero = false;
  for (let i = start; i < end; i++) {
    const code = text.charCodeAt(i);
    if (code >= DIGIT_0 && code <= DIGIT_9) {
      // "010" is octal to some parsers and decimal to others: refuse rather than guess.
      if (leadingZero) return -1;
      if (digits === 0 && code === DIGIT_0) leadingZero = true;
      part = part * 10 + (code - DIGIT_0);
      if (++digits > 3 || part > 255) return -1;
    } else if (code === DOT) {
      if (digits === 0 || parts === 3) return -1;
      value = value * 256 + part;
      parts++;
      part = 0;
      digits = 0;
      leadingZero = false;
    } else {
      return -1;
    }
  }
  if (digits === 0 || parts !== 3) return -1;
  return value * 256 + part;
}

function hexValue(code: number): number {
  if (code >= DIGIT_0 && code <= DIGIT_9) return code - DIGIT_0;
  const lower = code | 0x20;
  if (lower >= 97 && lower <= 102) return lower - 87;
  return -1;
}

/** IPv6 text → four words, or a reason it is not one. */
function parseIpv6(text: string): Uint32Array | string {
  if (text.includes("%")) return "zone ids (the %… suffix) are not supported; write the address without it";
  if (text.startsWith("[") || text.endsWith("]")) return "write IPv6 addresses without brackets";
  const doubleColon = text.indexOf("::");
  if (doubleColon !== -1 && text.indexOf("::", doubleColon + 1) !== -1) return '"::" may appear only once';
  const groups: number[] = [];
  let compressedAt = -1;
  const pieces = doubleColon === -1 ? [text] : [text.slice(0, doubleColon), text.slice(doubleColon + 2)];
  for (let p = 0; p < pieces.length; p++) {
    if (p === 1) compressedAt = groups.length;
    const piece = pieces[p]!;
    if (piece === "") continue;
    const parts = piece.split(":");
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i]!;
      const lastOfAddress = i === parts.length - 1 && p === pieces.length - 1;
      if (lastOfAddress && part.includes(".")) {
        const v4 = parseIpv4Range(part, 0, part.length);
        if (v4 < 0) return `"${part}" is not a valid embedded IPv4 address`;
        groups.push(Math.floor(v4 / 65536), v4 % 65536);
        continue;
      }
      if (part.length === 0 || part.length > 4) return "each group is 1 to 4 hex digits, separated by single colons";
      let group = 0;
      for (let c = 0; c < part.length; c++) {
        const digit = hexValue(part.charCodeAt(c));
        if (digit < 0) return `"${part}" is not a hex group`;
        group = group * 16 + digit;
      }
      groups.push(group);
    }
  }
  if (compressedAt === -1 ? groups.length !== 8 : groups.length > 7) return "an IPv6 address has 8 groups (or fewer with one \"::\")";
  const full = new Array<number>(8).fill(0);
  if (compressedAt === -1) {
    for (let i = 0; i < 8; i++) full[i] = groups[i]!;
  } else {
    const tail = groups.length - compressedAt;
    for (let i = 0; i < compressedAt; i++) full[i] = groups[i]!;
    for (let i = 0; i < tail; i++) full[8 - tail + i] = groups[compressedAt + i]!;
  }
  const words = new Uint32Array(4);
  for (let i = 0; i < 4; i++) words[i] = full[i * 2]! * 65536 + full[i * 2 + 1]!;
  return words;
}

/** `::ffff:a.b.c.d` (IPv4-mapped) → the IPv4 number; else -1. */
function mappedIpv4(words: Uint32Array): number {
  return words[0] === 0 && words[1] === 0 && words[2] === 0xffff ? words[3]! : -1;
}

/** An address (no prefix) → parsed, or a reason it is not one. */
function parseAddress(text: string): ParsedIp | string {
  if (text.length === 0) return "empty";
  if (!text.includes(":")) {
    const v4 = parseIpv4Range(text, 0, text.length);
    if (v4 >= 0) return v4;
    if (/^[\d.*]+$/.test(text)) return "IPv4 is four numbers 0–255 without leading zeros (for a range use CIDR, e.g. 10.0.0.0/24)";
    return "host names are not supported; write an address such as 127.0.0.1 or ::1";
  }
  const words = parseIpv6(text);
  if (typeof words === "string") return words;
  const v4 = mappedIpv4(words);
  return v4 >= 0 ? v4 : words;
}

/**
 * An address as the server or a proxy header gives it → parsed, or null. IPv4-mapped IPv6 gives the IPv4 number.
 * IPv4 costs no allocation.
 */
export function parseIp(text: string): ParsedIp | null {
  const parsed = parseAddress(text);
  return typeof parsed === "string" ? null : parsed;
}

/** Canonical text of a parsed address: dotted IPv4, RFC 5952 IPv6 (lower case, longest zero run as "::"). */
export function formatIp(ip: ParsedIp): string {
  if (typeof ip === "number") return `${ip >>> 24}.${(ip >>> 16) & 255}.${(ip >>> 8) & 255}.${ip & 255}`;
  const groups: number[] = [];
  for (let i = 0; i < 4; i++) groups.push(ip[i]! >>> 16, ip[i]! & 0xffff);
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = groups.map((group) => group.toString(16));
  if (bestStart === -1) return hex.join(":");
  return `${hex.slice(0, bestStart).join(":")}::${hex.slice(bestStart + bestLength).join(":")}`;
}

/** The canonical text of an address, or null when it is not one (`::ffff:1.2.3.4` → `1.2.3.4`). */
export function normalizeIp(text: string): string | null {
  const parsed = parseIp(text);
  return parsed === null ? null : formatIp(parsed);
}

/**
 * The key per-address limits count under (request rate, login failures): an IPv4 address as it is, an IPv6 one as
 * its /64 network (`2001:db8:1:2::/64`). One host or home line is routinely given a whole /64, so counting single
 * IPv6 addresses would let a client take a fresh one for every request. `parsed` saves a second parse.
 */
export function addressGroupOf(ip: string | null, parsed: ParsedIp | null = ip === null ? null : parseIp(ip)): string {
  if (parsed === null) return ip ?? "unknown";
  // IPv4 text is used as it is (no allocation); a mapped one (`::ffff:1.2.3.4`) counts with its IPv4 form.
  if (typeof parsed === "number") return ip !== null && !ip.includes(":") ? ip : formatIp(parsed);
  return `${formatIp(Uint32Array.of(parsed[0]!, parsed[1]!, 0, 0))}/64`;
}

interface Ipv4Range {
  network: number;
  mask: number;
}
interface Ipv6Range {
  network: Uint32Array;
  mask: Uint32Array;
}

function ipv4Mask(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

function ipv6Mask(prefix: number): Uint32Array {
  const mask = new Uint32Array(4);
  for (let i = 0; i < 4; i++) {
    const bits = Math.max(0, Math.min(32, prefix - i * 32));
    mask[i] = ipv4Mask(bits);
  }
  return mask;
}

/** The ranges one entry stands for (an IPv6 range covering the IPv4-mapped block also yields its IPv4 part). */
function parseEntry(entry: string): { v4: Ipv4Range[]; v6: Ipv6Range[] } {
  const text = entry.trim();
  const slash = text.indexOf("/");
  const addressText = slash === -1 ? text : text.slice(0, slash);
  const address = parseAddress(addressText);
  if (typeof address === "string") throw new CidrError(entry, address);
  const isIpv6Text = addressText.includes(":");
  const maxPrefix = isIpv6Text ? 128 : 32;
  let prefix = maxPrefix;
  if (slash !== -1) {
    const prefixText = text.slice(slash + 1);
    if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > maxPrefix) {
      throw new CidrError(entry, `the prefix length after "/" must be a number from 0 to ${maxPrefix}`);
    }
    prefix = Number(prefixText);
  }
  if (!isIpv6Text) {
    const mask = ipv4Mask(prefix);
    // Host bits set ("10.0.0.1/8") are cleared: the intent is plain.
    return { v4: [{ network: ((address as number) & mask) >>> 0, mask }], v6: [] };
  }
  // Written as IPv6 (a mapped address parsed to its IPv4 number): work on the 128-bit form.
  const words = typeof address === "number" ? Uint32Array.of(0, 0, 0xffff, address) : address;
  const mask = ipv6Mask(prefix);
  const network = words.map((word, i) => (word & mask[i]!) >>> 0);
  const v4: Ipv4Range[] = [];
  const v6: Ipv6Range[] = [{ network, mask }];
  // Mapped addresses are matched as IPv4, so the part of this range inside ::ffff:0:0/96 becomes an IPv4 range.
  if (prefix >= 96) {
    if (mappedIpv4(network) >= 0) {
      const v4Mask = ipv4Mask(prefix - 96);
      return { v4: [{ network: (network[3]! & v4Mask) >>> 0, mask: v4Mask }], v6: [] };
    }
  } else if (((0xffff & mask[2]!) >>> 0) === network[2] && network[0] === 0 && network[1] === 0) {
    v4.push({ network: 0, mask: 0 });
  }
  return { v4, v6 };
}

/** Why an entry is not a usable address or CIDR, or null when it is (for settings validation). */
export function cidrEntryProblem(entry: string): string | null {
  try {
    parseEntry(entry);
    return null;
  } catch (error) {
    return error instanceof CidrError ? error.message : String(error);
  }
}

/**
 * A compiled list of addresses and CIDR ranges. `contains` scans flat typed arrays: no allocation, a handful of
 * integer operations per range.
 */
export class CidrSet {
  readonly #v4Networks: Uint32Array;
  readonly #v4Masks: Uint32Array;
  readonly #v6Networks: Uint32Array;
  readonly #v6Masks: Uint32Array;
  readonly #v4Count: number;
  readonly #v6Count: number;
  /** How many entries it was compiled from. */
  readonly size: number;

  private constructor(v4: Ipv4Range[], v6: Ipv6Range[], size: number) {
    this.#v4Count = v4.length;
    this.#v6Count = v6.length;
    this.#v4Networks = Uint32Array.from(v4, (range) => range.network);
    this.#v4Masks = Uint32Array.from(v4, (range) => range.mask);
    this.#v6Networks = new Uint32Array(v6.length * 4);
    this.#v6Masks = new Uint32Array(v6.length * 4);
    v6.forEach((range, i) => {
      this.#v6Networks.set(range.network, i * 4);
      this.#v6Masks.set(range.mask, i * 4);
    });
    this.size = size;
  }

  /** Compiles entries such as `10.0.0.0/8`, `192.168.1.7`, `2001:db8::/32`, `::1`; throws CidrError on the first bad one. */
  static compile(entries: readonly string[]): CidrSet {
    const v4: Ipv4Range[] = [];
    const v6: Ipv6Range[] = [];
    for (const entry of entries) {
      const ranges = parseEntry(entry);
      v4.push(...ranges.v4);
      v6.push(...ranges.v6);
    }
    return new CidrSet(v4, v6, entries.length);
  }

  /** Like `compile`, but skips bad entries and reports them (for stored settings that predate validation). */
  static compileLenient(entries: readonly string[], onInvalid: (error: CidrError) => void): CidrSet {
    const v4: Ipv4Range[] = [];
    const v6: Ipv6Range[] = [];
    for (const entry of entries) {
      try {
        const ranges = parseEntry(entry);
        v4.push(...ranges.v4);
        v6.push(...ranges.v6);
      } catch (error) {
        if (!(error instanceof CidrError)) throw error;
        onInvalid(error);
      }
    }
    return new CidrSet(v4, v6, entries.length);
  }

  contains(ip: ParsedIp): boolean {
    if (typeof ip === "number") {
      const networks = this.#v4Networks;
      const masks = this.#v4Masks;
      for (let i = 0; i < this.#v4Count; i++) {
        if (((ip & masks[i]!) >>> 0) === networks[i]) return true;
      }
      return false;
    }
    const networks = this.#v6Networks;
    const masks = this.#v6Masks;
    const w0 = ip[0]!;
    const w1 = ip[1]!;
    const w2 = ip[2]!;
    const w3 = ip[3]!;
    for (let i = 0, o = 0; i < this.#v6Count; i++, o += 4) {
      if (
        ((w0 & masks[o]!) >>> 0) === networks[o] &&
        ((w1 & masks[o + 1]!) >>> 0) === networks[o + 1] &&
        ((w2 & masks[o + 2]!) >>> 0) === networks[o + 2] &&
        ((w3 & masks[o + 3]!) >>> 0) === networks[o + 3]
      ) {
        return true;
      }
    }
    return false;
  }

  /** Parses `text` and tests it; an unparsable address is in no set. */
  containsText(text: string): boolean {
    const ip = parseIp(text);
    return ip !== null && this.contains(ip);
  }
}
