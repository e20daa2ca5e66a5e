import { afterEach, describe, expect, test } from "bun:test";
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadMasterKey, MASTER_KEY_FILE } from "../../../src/security/master-key";
import { TempDirs } from "../support/temp-data";

const temp = new TempDirs();
afterEach(() => temp.cleanup());

const SECRET = "a-long-enough-omniroute-secret-value";

describe("loadMasterKey", () => {
  test("creates secret.key with mode 0600 holding 32 random bytes in base64", () => {
    const dir = temp.make();
    const { key, source } = loadMasterKey(dir);
    const path = join(dir, MASTER_KEY_FILE);
    expect(source).toBe("new-file");
    expect(key.byteLength).toBe(32);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(Buffer.from(readFileSync(path, "utf8").trim(), "base64")).toEqual(Buffer.from(key));
  });

  test("reloads the same key from the file on the next start", () => {
    const dir = temp.make();
    const first = loadMasterKey(dir);
    const second = loadMasterKey(dir);
    expect(second.source).toBe("file");
    expect(Buffer.from(second.key)).toEqual(Buffer.from(first.key));
  });

  test("different data dirs get different keys", () => {
    const a = loadMasterKey(temp.make()).key;
    const b = loadMasterKey(temp.make()).key;
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(false);
  });

  test("an env secret derives a stable 32-byte key, different from the file key, without writing a file", () => {
    const dir = temp.make();
    const fromEnv = loadMasterKey(dir, SECRET);
    expect(fromEnv.source).toBe("env");
    expect(fromEnv.key.byteLength).toBe(32);
    expect(existsSync(join(dir, MASTER_KEY_FILE))).toBe(false);
    expect(Buffer.from(loadMasterKey(temp.make(), SECRET).key)).toEqual(Buffer.from(fromEnv.key));

    const fromFile = loadMasterKey(dir);
    expect(Buffer.from(fromFile.key).equals(Buffer.from(fromEnv.key))).toBe(false);
    expect(Buffer.from(loadMasterKey(dir, SECRET).key)).toEqual(Buffer.from(fromEnv.key));
  });

  test("different env secrets derive different keys", () => {
    const dir = temp.make();
    const a = loadMasterKey(dir, SECRET).key;
    const b = loadMasterKey(dir, `${SECRET}!`).key;
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(false);
  });

  test.each([
    ["garbage text", "this is not a key"],
    ["a 16-byte key", `${Buffer.alloc(16, 7).toString("base64")}\n`],
    ["an empty file", ""],
  ])("a corrupt key file (%s) fails with a message naming the file", (_label, contents) => {
    const dir = temp.make();
    const path = join(dir, MASTER_KEY_FILE);
    writeFileSync(path, contents, { mode: 0o600 });
    expect(() => loadMasterKey(dir)).toThrow(`${path} is not a valid OmniRoute master key`);
    expect(readFileSync(path, "utf8")).toBe(contents);
  });
});
