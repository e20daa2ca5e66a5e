import { describe, expect, test } from "bun:test";
import { WIRE_FORMATS } from "../../../src/formats/wire-formats";
import { isNeverForwarded, withForwardedHeaders } from "../../../src/pipeline/send-upstream";

const DANGEROUS = [
  "authorization",
  "x-api-key",
  "x-goog-api-key",
  "api-key",
  "cookie",
  "set-cookie",
  "proxy-authorization",
  "x-forwarded-for",
  "x-forwarded-host",
  "forwarded",
  "x-real-ip",
  "host",
  "x-omniroute-request",
  "x-omniroute-anything",
  "transfer-encoding",
  "content-length",
  "x-auth-token",
];

describe("client headers forwarded upstream", () => {
  test("the formats' allowlists together are exactly anthropic-beta (a new entry must be a deliberate change here)", () => {
    const listed = Object.values(WIRE_FORMATS).flatMap((wire) => [...wire.forwardedClientHeaders]);
    expect(listed).toEqual(["anthropic-beta"]);
    for (const name of listed) expect(isNeverForwarded(name)).toBe(false);
  });

  test.each(DANGEROUS)("%s is never forwarded", (name) => {
    expect(isNeverForwarded(name)).toBe(true);
    expect(isNeverForwarded(name.toUpperCase())).toBe(true);
  });

  test("even an allowlist that names credentials, cookies or proxy headers only lets the harmless ones through", () => {
    const base = { "content-type": "application/json", authorization: "Bearer sk-connection-key" };
    const client = new Headers(Object.fromEntries([...DANGEROUS, "anthropic-beta"].map((name) => [name, `client-${name}`])));
    const headers = withForwardedHeaders(base, [...DANGEROUS, "Anthropic-Beta"], client);
    expect(headers).toEqual({ "content-type": "application/json", authorization: "Bearer sk-connection-key", "anthropic-beta": "client-anthropic-beta" });
    // The connection's own object is never modified in place.
    expect(base).toEqual({ "content-type": "application/json", authorization: "Bearer sk-connection-key" });
  });

  test("absent client headers add nothing", () => {
    const base = { "content-type": "application/json" };
    expect(withForwardedHeaders(base, ["anthropic-beta"], new Headers())).toBe(base);
    expect(withForwardedHeaders(base, ["anthropic-beta"], undefined)).toBe(base);
  });
});
