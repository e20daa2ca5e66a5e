import { describe, expect, test } from "bun:test";
import { parseCli } from "../../../src/cli/parse-cli";
import { HELP_TEXT } from "../../../src/cli/help-text";
import { ConfigError, resolveRuntimeConfig } from "../../../src/config/runtime-config";

describe("split-port mode option", () => {
  const resolve = (flags: Record<string, string>, env: Record<string, string> = {}) => resolveRuntimeConfig({ dataDir: "/tmp/x", ...flags }, env);

  test("off unless --admin-port or ADMIN_PORT is given", () => {
    expect(resolve({}).adminPort).toBeUndefined();
    expect(resolve({}, { ADMIN_PORT: "" }).adminPort).toBeUndefined();
  });

  test("from the flag or the environment, the flag winning; 0 = any free port", () => {
    expect(parseCli(["serve", "--admin-port", "20129"]).flags.adminPort).toBe("20129");
    expect(resolve({ adminPort: "20129" }).adminPort).toBe(20129);
    expect(resolve({}, { ADMIN_PORT: "20130" }).adminPort).toBe(20130);
    expect(resolve({ adminPort: "20131" }, { ADMIN_PORT: "20130" }).adminPort).toBe(20131);
    expect(resolve({ port: "0", adminPort: "0" }).adminPort).toBe(0);
  });

  test("invalid values and the API port itself are refused with a clear message", () => {
    expect(() => resolve({ adminPort: "abc" })).toThrow(ConfigError);
    expect(() => resolve({ adminPort: "70000" })).toThrow("admin port must be between 0 and 65535");
    expect(() => resolve({ port: "3000", adminPort: "3000" })).toThrow("admin port 3000 is the API port too");
  });

  test("the help text documents it", () => {
    expect(HELP_TEXT).toContain("--admin-port N");
    expect(HELP_TEXT).toContain("ADMIN_PORT");
  });
});
