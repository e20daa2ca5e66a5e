import { describe, expect, test } from "bun:test";
import { addressGroupOf, CidrError, CidrSet, cidrEntryProblem, formatIp, normalizeIp, parseIp } from "../../../src/security/cidr";

function compileError(entry: string): CidrError {
  try {
    CidrSet.compile([entry]);
  } catch (error) {
    if (error instanceof CidrError) return error;
    throw error;
  }
  throw new Error(`expected "${entry}" to be refused`);
}

describe("parseIp", () => {
  test("IPv4 is an unsigned number", () => {
    expect(parseIp("0.0.0.0")).toBe(0);
    expect(parseIp("127.0.0.1")).toBe(0x7f000001);
    expect(parseIp("255.255.255.255")).toBe(0xffffffff);
    expect(parseIp("192.168.1.7")).toBe(0xc0a80107);
  });

  test("malformed IPv4 is refused", () => {
    for (const text of ["", "1.2.3", "1.2.3.4.5", "256.0.0.1", "1..2.3", "1.2.3.", ".1.2.3", "01.2.3.4", "1.2.3.4 ", "1.2.3.x", "1234.1.1.1", "-1.2.3.4"]) {
      expect(parseIp(text)).toBeNull();
    }
  });

  test("IPv6, full and compressed, is four words", () => {
    expect(parseIp("::1")).toEqual(Uint32Array.of(0, 0, 0, 1));
    expect(parseIp("::")).toEqual(Uint32Array.of(0, 0, 0, 0));
    expect(parseIp("2001:db8::")).toEqual(Uint32Array.of(0x20010db8, 0, 0, 0));
    expect(parseIp("2001:DB8:0:0:0:0:0:1")).toEqual(Uint32Array.of(0x20010db8, 0, 0, 1));
    expect(parseIp("fe80::1:2")).toEqual(Uint32Array.of(0xfe800000, 0, 0, 0x00010002));
    expect(parseIp("1:2:3:4:5:6:7::")).toEqual(Uint32Array.of(0x00010002, 0x00030004, 0x00050006, 0x00070000));
    expect(parseIp("::2:3:4:5:6:7:8")).toEqual(Uint32Array.of(0x00000002, 0x00030004, 0x00050006, 0x00070008));
  });

  test("IPv4-mapped IPv6 parses to the IPv4 number (dotted and hex tails)", () => {
    expect(parseIp("::ffff:127.0.0.1")).toBe(0x7f000001);
    expect(parseIp("::FFFF:7f00:1")).toBe(0x7f000001);
    expect(parseIp("0:0:0:0:0:ffff:10.1.2.3")).toBe(0x0a010203);
    // IPv4-compatible (deprecated) and NAT64 forms are not IPv4.
    expect(parseIp("::127.0.0.1")).toEqual(Uint32Array.of(0, 0, 0, 0x7f000001));
    expect(parseIp("64:ff9b::1.2.3.4")).toEqual(Uint32Array.of(0x0064ff9b, 0, 0, 0x01020304));
  });

  test("malformed IPv6 and zone ids are refused", () => {
    for (const text of [":1", "1:", "1::2::3", ":::", "12345::", "g::1", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "fe80::1%eth0", "[::1]", "::1.2.3", "1.2.3.4::", "::ffff:1.2.3.4:5", "1:2:3:4:5:6:7:8::"]) {
      expect(parseIp(text)).toBeNull();
    }
  });
});

describe("formatIp / normalizeIp", () => {
  test("canonical text (RFC 5952)", () => {
    expect(formatIp(0x7f000001)).toBe("127.0.0.1");
    expect(formatIp(0xffffffff)).toBe("255.255.255.255");
    expect(normalizeIp("2001:DB8:0:0:0:0:0:1")).toBe("2001:db8::1");
    expect(normalizeIp("2001:db8:0:0:1:0:0:1")).toBe("2001:db8::1:0:0:1");
    expect(normalizeIp("2001:db8:0:1:1:1:1:1")).toBe("2001:db8:0:1:1:1:1:1");
    expect(normalizeIp("::")).toBe("::");
    expect(normalizeIp("::1")).toBe("::1");
    expect(normalizeIp("1::")).toBe("1::");
    expect(normalizeIp("::ffff:10.0.0.1")).toBe("10.0.0.1");
    expect(normalizeIp("nope")).toBeNull();
  });
});

