import { describe, expect, test } from "bun:test";
import { classifyAddress, ipLiteralHost, isForbiddenForUpstream, type AddressKind } from "../../../src/security/outbound-address";

describe("classifyAddress", () => {
  const cases: Array<[string, AddressKind]> = [
    // IPv4
    ["8.8.8.8", "public"],
    ["93.184.216.34", "public"],
    ["0.0.0.0", "unspecified"],
    ["0.1.2.3", "unspecified"],
    ["127.0.0.1", "loopback"],
    ["127.255.255.254", "loopback"],
    ["10.0.0.1", "private"],
    ["172.16.0.1", "private"],
    ["172.31.255.255", "private"],
    ["172.32.0.1", "public"],
    ["192.168.1.1", "private"],
    ["169.254.1.1", "link-local"],
    ["169.254.169.254", "metadata"],
    ["169.254.170.2", "metadata"],
    ["100.100.100.200", "metadata"],
    ["100.64.0.1", "shared"],
    ["100.127.255.255", "shared"],
    ["100.128.0.1", "public"],
    ["192.0.0.8", "reserved"],
    ["192.0.2.1", "reserved"],
    ["198.18.0.1", "reserved"],
    ["198.51.100.7", "reserved"],
    ["203.0.113.9", "reserved"],
    ["224.0.0.1", "multicast"],
    ["239.255.255.250", "multicast"],
    ["240.0.0.1", "reserved"],
    ["255.255.255.255", "reserved"],
    // IPv6
    ["2606:4700:4700::1111", "public"],
    ["2001:4860:4860::8888", "public"],
    ["::", "unspecified"],
    ["::1", "loopback"],
    ["[::1]", "loopback"],
    ["fe80::1", "link-local"],
    ["fe80::1%eth0", "link-local"],
    ["febf::1", "link-local"],
    ["fc00::1", "private"],
    ["fd12:3456::1", "private"],
    ["fd00:ec2::254", "metadata"],
    ["FD00:EC2:0:0:0:0:0:254", "metadata"],
    ["ff02::1", "multicast"],
    ["2001:db8::1", "reserved"],
    ["2001::1", "reserved"],
    ["100::1", "reserved"],
    ["::127.0.0.1", "reserved"],
    ["4000::1", "reserved"],
    // IPv6 spellings of IPv4 addresses are what they reach
    ["::ffff:127.0.0.1", "loopback"],
    ["::ffff:7f00:1", "loopback"],
    ["::ffff:169.254.169.254", "metadata"],
    ["::ffff:a9fe:a9fe", "metadata"],
    ["::ffff:10.1.2.3", "private"],
    ["::ffff:8.8.8.8", "public"],
    ["::ffff:0:127.0.0.1", "loopback"],
    ["64:ff9b::169.254.169.254", "metadata"],
    ["64:ff9b::8.8.8.8", "public"],
    ["2002:7f00:1::", "loopback"],
    ["2002:0808:0808::1", "public"],
    // not addresses
    ["example.com", "invalid"],
    ["", "invalid"],
    ["1.2.3", "invalid"],
  ];
  test.each(cases)("%s is %s", (address, kind) => {
    expect(classifyAddress(address)).toBe(kind);
  });
});

describe("helpers", () => {
  test("ipLiteralHost strips brackets and returns null for names", () => {
    expect(ipLiteralHost("[::1]")).toBe("::1");
    expect(ipLiteralHost("10.0.0.1")).toBe("10.0.0.1");
    expect(ipLiteralHost("localhost")).toBeNull();
  });

  test("admin-configured upstreams may use loopback and private, never metadata or link-local", () => {
    expect(isForbiddenForUpstream("loopback")).toBe(false);
    expect(isForbiddenForUpstream("private")).toBe(false);
    expect(isForbiddenForUpstream("metadata")).toBe(true);
    expect(isForbiddenForUpstream("link-local")).toBe(true);
  });
});
