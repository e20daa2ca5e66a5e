import { describe, expect, test } from "bun:test";
import { isLoopbackHost } from "../../../src/util/is-loopback";

describe("isLoopbackHost", () => {
  test.each(["127.0.0.1", "127.1.2.3", "localhost", "LOCALHOST", " localhost ", "::1", "[::1]", "::ffff:127.0.0.1"])(
    "%j is loopback",
    (host) => {
      expect(isLoopbackHost(host)).toBe(true);
    },
  );

  test.each(["0.0.0.0", "::", "[::]", "192.168.1.2", "10.0.0.1", "128.0.0.1", "localhost.example.com", "127.0.0.1.nip.io", "my-localhost", "::2", ""])(
    "%j is not loopback",
    (host) => {
      expect(isLoopbackHost(host)).toBe(false);
    },
  );
});
