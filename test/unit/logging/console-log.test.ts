import { afterEach, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError, resolveRuntimeConfig } from "../../../src/config/runtime-config";
import { settingsSchema, type Settings, type SettingsPatch } from "../../../src/config/settings-schema";
import { ConsoleLog, consoleLogPath, type ConsoleLogOptions } from "../../../src/logging/console-log";
import { LOG_LEVELS } from "../../../src/logging/log-level";
import { createLogger, installConsoleLog, processConsoleLog } from "../../../src/logging/logger";
import { followLoggingSettings } from "../../../src/logging/logging-settings";
import type { SettingsListener } from "../../../src/services/settings-service";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "omniroute-console-log-"));
  dirs.push(dir);
  return dir;
}

/** A console log whose terminal output is captured. */
function captured(options: ConsoleLogOptions = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const log = new ConsoleLog({ filePath: null, terminal: { out: (text) => out.push(text), err: (text) => err.push(text) }, ...options });
  return { log, out, err };
}

function jsonLines(path: string): Array<Record<string, unknown>> {
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line));
}

const SECRET_KEY = "sk-proj-ABCDEFGHIJKLMNOPQRSTUV123456";

describe("levels", () => {
  test("entries below the threshold are recorded nowhere; warn and error go to stderr, the rest to stdout", () => {
    const { log, out, err } = captured({ level: "info" });
    const router = log.child("router");
    router.debug("candidate order computed");
    router.info("plan ready", { targets: 2 });
    router.warn("account cooling down");
    router.error("all targets failed");
    expect(log.query().entries.map((e) => e.level)).toEqual(["info", "warn", "error"]);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatch(/^\d{4}-\d\d-\d\dT\S+Z INFO  \[router\] plan ready targets=2\n$/);
    expect(err.map((line) => line.split(" ")[1])).toEqual(["WARN", "ERROR"]);
    expect(out.join("")).not.toContain("candidate order");
  });

  test("the threshold changes at run time", () => {
    const { log, out } = captured({ level: "warn" });
    const store = log.child("store");
    store.info("before");
    expect(store.enabled("info")).toBe(false);
    log.configure({ level: "debug" });
    store.debug("after");
    expect(out).toHaveLength(1);
    expect(out[0]).toContain("after");
    expect(log.query().entries.map((e) => e.msg)).toEqual(["after"]);
  });

  test("children nest their component names and carry bound fields", () => {
    const { log } = captured();
    log.child("server", { instance: 1 }).child("admin").info("hello", { extra: true });
    expect(log.query().entries[0]).toMatchObject({ component: "server.admin", fields: { instance: 1, extra: true } });
  });

  test("the settings schema offers exactly the logger's levels", () => {
    expect(settingsSchema.shape.logging.unwrap().shape.level.unwrap().options).toEqual([...LOG_LEVELS]);
    expect(settingsSchema.parse({}).logging).toEqual({ level: "info", fileMaxBytes: 5 * 1024 * 1024, fileCount: 5 });
  });
});

describe("redaction", () => {
  test("a secret in the message or the fields never reaches the terminal, the memory or the file", async () => {
    const dir = tempDir();
    const file = join(dir, "logs", "omniroute.log");
    const { log, out, err } = captured({ filePath: file, knownSecrets: () => ["plain-provider-credential-42"] });
    const http = log.child("http");
    http.error(`upstream refused key ${SECRET_KEY} with Authorization: Bearer ${SECRET_KEY}`, {
      headers: { authorization: `Bearer ${SECRET_KEY}`, cookie: "omniroute_session=abcdef0123456789", "x-request-id": "req_1" },
      body: `{"apiKey":"${SECRET_KEY}","password":"hunter2hunter2"}`,
      password: "hunter2hunter2",
      note: "the key plain-provider-credential-42 was used",
      error: new Error(`failed with ${SECRET_KEY}`),
    });
    await log.close();
    const written = readFileSync(file, "utf8");
    const everything = [...out, ...err, JSON.stringify(log.query()), written].join("\n");
    for (const secret of [SECRET_KEY, "ABCDEFGHIJKLMNOP", "hunter2hunter2", "abcdef0123456789", "plain-provider-credential-42"]) {
      expect(everything).not.toContain(secret);
    }
    expect(everything).toContain("[REDACTED]");
    // What is not secret stays readable.
    const [line] = jsonLines(file);
    expect(line).toMatchObject({ level: "error", component: "http", headers: { "x-request-id": "req_1", authorization: "[REDACTED]" }, password: "[REDACTED]" });
    expect(line!.msg).toStartWith("upstream refused key sk-pr[REDACTED]");
  });
});

