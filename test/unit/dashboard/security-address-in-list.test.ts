import { describe, expect, test } from "bun:test";
import { addressInList } from "../../../ui/src/components/security/address-in-list";

/** The Security page's "this list would shut you out" warning: a CIDR membership check that never guesses. */
describe("addressInList", () => {
  test("IPv4 addresses inside and outside ranges and single addresses", () => {
    expect(addressInList("10.1.2.3", ["10.0.0.0/8"])).toBe(true);
    expect(addressInList("11.1.2.3", ["10.0.0.0/8"])).toBe(false);
    expect(addressInList("192.168.1.20", ["192.168.1.20"])).toBe(true);
    expect(addressInList("192.168.1.21", ["192.168.1.20", "172.16.0.0/12"])).toBe(false);
    expect(addressInList("203.0.113.9", ["0.0.0.0/0"])).toBe(true);
    expect(addressInList("127.0.0.1", [])).toBe(false);
  });

  test("IPv6, compressed forms, and IPv4-mapped addresses read as IPv4", () => {
    expect(addressInList("2001:db8::1", ["2001:db8::/32"])).toBe(true);
    expect(addressInList("2001:db9::1", ["2001:db8::/32"])).toBe(false);
    expect(addressInList("::1", ["::1"])).toBe(true);
    expect(addressInList("::1", ["127.0.0.0/8"])).toBe(false);
    expect(addressInList("::ffff:127.0.0.1", ["127.0.0.0/8"])).toBe(true);
    expect(addressInList("127.0.0.1", ["::ffff:127.0.0.1"])).toBe(true);
    expect(addressInList("fe80::1", ["fe80::/10"])).toBe(true);
  });

  test("an entry it cannot read makes the answer unknown, unless another entry already matched", () => {
    expect(addressInList("10.0.0.1", ["10.0.0.300/8"])).toBeUndefined();
    expect(addressInList("10.0.0.1", ["10.0.0.0/33"])).toBeUndefined();
    expect(addressInList("10.0.0.1", ["not-an-address", "10.0.0.0/24"])).toBe(true);
    expect(addressInList("10.0.0.1", ["1::2::3"])).toBeUndefined();
    expect(addressInList("unknown", ["10.0.0.0/8"])).toBeUndefined();
    expect(addressInList("fe80::1", ["fe80::1%eth0"])).toBeUndefined();
  });
});
