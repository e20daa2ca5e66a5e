import { Database, type Statement } from "bun:sqlite";
import { chmodSync, existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";

/** The response cache's own file in the data dir: disposable, so outside the main store, its migrations and backups. */
export const RESPONSE_CACHE_FILE = "response-cache.sqlite";

/** Bumped when the table changes: a cache file of another layout is simply emptied and rebuilt. */
const LAYOUT_VERSION = 1;

/** One stored answer, as the response cache keeps it. */
export interface CachedAnswerRow {
  /** SHA-256 hex of the request signature (client key, endpoint, body). */
  key: string;
  apiKeyId: string | null;
  status: number;
  contentType: string;
  stream: boolean;
  /** All body bytes, the chunks laid end to end. */
  body: Uint8Array;
  /** Sizes of the recorded chunks (a stream is replayed chunk by chunk); null = one piece. */
  chunkSizes: number[] | null;
  createdAt: number;
  expiresAt: number;
}

interface RawRow {
  key: string;
  api_key_id: string | null;
  status: number;
  content_type: string;
  stream: number;
  body: Uint8Array;
  chunk_sizes: string | null;
  created_at: number;
  expires_at: number;
}

/**
 * Persistence of the response cache: one table in `<data-dir>/response-cache.sqlite`, keyed by the signature
 * hash. Reads are single primary-key lookups; writes come in batches from the cache's background flush.
 *
 * A separate file rather than a table of the main store: cached answers are bulky and disposable, so they stay out
 * of the pre-migration backups and config exports, and the cache's own writes never count as "another process
 * changed the store" (the main store's `PRAGMA data_version` poll).
 */
export class ResponseCacheRepo {
  readonly #sqlite: Database;
  readonly #get: Statement<RawRow, [string]>;
  readonly #put: Statement;
  readonly #delete: Statement;
  readonly #purge: Statement<{ key: string }, [number]>;
  readonly #count: Statement<{ n: number }, []>;

  constructor(readonly path: string) {
    const isNew = !existsSync(path);
    this.#sqlite = new Database(path, { create: true, strict: true });
    try {
      if (isNew) chmodSync(path, 0o600);
      this.#sqlite.exec("PRAGMA journal_mode = WAL");
      this.#sqlite.exec("PRAGMA synchronous = NORMAL");
      this.#sqlite.exec("PRAGMA busy_timeout = 5000");
      const version = this.#sqlite.query<{ user_version: number }, []>("PRAGMA user_version").get()!.user_version;
      if (version !== LAYOUT_VERSION) {
        this.#sqlite.exec("DROP TABLE IF EXISTS response_cache");
        this.#sqlite.exec(`PRAGMA user_version = ${LAYOUT_VERSION}`);
      }
      this.#sqlite.exec(
        `CREATE TABLE IF NOT EXISTS response_cache (
          key TEXT PRIMARY KEY,
          api_key_id TEXT,
          status INTEGER NOT NULL,
          content_type TEXT NOT NULL,
          stream INTEGER NOT NULL,
          body BLOB NOT NULL,
          chunk_sizes TEXT,
          created_at INTEGER NOT NULL,
          expires_at INTEGER NOT NULL
        ) WITHOUT ROWID`,
      );
      this.#sqlite.exec("CREATE INDEX IF NOT EXISTS response_cache_expires_idx ON response_cache (expires_at)");
      this.#get = this.#sqlite.query("SELECT * FROM response_cache WHERE key = ?");
      this.#put = this.#sqlite.prepare(
        "INSERT OR REPLACE INTO response_cache (key, api_key_id, status, content_type, stream, body, chunk_sizes, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
      );
      this.#delete = this.#sqlite.prepare("DELETE FROM response_cache WHERE key = ?");
      this.#purge = this.#sqlite.query("DELETE FROM response_cache WHERE expires_at <= ? RETURNING key");
      this.#count = this.#sqlite.query("SELECT count(*) AS n FROM response_cache");
    } catch (error) {
      this.#sqlite.close();
      throw error;
    }
  }

  /** Opens (creating if needed) the cache file in a data dir. */
  static open(dataDir: string): ResponseCacheRepo {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    return new ResponseCacheRepo(join(dataDir, RESPONSE_CACHE_FILE));
  }

  get(key: string): CachedAnswerRow | null {
    const row = this.#get.get(key);
    if (!row) return null;
    return {
      key: row.key,
      apiKeyId: row.api_key_id,
      status: row.status,
      contentType: row.content_type,
      stream: row.stream === 1,
      body: row.body,
      chunkSizes: row.chunk_sizes === null ? null : (JSON.parse(row.chunk_sizes) as number[]),
      createdAt: row.created_at,
      expiresAt: row.expires_at,
    };
  }

  /** Writes and deletes in one transaction (the background flush). */
  writeBatch(puts: Iterable<CachedAnswerRow>, deletes: Iterable<string>): void {
    this.#sqlite.transaction(() => {
      for (const key of deletes) this.#delete.run(key);
      for (const r of puts) {
        this.#put.run(r.key, r.apiKeyId, r.status, r.contentType, r.stream ? 1 : 0, r.body, r.chunkSizes === null ? null : JSON.stringify(r.chunkSizes), r.createdAt, r.expiresAt);
      }
    })();
  }

  /** Removes expired rows; returns their keys. */
  purgeExpired(now: number): string[] {
    return this.#purge.all(now).map((row) => row.key);
  }

  clear(): void {
    this.#sqlite.exec("DELETE FROM response_cache");
  }

  count(): number {
    return this.#count.get()!.n;
  }

  close(): void {
    try {
      this.#sqlite.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    } finally {
      this.#sqlite.close();
    }
  }
}