describe("addressGroupOf", () => {
  test("IPv4 as it is, mapped IPv4 as IPv4, IPv6 as its /64, anything else as given", () => {
    expect(addressGroupOf("203.0.113.7")).toBe("203.0.113.7");
    expect(addressGroupOf("::ffff:203.0.113.7")).toBe("203.0.113.7");
    expect(addressGroupOf("2001:DB8:0:1:2:3:4:5")).toBe("2001:db8:0:1::/64");
    expect(addressGroupOf("::1")).toBe("::/64");
    expect(addressGroupOf("not an address")).toBe("not an address");
    expect(addressGroupOf(null)).toBe("unknown");
  });
});

describe("CidrSet", () => {
  test("IPv4 ranges and single addresses", () => {
    const set = CidrSet.compile(["10.0.0.0/8", "192.168.1.7", "172.16.0.0/12"]);
    expect(set.containsText("10.255.255.255")).toBe(true);
    expect(set.containsText("11.0.0.0")).toBe(false);
    expect(set.containsText("192.168.1.7")).toBe(true);
    expect(set.containsText("192.168.1.8")).toBe(false);
    expect(set.containsText("172.31.255.255")).toBe(true);
    expect(set.containsText("172.32.0.0")).toBe(false);
    expect(set.size).toBe(3);
  });

  test("prefix edges: /0 matches everything of its family, /32 one address, host bits are cleared", () => {
    expect(CidrSet.compile(["0.0.0.0/0"]).containsText("255.255.255.255")).toBe(true);
    expect(CidrSet.compile(["0.0.0.0/0"]).containsText("::1")).toBe(false);
    expect(CidrSet.compile(["1.2.3.4/32"]).containsText("1.2.3.5")).toBe(false);
    expect(CidrSet.compile(["10.1.2.3/8"]).containsText("10.200.0.1")).toBe(true);
    expect(CidrSet.compile(["128.0.0.0/1"]).containsText("200.0.0.1")).toBe(true);
    expect(CidrSet.compile(["128.0.0.0/1"]).containsText("127.255.255.255")).toBe(false);
  });

  test("IPv6 ranges", () => {
    const set = CidrSet.compile(["2001:db8::/32", "::1", "fe80::/10"]);
    expect(set.containsText("2001:db8:ffff::1")).toBe(true);
    expect(set.containsText("2001:db9::1")).toBe(false);
    expect(set.containsText("::1")).toBe(true);
    expect(set.containsText("::2")).toBe(false);
    expect(set.containsText("febf::1")).toBe(true);
    expect(set.containsText("fec0::1")).toBe(false);
    expect(set.containsText("127.0.0.1")).toBe(false);
    expect(CidrSet.compile(["2001:db8::/127"]).containsText("2001:db8::1")).toBe(true);
    expect(CidrSet.compile(["2001:db8::/127"]).containsText("2001:db8::2")).toBe(false);
    expect(CidrSet.compile(["2001:db8:0:0:8000::/65"]).containsText("2001:db8::8000:0:0:1")).toBe(true);
    expect(CidrSet.compile(["2001:db8:0:0:8000::/65"]).containsText("2001:db8::7fff:0:0:1")).toBe(false);
  });

  test("IPv4-mapped addresses match IPv4 rules, and mapped rules match IPv4 addresses", () => {
    const v4Rules = CidrSet.compile(["127.0.0.0/8"]);
    expect(v4Rules.containsText("::ffff:127.0.0.1")).toBe(true);
    expect(v4Rules.containsText("::ffff:128.0.0.1")).toBe(false);
    const mappedRule = CidrSet.compile(["::ffff:10.0.0.0/104"]);
    expect(mappedRule.containsText("10.9.9.9")).toBe(true);
    expect(mappedRule.containsText("11.0.0.1")).toBe(false);
    expect(CidrSet.compile(["::ffff:0:0/96"]).containsText("8.8.8.8")).toBe(true);
    expect(CidrSet.compile(["::ffff:1.2.3.4"]).containsText("1.2.3.4")).toBe(true);
    // A wider IPv6 range holding the mapped block holds every IPv4 address; one beside it does not.
    expect(CidrSet.compile(["::/0"]).containsText("8.8.8.8")).toBe(true);
    expect(CidrSet.compile(["::/0"]).containsText("2001:db8::1")).toBe(true);
    expect(CidrSet.compile(["::/80"]).containsText("8.8.8.8")).toBe(true);
    expect(CidrSet.compile(["2001:db8::/32"]).containsText("8.8.8.8")).toBe(false);
    expect(CidrSet.compile(["::/96"]).containsText("8.8.8.8")).toBe(false);
  });

  test("an empty set contains nothing; unparsable addresses are in no set", () => {
    expect(CidrSet.compile([]).containsText("1.2.3.4")).toBe(false);
    expect(CidrSet.compile(["0.0.0.0/0", "::/0"]).containsText("not-an-ip")).toBe(false);
  });

  test("entries are trimmed", () => {
    expect(CidrSet.compile([" 10.0.0.0/8 "]).containsText("10.1.1.1")).toBe(true);
  });

  test("invalid entries: an error naming the entry and saying what to write", () => {
    expect(compileError("10.0.0.0/33").message).toBe('"10.0.0.0/33" is not an IP address or CIDR range: the prefix length after "/" must be a number from 0 to 32');
    expect(compileError("2001:db8::/129").message).toContain("from 0 to 128");
    expect(compileError("10.0.0.0/").message).toContain("prefix length");
    expect(compileError("10.0.0.0/-1").message).toContain("prefix length");
    expect(compileError("10.0.0.0/8/8").message).toContain("prefix length");
    expect(compileError("10.0.0.*").message).toContain("CIDR, e.g. 10.0.0.0/24");
    expect(compileError("localhost").message).toContain("host names are not supported");
    expect(compileError("fe80::1%eth0").message).toContain("zone ids");
    expect(compileError("fe80::1%eth0/64").entry).toBe("fe80::1%eth0/64");
    expect(compileError("[::1]").message).toContain("without brackets");
    expect(compileError("1::2::3").message).toContain('"::" may appear only once');
    expect(compileError("/8").message).toContain("empty");
    expect(() => CidrSet.compile(["10.0.0.0/8", "bad", "::1"])).toThrow('"bad"');
  });

  test("cidrEntryProblem: null for good entries, the message for bad ones", () => {
    expect(cidrEntryProblem("10.0.0.0/8")).toBeNull();
    expect(cidrEntryProblem("::1")).toBeNull();
    expect(cidrEntryProblem("10.0.0.0/40")).toContain('"10.0.0.0/40"');
  });

  test("compileLenient skips and reports bad entries", () => {
    const bad: string[] = [];
    const set = CidrSet.compileLenient(["oops", "10.0.0.0/8"], (error) => bad.push(error.entry));
    expect(bad).toEqual(["oops"]);
    expect(set.containsText("10.1.1.1")).toBe(true);
    expect(set.size).toBe(2);
  });

  test("a thousand ranges match fast (per-request use)", () => {
    const entries = Array.from({ length: 1000 }, (_, i) => `10.${i >> 8}.${i & 255}.0/24`);
    entries.push("2001:db8::/32");
    const set = CidrSet.compile(entries);
    const ip = parseIp("11.0.0.1")!;
    const started = performance.now();
    for (let i = 0; i < 10_000; i++) set.contains(ip);
    // 10 000 full misses over 1 000 ranges: well under a second even on a slow CI machine.
    expect(performance.now() - started).toBeLessThan(1000);
    expect(set.containsText("10.3.231.9")).toBe(true);
  });
});
