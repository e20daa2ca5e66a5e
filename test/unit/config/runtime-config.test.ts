import { describe, expect, test } from "bun:test";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import {
  ConfigError,
  DEFAULT_HOST,
  DEFAULT_PORT,
  defaultDataDir,
  resolveRuntimeConfig,
} from "../../../src/config/runtime-config";

function configError(action: () => unknown): ConfigError {
  try {
    action();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("resolveRuntimeConfig", () => {
  test("defaults: loopback host, port 20128, ~/.omniroute, browser on", () => {
    expect(resolveRuntimeConfig({}, {})).toEqual({
      port: DEFAULT_PORT,
      host: DEFAULT_HOST,
      dataDir: join(homedir(), ".omniroute"),
      openBrowser: true,
      initialPassword: undefined,
      secret: undefined,
      requestBodies: false,
    });
    expect(DEFAULT_PORT).toBe(20128);
    expect(resolveRuntimeConfig({}, { ENABLE_REQUEST_LOGS: "1" }).requestBodies).toBe(true);
    expect(DEFAULT_HOST).toBe("127.0.0.1");
    expect(defaultDataDir()).toBe(join(homedir(), ".omniroute"));
  });

  test("environment overrides defaults", () => {
    const config = resolveRuntimeConfig({}, { PORT: "3000", HOST: "0.0.0.0", DATA_DIR: "/srv/omniroute" });
    expect(config).toMatchObject({ port: 3000, host: "0.0.0.0", dataDir: "/srv/omniroute" });
  });

  test("flags override the environment", () => {
    const config = resolveRuntimeConfig(
      { port: "4000", host: "::1", dataDir: "/flag/dir" },
      { PORT: "3000", HOST: "0.0.0.0", DATA_DIR: "/env/dir" },
    );
    expect(config).toMatchObject({ port: 4000, host: "::1", dataDir: "/flag/dir" });
  });

  test("port 0 is allowed for an ephemeral port", () => {
    expect(resolveRuntimeConfig({ port: "0" }, {}).port).toBe(0);
  });

  test("a relative data dir is made absolute", () => {
    expect(resolveRuntimeConfig({ dataDir: "rel/data" }, {}).dataDir).toBe(resolve("rel/data"));
  });

  test.each([
    ["abc", "port must be a number"],
    ["70000", "port must be between 0 and 65535"],
    ["-1", "port must be between 0 and 65535"],
  ])("a bad port %j is refused with %j", (port, message) => {
    expect(configError(() => resolveRuntimeConfig({ port }, {})).message).toContain(message);
    expect(configError(() => resolveRuntimeConfig({}, { PORT: port })).message).toContain(message);
  });

  test("a fractional port is refused", () => {
    expect(() => resolveRuntimeConfig({ port: "80.5" }, {})).toThrow(ConfigError);
  });

  test("an empty PORT in the environment counts as unset, like the other variables", () => {
    expect(resolveRuntimeConfig({}, { PORT: "" }).port).toBe(DEFAULT_PORT);
  });

  test("an empty host is refused", () => {
    expect(configError(() => resolveRuntimeConfig({ host: "" }, {})).message).toContain("host must not be empty");
  });

  test("--no-open and NO_OPEN turn the browser off", () => {
    expect(resolveRuntimeConfig({ noOpen: true }, {}).openBrowser).toBe(false);
    for (const value of ["1", "true", "YES", "on"]) expect(resolveRuntimeConfig({}, { NO_OPEN: value }).openBrowser).toBe(false);
    for (const value of ["0", "false", "", "no"]) expect(resolveRuntimeConfig({}, { NO_OPEN: value }).openBrowser).toBe(true);
  });

  test("INITIAL_PASSWORD and OMNIROUTE_SECRET are read with their minimum lengths", () => {
    const config = resolveRuntimeConfig({}, { INITIAL_PASSWORD: "long-enough", OMNIROUTE_SECRET: "sixteen-chars-ok" });
    expect(config.initialPassword).toBe("long-enough");
    expect(config.secret).toBe("sixteen-chars-ok");
    expect(configError(() => resolveRuntimeConfig({}, { INITIAL_PASSWORD: "short" })).message).toContain(
      "INITIAL_PASSWORD must be at least 8 characters",
    );
    expect(configError(() => resolveRuntimeConfig({}, { OMNIROUTE_SECRET: "too-short" })).message).toContain(
      "OMNIROUTE_SECRET must be at least 16 characters",
    );
  });

  test("empty INITIAL_PASSWORD and OMNIROUTE_SECRET count as unset", () => {
    const config = resolveRuntimeConfig({}, { INITIAL_PASSWORD: "", OMNIROUTE_SECRET: "" });
    expect(config.initialPassword).toBeUndefined();
    expect(config.secret).toBeUndefined();
  });

  test("all problems are reported together", () => {
    const message = configError(() => resolveRuntimeConfig({ port: "99999" }, { INITIAL_PASSWORD: "short" })).message;
    expect(message).toContain("port must be between 0 and 65535");
    expect(message).toContain("INITIAL_PASSWORD must be at least 8 characters");
  });
});
