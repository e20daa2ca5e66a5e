import { describe, expect, test } from "bun:test";
import { CliUsageError, parseCli } from "../../../src/cli/parse-cli";

function usageError(argv: string[]): CliUsageError {
  try {
    parseCli(argv);
  } catch (error) {
    if (error instanceof CliUsageError) return error;
    throw error;
  }
  throw new Error(`expected ${argv.join(" ")} to be refused`);
}

describe("parseCli", () => {
  test("no arguments: no command and every boolean flag off", () => {
    expect(parseCli([])).toEqual({
      command: [],
      flags: {
        port: undefined,
        host: undefined,
        dataDir: undefined,
        noOpen: false,
        help: false,
        version: false,
        out: undefined,
        includeSecrets: false,
        passphraseFile: undefined,
        replace: false,
      },
    });
  });

  test("serve flags, long and short", () => {
    const parsed = parseCli(["serve", "--port", "3000", "--host", "0.0.0.0", "--data-dir", "/tmp/x", "--no-open"]);
    expect(parsed.command).toEqual(["serve"]);
    expect(parsed.flags).toMatchObject({ port: "3000", host: "0.0.0.0", dataDir: "/tmp/x", noOpen: true });
    expect(parseCli(["-p", "8080"]).flags.port).toBe("8080");
    expect(parseCli(["--port=9090"]).flags.port).toBe("9090");
    expect(parseCli(["-h"]).flags.help).toBe(true);
    expect(parseCli(["-v"]).flags.version).toBe(true);
  });

  test("config export and import flags, with positionals kept in order", () => {
    const exported = parseCli(["config", "export", "-o", "backup.json", "--include-secrets", "--passphrase-file", "pp.txt"]);
    expect(exported.command).toEqual(["config", "export"]);
    expect(exported.flags).toMatchObject({ out: "backup.json", includeSecrets: true, passphraseFile: "pp.txt" });
    const imported = parseCli(["config", "import", "backup.json", "--replace"]);
    expect(imported.command).toEqual(["config", "import", "backup.json"]);
    expect(imported.flags.replace).toBe(true);
  });

  test("flags may come before the command", () => {
    const parsed = parseCli(["--data-dir", "/d", "keys", "create", "laptop"]);
    expect(parsed.command).toEqual(["keys", "create", "laptop"]);
    expect(parsed.flags.dataDir).toBe("/d");
  });

  test("an unknown flag is a CliUsageError naming it and pointing at --help", () => {
    const error = usageError(["serve", "--bogus"]);
    expect(error.name).toBe("CliUsageError");
    expect(error.message).toContain("--bogus");
    expect(error.message).toEndWith("See omniroute --help.");
  });

  test("an unknown short flag is a CliUsageError", () => {
    expect(usageError(["-x"]).message).toContain("-x");
  });

  test("a value flag without its value is a CliUsageError", () => {
    expect(usageError(["--port"]).message).toContain("--port");
  });

  test("a boolean flag given a value is a CliUsageError", () => {
    expect(usageError(["--no-open=yes"]).message).toContain("--no-open");
  });
});
