import { afterEach, describe, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { openStore, StoreError, type Store } from "../../../src/store/db";
import { TempDirs } from "../support/temp-data";

const temp = new TempDirs();
const open: Store[] = [];
afterEach(() => {
  for (const store of open.splice(0)) {
    try {
      store.close();
    } catch {
      // closed by the test
    }
  }
  temp.cleanup();
});

const JOURNAL = JSON.parse(readFileSync(join(import.meta.dir, "../../../src/store/migrations/meta/_journal.json"), "utf8")) as {
  entries: Array<{ when: number }>;
};

function openTracked(dataDir: string): Store {
  const store = openStore(dataDir);
  open.push(store);
  return store;
}

function tables(store: Store): string[] {
  return store.sqlite
    .query<{ name: string }, []>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    .all()
    .map((r) => r.name);
}

function migrationTimes(sqlite: Database): number[] {
  return sqlite.query<{ created_at: number }, []>("SELECT created_at FROM __drizzle_migrations ORDER BY id").all().map((r) => Number(r.created_at));
}

function dirFingerprint(dir: string): Record<string, string> {
  return Object.fromEntries(
    readdirSync(dir)
      .sort()
      .map((name) => [name, createHash("sha256").update(readFileSync(join(dir, name))).digest("hex")]),
  );
}

describe("openStore", () => {
  test("a fresh open creates the data dir, the database and every table", () => {
    const dataDir = join(temp.make(), "nested", "data");
    const store = openTracked(dataDir);
    expect(store.path).toBe(join(dataDir, "omniroute.sqlite"));
    expect(tables(store)).toEqual(["__drizzle_migrations", "admin_sessions", "api_keys", "audit_log", "budgets", "combos", "connections", "quota_resets", "request_bodies", "request_logs", "settings"]);
    expect(migrationTimes(store.sqlite)).toEqual(JOURNAL.entries.map((e) => e.when));
  });

  test("the database file is private to the user and the data dir is 0700", () => {
    const dataDir = join(temp.make(), "data");
    const store = openTracked(dataDir);
    expect(statSync(store.path).mode & 0o777).toBe(0o600);
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);
  });

  test("runs in WAL mode with foreign keys and a busy timeout", () => {
    const store = openTracked(temp.make());
    expect(store.sqlite.query<{ journal_mode: string }, []>("PRAGMA journal_mode").get()!.journal_mode).toBe("wal");
    expect(store.sqlite.query<{ foreign_keys: number }, []>("PRAGMA foreign_keys").get()!.foreign_keys).toBe(1);
    expect(store.sqlite.query<{ timeout: number }, []>("PRAGMA busy_timeout").get()!.timeout).toBe(5000);
  });

  test("reopening is idempotent: data stays, migrations are not re-applied, no backup is made", () => {
    const dataDir = temp.make();
    const first = openStore(dataDir);
    first.sqlite.query("INSERT INTO settings (key, value, updated_at) VALUES ('probe', '\"kept\"', 1)").run();
    first.close();
    for (let i = 0; i < 2; i++) {
      const again = openStore(dataDir);
      expect(again.sqlite.query<{ value: string }, []>("SELECT value FROM settings WHERE key = 'probe'").get()?.value).toBe('"kept"');
      expect(migrationTimes(again.sqlite)).toEqual(JOURNAL.entries.map((e) => e.when));
      expect(tables(again)).toHaveLength(11);
      again.close();
    }
    expect(existsSync(join(dataDir, "backups"))).toBe(false);
  });

  test("a database from a newer version is refused with StoreError and left byte-for-byte untouched", () => {
    const dataDir = temp.make();
    const future = JOURNAL.entries.at(-1)!.when + 86_400_000;
    // Written by another process, as a newer OmniRoute would have left it after a clean exit.
    const script = [
      `const { openStore } = await import(${JSON.stringify(join(import.meta.dir, "../../../src/store/db.ts"))});`,
      `const store = openStore(${JSON.stringify(dataDir)});`,
      `store.sqlite.query("INSERT INTO __drizzle_migrations (hash, created_at) VALUES ('from-the-future', ${future})").run();`,
      `store.sqlite.query("INSERT INTO settings (key, value, updated_at) VALUES ('probe', '1', 1)").run();`,
      "store.close();",
    ].join("\n");
    const writer = Bun.spawnSync([process.execPath, "-e", script], { env: { ...process.env, NO_OPEN: "1" } });
    expect(writer.stderr.toString()).toBe("");
    expect(writer.exitCode).toBe(0);
    const before = dirFingerprint(dataDir);
    expect(Object.keys(before)).toContain("omniroute.sqlite");

    let error: unknown;
    try {
      openTracked(dataDir);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(StoreError);
    expect((error as Error).message).toContain("written by a newer version of OmniRoute");
    expect((error as Error).message).toContain("1 schema migration(s)");
    expect((error as Error).message).toContain(join(dataDir, "omniroute.sqlite"));
    expect(dirFingerprint(dataDir)).toEqual(before);
  });

  test("a file that is not a database is refused and not overwritten", () => {
    const dataDir = temp.make();
    const path = join(dataDir, "omniroute.sqlite");
    const garbage = Buffer.from("definitely not sqlite ".repeat(300));
    writeFileSync(path, garbage);
    expect(() => openTracked(dataDir)).toThrow();
    expect(readFileSync(path).equals(garbage)).toBe(true);
  });

  test("the file name can be chosen", () => {
    const dataDir = temp.make();
    const store = openTracked(dataDir);
    const other = openStore(dataDir, { fileName: "other.sqlite" });
    open.push(other);
    expect(other.path).toBe(join(dataDir, "other.sqlite"));
    expect(store.path).not.toBe(other.path);
    expect(tables(other)).toContain("connections");
  });

  test("close releases the file so another process can open it", () => {
    const dataDir = temp.make();
    openStore(dataDir).close();
    const raw = new Database(join(dataDir, "omniroute.sqlite"));
    try {
      expect(raw.query<{ n: number }, []>("SELECT count(*) AS n FROM __drizzle_migrations").get()!.n).toBe(JOURNAL.entries.length);
    } finally {
      raw.close();
    }
  });
});