describe("the file", () => {
  test("one JSON line per entry, written asynchronously in batches, not during the call", async () => {
    const file = consoleLogPath(tempDir());
    const { log } = captured({ filePath: file, flushIntervalMs: 30 });
    log.child("store").info("opened", { path: "/tmp/x", time: "field named like a core key" });
    expect(existsSync(file)).toBe(false);
    await Bun.sleep(150);
    const [line] = jsonLines(file);
    expect(Object.keys(line!).slice(0, 4)).toEqual(["time", "level", "component", "msg"]);
    expect(line).toMatchObject({ level: "info", component: "store", msg: "opened", path: "/tmp/x", _time: "field named like a core key" });
    expect(new Date(line!.time as string).toISOString()).toBe(line!.time as string);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    await log.close();
  });

  test("a full batch is written before the timer fires", async () => {
    const file = consoleLogPath(tempDir());
    const { log } = captured({ filePath: file, flushIntervalMs: 60_000, flushBytes: 1024 });
    for (let i = 0; i < 40; i++) log.child("x").info(`entry ${i} ${"y".repeat(40)}`);
    await Bun.sleep(100);
    expect(jsonLines(file).length).toBeGreaterThanOrEqual(10);
    await log.close();
  });

  test("rotates by size: the count of files is bounded, each within the limit, every line valid JSON, nothing lost in the kept span", async () => {
    const file = consoleLogPath(tempDir());
    const maxBytes = 2000;
    const { log } = captured({ filePath: file, fileMaxBytes: maxBytes, fileCount: 3, flushIntervalMs: 5, flushBytes: 700 });
    const component = log.child("rotation");
    for (let i = 0; i < 300; i++) {
      component.info(`entry ${i}`, { i, pad: "p".repeat(30) });
      if (i % 25 === 0) await Bun.sleep(1);
    }
    await log.close();
    const names = readdirSync(join(file, "..")).sort();
    expect(names).toEqual(["omniroute.log", "omniroute.log.1", "omniroute.log.2", "omniroute.log.3"]);
    const seen: number[] = [];
    for (const name of ["omniroute.log.3", "omniroute.log.2", "omniroute.log.1", "omniroute.log"]) {
      const path = join(file, "..", name);
      expect(statSync(path).size).toBeLessThanOrEqual(maxBytes);
      for (const line of jsonLines(path)) {
        expect(line).toMatchObject({ level: "info", component: "rotation" });
        seen.push(line.i as number);
      }
    }
    // Oldest to newest across the files, consecutive, ending with the last entry.
    expect(seen.at(-1)).toBe(299);
    expect(seen).toEqual(Array.from({ length: seen.length }, (_, k) => 300 - seen.length + k));
    expect(seen.length).toBeLessThan(300);
  });

  test("fewer files configured at run time: the extra rotated files are removed", async () => {
    const file = consoleLogPath(tempDir());
    const { log } = captured({ filePath: file, fileMaxBytes: 500, fileCount: 4, flushIntervalMs: 5 });
    for (let i = 0; i < 60; i++) log.child("x").info(`entry ${i} ${"z".repeat(60)}`);
    await log.flush();
    expect(existsSync(`${file}.4`)).toBe(true);
    log.configure({ fileCount: 1 });
    log.child("x").info("one more");
    await log.flush();
    expect(readdirSync(join(file, "..")).sort()).toEqual(["omniroute.log", "omniroute.log.1"]);
    await log.close();
  });

  test("after close, entries still reach memory and the terminal but not the file", async () => {
    const file = consoleLogPath(tempDir());
    const { log, out } = captured({ filePath: file });
    log.child("a").info("before close");
    await log.close();
    log.child("a").info("after close");
    await Bun.sleep(20);
    expect(jsonLines(file).map((l) => l.msg)).toEqual(["before close"]);
    expect(out).toHaveLength(2);
    expect(log.query().entries).toHaveLength(2);
  });

  test("a disk that cannot keep up drops file lines (counted) instead of growing memory", async () => {
    const file = consoleLogPath(tempDir());
    const { log } = captured({ filePath: file, maxQueuedBytes: 2000, flushIntervalMs: 60_000, flushBytes: 1_000_000 });
    for (let i = 0; i < 100; i++) log.child("x").info(`entry ${i} ${"q".repeat(50)}`);
    expect(log.dropped).toBeGreaterThan(50);
    await log.close();
    const lines = jsonLines(file);
    expect(lines.at(-1)).toMatchObject({ level: "warn", component: "logging" });
    expect(String(lines.at(-1)!.msg)).toContain(`${log.dropped} console-log entries were not written`);
  });
});

