import { Database } from "bun:sqlite";
import { drizzle, type BunSQLiteDatabase } from "drizzle-orm/bun-sqlite";
import { migrate } from "drizzle-orm/bun-sqlite/migrator";
import { chmodSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { resolveMigrationsDir } from "../platform/asset-root";
import * as schema from "./schema";

export type Db = BunSQLiteDatabase<typeof schema>;

export interface Store {
  db: Db;
  sqlite: Database;
  path: string;
  close(): void;
}

export class StoreError extends Error {
  override name = "StoreError";
}

interface JournalEntry {
  idx: number;
  when: number;
  tag: string;
}

function readJournal(migrationsDir: string): JournalEntry[] {
  const journal = JSON.parse(readFileSync(join(migrationsDir, "meta", "_journal.json"), "utf8")) as {
    entries: JournalEntry[];
  };
  return journal.entries;
}

function appliedMigrationTimes(sqlite: Database): number[] {
  const table = sqlite
    .query("SELECT name FROM sqlite_master WHERE type = 'table' AND name = '__drizzle_migrations'")
    .get();
  if (!table) return [];
  return sqlite
    .query<{ created_at: number }, []>("SELECT created_at FROM __drizzle_migrations")
    .all()
    .map((row) => Number(row.created_at));
}

/**
 * Opens (creating if needed) the SQLite store in the data dir and brings its schema up to date.
 * A database written by a newer OmniRoute is refused before anything is written to it.
 * Pending migrations on an existing database are preceded by a `VACUUM INTO` backup.
 */
export function openStore(dataDir: string, options: { fileName?: string } = {}): Store {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const path = join(dataDir, options.fileName ?? "omniroute.sqlite");
  const isNew = !existsSync(path);
  const sqlite = new Database(path, { create: true, strict: true });
  try {
    if (isNew) chmodSync(path, 0o600);
    const migrationsDir = resolveMigrationsDir();
    const journal = readJournal(migrationsDir);
    const known = new Set(journal.map((entry) => entry.when));
    const applied = appliedMigrationTimes(sqlite);
    const unknown = applied.filter((when) => !known.has(when));
    if (unknown.length > 0) {
      throw new StoreError(
        `The database at ${path} was written by a newer version of OmniRoute (it has ${unknown.length} schema ` +
          `migration(s) this version does not know). It was left untouched. Upgrade OmniRoute, or start with ` +
          `--data-dir pointing somewhere else.`,
      );
    }
    sqlite.exec("PRAGMA journal_mode = WAL");
    sqlite.exec("PRAGMA synchronous = NORMAL");
    sqlite.exec("PRAGMA foreign_keys = ON");
    sqlite.exec("PRAGMA busy_timeout = 5000");

    const pending = journal.length - applied.length;
    if (applied.length > 0 && pending > 0) {
      const backupDir = join(dataDir, "backups");
      mkdirSync(backupDir, { recursive: true, mode: 0o700 });
      const backup = join(backupDir, `pre-migration-${new Date().toISOString().replace(/[:.]/g, "-")}.sqlite`);
      sqlite.query("VACUUM INTO ?").run(backup);
    }
    const db = drizzle(sqlite, { schema });
    // The migrator applies all pending migrations inside one transaction.
    migrate(db, { migrationsFolder: migrationsDir });
    return {
      db,
      sqlite,
      path,
      close() {
        try {
          sqlite.exec("PRAGMA optimize");
          // Fold the WAL back into the main file so a copied data dir is complete without its -wal file.
          sqlite.exec("PRAGMA wal_checkpoint(TRUNCATE)");
        } finally {
          sqlite.close();
        }
      },
    };
  } catch (error) {
    sqlite.close();
    throw error;
  }
}
