import { describe, expect, test } from "bun:test";
import { CidrSet } from "../../../src/security/cidr";
import { clientAddressOf, decideClientAddress, rememberClientAddress, resolveClientAddress, resolvedClientAddressOf } from "../../../src/security/client-address";

const proxies = CidrSet.compile(["10.0.0.0/8", "fd00::/8"]);

function decide(peer: string | null, headers: Record<string, string> = {}, trusted: CidrSet | null = proxies) {
  const { ip, viaProxy, https } = decideClientAddress(new Headers(headers), false, peer, trusted);
  return { ip, viaProxy, https };
}

describe("client address", () => {
  test("without trusted proxies the socket peer is the client and forwarding headers are ignored", () => {
    expect(decide("203.0.113.9", { "x-forwarded-for": "1.1.1.1", "x-forwarded-proto": "https" }, null)).toEqual({ ip: "203.0.113.9", viaProxy: false, https: false });
    expect(decide("203.0.113.9", { "x-forwarded-for": "1.1.1.1" }, CidrSet.compile([]))).toEqual({ ip: "203.0.113.9", viaProxy: false, https: false });
  });

  test("an untrusted peer cannot spoof its address or protocol", () => {
    expect(decide("203.0.113.9", { "x-forwarded-for": "10.1.1.1", "x-forwarded-proto": "https" })).toEqual({ ip: "203.0.113.9", viaProxy: false, https: false });
  });

  test("a trusted proxy's X-Forwarded-For is walked from the right to the first untrusted hop", () => {
    expect(decide("10.0.0.2", { "x-forwarded-for": "198.51.100.7" })).toEqual({ ip: "198.51.100.7", viaProxy: true, https: false });
    // The client wrote "6.6.6.6" itself; our proxies appended the real hops.
    expect(decide("10.0.0.2", { "x-forwarded-for": "6.6.6.6, 198.51.100.7, 10.0.0.5" })).toEqual({ ip: "198.51.100.7", viaProxy: true, https: false });
  });

  test("every hop trusted: the leftmost is the client", () => {
    expect(decide("10.0.0.2", { "x-forwarded-for": "10.9.9.9, 10.0.0.5" }).ip).toBe("10.9.9.9");
  });

  test("a malformed hop ends the walk at the last address vouched for", () => {
    expect(decide("10.0.0.2", { "x-forwarded-for": "198.51.100.7, garbage" })).toEqual({ ip: "10.0.0.2", viaProxy: false, https: false });
    expect(decide("10.0.0.2", { "x-forwarded-for": "unknown, 10.0.0.7" })).toEqual({ ip: "10.0.0.7", viaProxy: true, https: false });
  });

  test("ports and brackets in hops, IPv6 and mapped peers", () => {
    expect(decide("10.0.0.2", { "x-forwarded-for": "198.51.100.7:4711" }).ip).toBe("198.51.100.7");
    expect(decide("10.0.0.2", { "x-forwarded-for": "[2001:DB8::1]:4711" }).ip).toBe("2001:db8::1");
    expect(decide("10.0.0.2", { "x-forwarded-for": "2001:db8::1" }).ip).toBe("2001:db8::1");
    expect(decide("::ffff:10.0.0.2", { "x-forwarded-for": "198.51.100.7" }).ip).toBe("198.51.100.7");
    expect(decide("fd00::1", { "x-forwarded-for": "::ffff:198.51.100.7" }).ip).toBe("198.51.100.7");
    expect(decide("::ffff:127.0.0.1", {}, null).ip).toBe("127.0.0.1");
    expect(decide("::1", {}, null).ip).toBe("::1");
  });

  test("a trusted peer without X-Forwarded-For is the client", () => {
    expect(decide("10.0.0.2", {})).toEqual({ ip: "10.0.0.2", viaProxy: false, https: false });
    expect(decide("10.0.0.2", { "x-forwarded-proto": "https" })).toEqual({ ip: "10.0.0.2", viaProxy: false, https: true });
  });

  test("X-Forwarded-Proto: the client's hop when aligned with X-Forwarded-For, else the nearest proxy's value", () => {
    expect(decide("10.0.0.2", { "x-forwarded-for": "198.51.100.7", "x-forwarded-proto": "https" }).https).toBe(true);
    expect(decide("10.0.0.2", { "x-forwarded-for": "198.51.100.7", "x-forwarded-proto": "HTTP" }).https).toBe(false);
    expect(decide("10.0.0.2", { "x-forwarded-for": "198.51.100.7, 10.0.0.5", "x-forwarded-proto": "https, http" }).https).toBe(true);
    expect(decide("10.0.0.2", { "x-forwarded-for": "6.6.6.6, 198.51.100.7", "x-forwarded-proto": "https" }).https).toBe(true);
  });

  test("no peer (unknown) stays unknown", () => {
    expect(decide(null, { "x-forwarded-for": "1.1.1.1" })).toEqual({ ip: null, viaProxy: false, https: false });
  });

  test("resolveClientAddress records the decision for clientAddressOf", () => {
    const request = new Request("http://gateway.test/api/status", { headers: { "x-forwarded-for": "198.51.100.7" } });
    expect(clientAddressOf(request)).toEqual({ ip: null, viaProxy: false, https: false });
    expect(resolvedClientAddressOf(request)).toBeNull();
    resolveClientAddress(request, "10.0.0.2", proxies);
    expect(clientAddressOf(request)).toMatchObject({ ip: "198.51.100.7", viaProxy: true, https: false });
    expect(resolvedClientAddressOf(request)).toMatchObject({ peer: "10.0.0.2", parsed: 0xc6336407 });
  });

  test("rememberClientAddress still works for callers that set an address themselves", () => {
    const request = new Request("https://gateway.test/");
    expect(clientAddressOf(request).https).toBe(true);
    rememberClientAddress(request, { ip: "1.2.3.4", viaProxy: false, https: true });
    expect(clientAddressOf(request).ip).toBe("1.2.3.4");
    expect(resolvedClientAddressOf(request)).toBeNull();
  });
});