describe("ring buffer and cursor", () => {
  test("keeps the latest entries with increasing seq; `after` returns only newer ones, oldest first", () => {
    const { log } = captured({ ringSize: 5, terminal: false });
    const c = log.child("c");
    for (let i = 1; i <= 8; i++) c.info(`m${i}`);
    const all = log.query();
    expect(all.entries.map((e) => e.seq)).toEqual([4, 5, 6, 7, 8]);
    expect(all.entries.map((e) => e.msg)).toEqual(["m4", "m5", "m6", "m7", "m8"]);
    expect(all).toMatchObject({ cursor: 8, hasMore: false, oldestSeq: 4 });
    expect(log.query({ after: 6 }).entries.map((e) => e.seq)).toEqual([7, 8]);
    expect(log.query({ after: 8 })).toMatchObject({ entries: [], cursor: 8, hasMore: false });
    // A cursor from a previous run of the process: the answer's cursor is the current newest seq.
    expect(log.query({ after: 5000 })).toMatchObject({ entries: [], cursor: 8 });
    // Evicted cursor: everything still held.
    expect(log.query({ after: 1 }).entries.map((e) => e.seq)).toEqual([4, 5, 6, 7, 8]);
    // A poller that asks for little gets the oldest first and a cursor to continue from.
    const page = log.query({ after: 3, limit: 2 });
    expect(page.entries.map((e) => e.seq)).toEqual([4, 5]);
    expect(page).toMatchObject({ cursor: 5, hasMore: true });
    expect(log.query({ after: page.cursor, limit: 2 }).entries.map((e) => e.seq)).toEqual([6, 7]);
    // Without a cursor: the newest `limit`, still newest last.
    expect(log.query({ limit: 2 }).entries.map((e) => e.seq)).toEqual([7, 8]);
  });

  test("level and search filters; the cursor still advances past entries that do not match", () => {
    const { log } = captured({ level: "debug", terminal: false });
    log.child("router").debug("probe");
    log.child("router").warn("Account conn_1 cooling down", { providerId: "deepseek" });
    log.child("store").error("write failed");
    log.child("http").info("served");
    expect(log.query({ level: "warn" }).entries.map((e) => e.msg)).toEqual(["Account conn_1 cooling down", "write failed"]);
    expect(log.query({ search: "COOLING" }).entries.map((e) => e.seq)).toEqual([2]);
    expect(log.query({ search: "deepseek" }).entries.map((e) => e.seq)).toEqual([2]);
    expect(log.query({ search: "store" }).entries.map((e) => e.seq)).toEqual([3]);
    expect(log.query({ level: "error", after: 3 })).toMatchObject({ entries: [], cursor: 4 });
  });

  test("subscribers get each new entry; ending subscriptions tells them", () => {
    const { log } = captured({ terminal: false });
    const got: number[] = [];
    let ended = 0;
    const unsubscribe = log.subscribe({ entry: (e) => got.push(e.seq), end: () => ended++ });
    log.child("a").info("one");
    log.child("a").info("two");
    unsubscribe();
    log.child("a").info("three");
    log.subscribe({ entry: (e) => got.push(e.seq * 100), end: () => ended++ });
    log.child("a").info("four");
    log.endSubscriptions();
    log.child("a").info("five");
    expect(got).toEqual([1, 2, 400]);
    expect(ended).toBe(1);
    expect(log.since(3).map((e) => e.msg)).toEqual(["four", "five"]);
  });
});

describe("the process logger", () => {
  test("module-level loggers write to the latest installed console log, then fall back", () => {
    const first = captured({ terminal: false }).log;
    const second = captured({ terminal: false }).log;
    const log = createLogger("tokens");
    const uninstallFirst = installConsoleLog(first);
    const uninstallSecond = installConsoleLog(second);
    log.warn("to the second");
    uninstallSecond();
    log.warn("to the first");
    uninstallFirst();
    expect(second.query().entries.map((e) => e.msg)).toEqual(["to the second"]);
    expect(first.query().entries.map((e) => e.msg)).toEqual(["to the first"]);
    expect(processConsoleLog()).not.toBe(first);
  });
});

describe("settings", () => {
  function fakeSettings(logging: Settings["logging"]) {
    let current = settingsSchema.parse({ logging });
    const listeners: SettingsListener[] = [];
    return {
      get: () => current,
      onChange: (listener: SettingsListener) => {
        listeners.push(listener);
        return () => {};
      },
      change(next: Partial<Settings["logging"]>, patch?: SettingsPatch) {
        const previous = current;
        current = settingsSchema.parse({ logging: { ...current.logging, ...next } });
        for (const listener of listeners) listener(current, previous, patch);
      },
    };
  }

  test("LOG_LEVEL wins at start until the level itself is changed", () => {
    const { log } = captured({ terminal: false });
    const settings = fakeSettings({ level: "info", fileMaxBytes: 1 << 20, fileCount: 2 });
    followLoggingSettings(log, settings, "debug");
    expect(log.level).toBe("debug");
    settings.change({ fileCount: 3 }, { logging: { fileCount: 3 } });
    expect(log.level).toBe("debug");
    settings.change({ level: "info" }, { logging: { level: "info" } });
    expect(log.level).toBe("info");
    settings.change({ level: "error" });
    expect(log.level).toBe("error");
  });

  test("LOG_LEVEL is read from the environment and checked", () => {
    expect(resolveRuntimeConfig({}, { LOG_LEVEL: "WARN" }).logLevel).toBe("warn");
    expect(resolveRuntimeConfig({}, { LOG_LEVEL: "warning" }).logLevel).toBe("warn");
    expect(resolveRuntimeConfig({}, { LOG_LEVEL: "" }).logLevel).toBeUndefined();
    expect(() => resolveRuntimeConfig({}, { LOG_LEVEL: "verbose" })).toThrow(ConfigError);
  });
});
