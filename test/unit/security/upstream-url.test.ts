import { describe, expect, test } from "bun:test";
import { validateUpstreamBaseUrl } from "../../../src/security/upstream-url";

function accepted(raw: string): string {
  const result = validateUpstreamBaseUrl(raw);
  if (!result.ok) throw new Error(`expected ${raw} to be accepted, got: ${result.reason}`);
  return result.url;
}

function rejected(raw: string): string {
  const result = validateUpstreamBaseUrl(raw);
  if (result.ok) throw new Error(`expected ${raw} to be rejected, got: ${result.url}`);
  return result.reason;
}

describe("validateUpstreamBaseUrl", () => {
  test.each([
    ["https://api.example.com/v1", "https://api.example.com/v1"],
    ["http://localhost:11434/v1", "http://localhost:11434/v1"],
    ["http://127.0.0.1:8000/v1", "http://127.0.0.1:8000/v1"],
    ["http://[::1]:8080/v1", "http://[::1]:8080/v1"],
    ["http://192.168.1.20:1234/v1", "http://192.168.1.20:1234/v1"],
    ["http://10.0.0.5/v1", "http://10.0.0.5/v1"],
    ["http://172.16.3.4:8000", "http://172.16.3.4:8000"],
    ["http://gpu-box.lan:8000/v1", "http://gpu-box.lan:8000/v1"],
  ])("accepts %s", (raw, expected) => {
    expect(accepted(raw)).toBe(expected);
  });

  test.each([
    ["https://api.example.com/v1/", "https://api.example.com/v1"],
    ["https://api.example.com/v1///", "https://api.example.com/v1"],
    ["https://api.example.com/", "https://api.example.com"],
    ["https://api.example.com", "https://api.example.com"],
  ])("strips trailing slashes: %s", (raw, expected) => {
    expect(accepted(raw)).toBe(expected);
  });

  test("normalises scheme and host case", () => {
    expect(accepted("HTTP://LocalHost:8000/v1/")).toBe("http://localhost:8000/v1");
  });

  test.each([
    "http://169.254.169.254/latest/meta-data",
    "http://169.254.170.2/v2/credentials",
    "http://169.254.1.1/",
    "http://[fd00:ec2::254]/",
    "http://[FD00:EC2:0:0::254]/",
    "http://metadata.google.internal/computeMetadata/v1",
    "http://METADATA.GOOGLE.INTERNAL/",
    "http://metadata.goog/",
    "http://metadata/",
    "http://100.100.100.200/",
    "http://0xA9FEA9FE/",
    "http://2852039166/",
    "http://169.254.169.254./",
  ])("rejects the metadata address %s", (raw) => {
    expect(rejected(raw)).toContain("metadata");
  });

  test("rejects a metadata host name written as a fully qualified name with a trailing dot", () => {
    expect(rejected("http://metadata.google.internal./computeMetadata/v1")).toContain("metadata");
  });

  test("rejects a metadata IPv4 address written as an IPv4-mapped IPv6 address", () => {
    expect(rejected("http://[::ffff:169.254.169.254]/latest/meta-data")).toContain("metadata");
  });

  test.each(["https://user:pass@api.example.com/v1", "https://user@api.example.com/v1", "https://:pass@api.example.com/"])(
    "rejects credentials in %s",
    (raw) => {
      expect(rejected(raw)).toContain("credentials");
    },
  );

  test.each(["https://api.example.com/v1?key=abc", "https://api.example.com/v1#frag"])(
    "rejects a query string or fragment in %s",
    (raw) => {
      expect(rejected(raw)).toContain("query string or fragment");
    },
  );

  test("an empty query or fragment marker never survives into the base URL", () => {
    for (const raw of ["https://api.example.com/v1?", "https://api.example.com/v1#"]) {
      const result = validateUpstreamBaseUrl(raw);
      if (result.ok) expect(result.url).toBe("https://api.example.com/v1");
    }
  });

  test.each(["ftp://example.com/v1", "file:///etc/passwd", "ws://localhost:8000/v1", "javascript:alert(1)", "data:text/plain,hi"])(
    "rejects the non-http scheme %s",
    (raw) => {
      expect(rejected(raw)).toBe("base URL must use http or https");
    },
  );

  test.each(["", "not a url", "localhost:8000", "/v1/chat"])("rejects %j as not a URL", (raw) => {
    expect(rejected(raw)).toMatch(/not a valid URL|must use http or https/);
  });
});
