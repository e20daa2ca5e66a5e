/**
 * Whether an address falls inside a list of CIDRs, for the warning shown before a dashboard allowlist that would
 * shut out the person editing it. Only a warning: the server validates the list and refuses such a save itself,
 * so an entry this cannot read makes the answer "unknown" rather than a guess.
 */

interface ParsedAddress {
  version: 4 | 6;
  value: bigint;
}

function parseIPv4(text: string): bigint | undefined {
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  let value = 0n;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return undefined;
    const byte = Number(part);
    if (byte > 255) return undefined;
    value = (value << 8n) | BigInt(byte);
  }
  return value;
}

function parseIPv6(text: string): bigint | undefined {
  // Zone ids (fe80::1%eth0) are refused by the server too: not an address here.
  let body = text;
  // A trailing dotted quad (::ffff:10.0.0.1) is two groups.
  const dotted = /(?:^|:)(\d+\.\d+\.\d+\.\d+)$/.exec(body);
  if (dotted) {
    const v4 = parseIPv4(dotted[1]!);
    if (v4 === undefined) return undefined;
    body = `${body.slice(0, body.length - dotted[1]!.length)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const halves = body.split("::");
  if (halves.length > 2) return undefined;
  const head = halves[0] ? halves[0].split(":") : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(":") : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill("0"), ...tail];
  let value = 0n;
  for (const group of groups) {
    if (!/^[0-9a-f]{1,4}$/i.test(group)) return undefined;
    value = (value << 16n) | BigInt(parseInt(group, 16));
  }
  return value;
}

const MAPPED_V4_PREFIX = 0xffffn << 32n;

/** An address, with IPv4-mapped IPv6 (::ffff:a.b.c.d) read as the IPv4 address it carries. */
function parseAddress(text: string): ParsedAddress | undefined {
  const v4 = parseIPv4(text);
  if (v4 !== undefined) return { version: 4, value: v4 };
  const v6 = parseIPv6(text);
  if (v6 === undefined) return undefined;
  if (v6 >> 32n === 0xffffn) return { version: 4, value: v6 - MAPPED_V4_PREFIX };
  return { version: 6, value: v6 };
}

/** True / false when every entry could be read; undefined when one could not (the server will judge it). */
export function addressInList(address: string, entries: readonly string[]): boolean | undefined {
  const client = parseAddress(address.trim());
  if (!client) return undefined;
  let unreadable = false;
  for (const entry of entries) {
    const [base = "", prefixText, ...rest] = entry.trim().split("/");
    const network = parseAddress(base);
    const width = network?.version === 4 ? 32 : 128;
    const prefix = prefixText === undefined ? width : /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : NaN;
    if (!network || rest.length > 0 || !(prefix >= 0 && prefix <= width)) {
      unreadable = true;
      continue;
    }
    if (network.version !== client.version) continue;
    const shift = BigInt(width - prefix);
    if (network.value >> shift === client.value >> shift) return true;
  }
  return unreadable ? undefined : false;
}
