import { existsSync } from "node:fs";
import { join } from "node:path";
import { WIRE_FORMATS } from "../formats/wire-formats";
import type { IRFormat } from "../ir/ir-types";
import { createLogger } from "../logging/logger";
import { RESPONSE_CACHE_FILE, ResponseCacheRepo, type CachedAnswerRow } from "../store/repos/response-cache-repo";
import { cacheKeyOf, isDeterministicRequest, wantsBypass } from "./cache-policy";

/** `settings.cache`, read on every use so a PATCH applies at once. */
export interface CacheSettings {
  enabled: boolean;
  maxMemoryBytes: number;
  maxEntryBytes: number;
  persist: boolean;
}

/** A complete, successful answer as recorded: status, content type and the body bytes (chunk sizes for a stream). */
export type CachedAnswer = CachedAnswerRow;

/** What one memory entry costs besides its body (key, fields, map slot), so many tiny answers stay bounded too. */
export const ENTRY_OVERHEAD_BYTES = 256;

/** The bytes an answer is counted for against `maxMemoryBytes`. */
export const entrySize = (answer: CachedAnswer): number => answer.body.byteLength + answer.key.length + answer.contentType.length + ENTRY_OVERHEAD_BYTES;

/** The cache's side of one cacheable request: its key, and the stored answer when the lookup hit. */
export interface CacheTicket {
  readonly key: string;
  readonly keyId: string | null;
  readonly ttlSeconds: number;
  readonly format: IRFormat;
  readonly stream: boolean;
  /** The client asked to skip the lookup; a fresh answer still refreshes the entry. */
  readonly bypass: boolean;
  readonly hit: CachedAnswer | null;
}

/** How the request finished (its RequestRecord): only a complete success is stored. */
export interface FinishedOutcome {
  readonly status: number;
  readonly error: string | null;
}

export interface ResponseCacheStats {
  enabled: boolean;
  persist: boolean;
  /** Answered from the cache. */
  hits: number;
  /** Looked up, not found (or expired): the request went upstream. */
  misses: number;
  /** Sent with `x-omniroute-cache: bypass` / `Cache-Control: no-cache`. */
  bypasses: number;
  /** Answers stored (a refresh of an existing entry included). */
  stores: number;
  /** Cacheable answers not stored: error status, broken or cancelled stream, larger than maxEntryBytes. */
  skipped: number;
  /** Entries dropped from memory to stay under maxMemoryBytes (still in SQLite when persisted). */
  evictions: number;
  /** Entries found or purged past their TTL. */
  expired: number;
  /** Entries in memory. */
  entries: number;
  memoryBytes: number;
  maxMemoryBytes: number;
  maxEntryBytes: number;
  /** Rows in `<data-dir>/response-cache.sqlite` (after writing the pending ones). */
  persistedEntries: number;
}

interface MemoryEntry {
  answer: CachedAnswer;
  size: number;
}

export interface ResponseCacheOptions {
  settings: () => CacheSettings;
  /** Where `response-cache.sqlite` lives; null = memory only. */
  dataDir: string | null;
  now?: () => number;
  /** Background write batching (default 100 ms) and expired-entry purge (default 60 s). */
  flushIntervalMs?: number;
  purgeIntervalMs?: number;
}

const decoder = new TextDecoder();
const log = createLogger("response-cache");

/**
 * Exact-signature response cache for deterministic requests of opted-in client keys and combos
 * (cache/cache-policy.ts decides what is cacheable and the key).
 *
 * Memory is an LRU bounded by bytes (a Map in use order). With `persist`, stored answers are also written to
 * SQLite — queued and written in one transaction per batch from a timer, never while answering — and a lookup
 * that misses memory reads its row (one primary-key read) and brings it back into memory. Expired entries are
 * dropped when read and purged every minute.
 */
export class ResponseCache {
  #memory = new Map<string, MemoryEntry>();
  #memoryBytes = 0;
  /** Written by the next flush; also consulted by lookups (an entry evicted from memory before its write). */
  #pendingPuts = new Map<string, CachedAnswer>();
  #pendingDeletes = new Set<string>();
  #repo: ResponseCacheRepo | null = null;
  #repoFailed = false;
  #timers: Array<ReturnType<typeof setInterval>> = [];
  /** The next batch write, armed by the first queued change (an idle gateway is never woken by it). */
  #flushTimer: ReturnType<typeof setTimeout> | undefined;
  #started = false;
  #counts = { hits: 0, misses: 0, bypasses: 0, stores: 0, skipped: 0, evictions: 0, expired: 0 };
  readonly #now: () => number;

  constructor(private readonly options: ResponseCacheOptions) {
    this.#now = options.now ?? Date.now;
  }

  start(): void {
    if (this.#timers.length > 0) return;
    this.#started = true;
    this.#timers.push(setInterval(() => this.purgeExpired(), this.options.purgeIntervalMs ?? 60_000));
    for (const timer of this.#timers) timer.unref?.();
    this.#scheduleFlush();
  }

  /** Writes what is pending and closes the file. */
  stop(): void {
    for (const timer of this.#timers) clearInterval(timer);
    this.#timers = [];
    this.#started = false;
    this.flush();
    this.#repo?.close();
    this.#repo = null;
  }

  /**
   * For a request whose key or combo opted in (`ttlSeconds` > 0): null when the cache is switched off or the
   * request is not deterministic; else its ticket, with the stored answer when there is a fresh one.
   */
  open(format: IRFormat, request: Request, raw: string, body: Record<string, unknown>, keyId: string | null, ttlSeconds: number, stream: boolean, variant = ""): CacheTicket | null {
    if (!this.options.settings().enabled || !isDeterministicRequest(format, body)) return null;
    const bypass = wantsBypass(request.headers);
    const key = cacheKeyOf(format, keyId, request.url, request.headers, raw, variant);
    let hit: CachedAnswer | null = null;
    if (bypass) {
      this.#counts.bypasses++;
    } else {
      hit = this.get(key, ttlSeconds);
      if (hit) this.#counts.hits++;
      else this.#counts.misses++;
    }
    return { key, keyId, ttlSeconds, format, stream, bypass, hit };
  }

  /** A stored answer as a new response: its status, content type and bytes (a stream chunk by chunk), nothing upstream-specific. */
  replay(answer: CachedAnswer, requestId: string): Response {
    const headers: Record<string, string> = { "content-type": answer.contentType, "x-request-id": requestId, "x-omniroute-cache": "hit" };
    if (answer.stream) {
      headers["cache-control"] = "no-cache";
      headers["x-accel-buffering"] = "no";
    }
    const sizes = answer.chunkSizes;
    if (sizes === null) return new Response(answer.body.slice() as Uint8Array<ArrayBuffer>, { status: answer.status, headers });
    const bytes = answer.body;
    let index = 0;
    let offset = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (index >= sizes.length) {
          controller.close();
          return;
        }
        const size = sizes[index++]!;
        // A copy per chunk: the stored buffer is shared by every replay and must never be handed over.
        controller.enqueue(bytes.slice(offset, offset + size));
        offset += size;
      },
    });
    return new Response(body, { status: answer.status, headers });
  }

  /**
   * Records the answer to a cacheable request on its way to the client and stores it once complete: status
   * 200, and the request finished with 200 and no error (a stream that broke off mid-way finishes as 502, a
   * client that left as 499). A non-stream body is already whole; a stream is passed on chunk by chunk.
   */
  async capture(ticket: CacheTicket, response: Response, outcome: FinishedOutcome): Promise<Response> {
    response.headers.set("x-omniroute-cache", ticket.bypass ? "bypass" : "miss");
    if (response.status !== 200 || response.body === null) {
      this.#counts.skipped++;
      return response;
    }
    const maxBytes = this.options.settings().maxEntryBytes;
    const contentType = response.headers.get("content-type") ?? "application/json";
    if (!ticket.stream) {
      const bytes = await response.bytes();
      if (outcome.status === 200 && outcome.error === null && bytes.byteLength <= maxBytes) this.#store(ticket, contentType, [bytes]);
      else this.#counts.skipped++;
      return new Response(bytes as Uint8Array<ArrayBuffer>, { status: response.status, headers: response.headers });
    }
    return new Response(this.#recording(ticket, response.body, contentType, outcome, maxBytes), { status: response.status, headers: response.headers });
  }

  /** A fresh stored answer for `key`, from memory or else SQLite; null when there is none (or it expired). */
  get(key: string, ttlSeconds: number): CachedAnswer | null {
    const now = this.#now();
    const entry = this.#memory.get(key);
    if (entry) {
      if (!isFresh(entry.answer, ttlSeconds, now)) {
        this.#forget(key);
        this.#counts.expired++;
        return null;
      }
      // Most recently used goes last.
      this.#memory.delete(key);
      this.#memory.set(key, entry);
      return entry.answer;
    }
    const settings = this.options.settings();
    if (!settings.persist) return null;
    const answer = this.#pendingPuts.get(key) ?? this.#read(key);
    if (!answer) return null;
    if (!isFresh(answer, ttlSeconds, now)) {
      this.#forget(key);
      this.#counts.expired++;
      return null;
    }
    this.#remember(answer, settings.maxMemoryBytes);
    return answer;
  }

  /** Stores (or replaces) an answer: in memory, and queued for SQLite when persisting. */
  put(answer: CachedAnswer): void {
    const settings = this.options.settings();
    this.#counts.stores++;
    this.#remember(answer, settings.maxMemoryBytes);
    if (settings.persist && this.options.dataDir !== null) {
      this.#pendingDeletes.delete(answer.key);
      this.#pendingPuts.set(answer.key, answer);
      this.#scheduleFlush();
    }
  }

  /** Drops every entry, in memory and in SQLite (`DELETE /api/cache`). Counters are kept. */
  clear(): void {
    this.#memory.clear();
    this.#memoryBytes = 0;
    this.#pendingPuts.clear();
    this.#pendingDeletes.clear();
    this.#repoOrNull(false)?.clear();
  }

  /** Writes the queued puts and deletes in one transaction (the background timer; stop and stats too). */
  #scheduleFlush(): void {
    if (!this.#started || this.#flushTimer !== undefined || (this.#pendingPuts.size === 0 && this.#pendingDeletes.size === 0)) return;
    this.#flushTimer = setTimeout(() => this.flush(), this.options.flushIntervalMs ?? 100);
    this.#flushTimer.unref?.();
  }

  flush(): void {
    if (this.#flushTimer !== undefined) {
      clearTimeout(this.#flushTimer);
      this.#flushTimer = undefined;
    }
    if (this.#pendingPuts.size === 0 && this.#pendingDeletes.size === 0) return;
    const puts = [...this.#pendingPuts.values()];
    const deletes = [...this.#pendingDeletes];
    this.#pendingPuts.clear();
    this.#pendingDeletes.clear();
    const repo = this.#repoOrNull(true);
    if (!repo) return;
    try {
      repo.writeBatch(puts, deletes);
    } catch (error) {
      log.error("write failed; entries not persisted", { entries: puts.length, error });
    }
  }

  /** Drops expired entries from memory and SQLite; returns how many. */
  purgeExpired(): number {
    const now = this.#now();
    const purged = new Set<string>();
    for (const [key, entry] of this.#memory) {
      if (entry.answer.expiresAt > now) continue;
      this.#memory.delete(key);
      this.#memoryBytes -= entry.size;
      purged.add(key);
    }
    for (const [key, answer] of this.#pendingPuts) {
      if (answer.expiresAt > now) continue;
      this.#pendingPuts.delete(key);
      purged.add(key);
    }
    const repo = this.#repoOrNull(false);
    if (repo) {
      try {
        for (const key of repo.purgeExpired(now)) purged.add(key);
      } catch (error) {
        log.error("purge failed", { error });
      }
    }
    this.#counts.expired += purged.size;
    return purged.size;
  }

  stats(): ResponseCacheStats {
    this.flush();
    const settings = this.options.settings();
    let persisted = 0;
    try {
      persisted = this.#repoOrNull(false)?.count() ?? 0;
    } catch {
      // unreadable file: reported as empty
    }
    return {
      enabled: settings.enabled,
      persist: settings.persist,
      ...this.#counts,
      entries: this.#memory.size,
      memoryBytes: this.#memoryBytes,
      maxMemoryBytes: settings.maxMemoryBytes,
      maxEntryBytes: settings.maxEntryBytes,
      persistedEntries: persisted,
    };
  }

  #store(ticket: CacheTicket, contentType: string, chunks: Uint8Array[]): void {
    let total = 0;
    for (const chunk of chunks) total += chunk.byteLength;
    // One contiguous copy: the recorded chunks may be views into larger buffers.
    const body = new Uint8Array(total);
    let offset = 0;
    for (const chunk of chunks) {
      body.set(chunk, offset);
      offset += chunk.byteLength;
    }
    const now = this.#now();
    this.put({
      key: ticket.key,
      apiKeyId: ticket.keyId,
      status: 200,
      contentType,
      stream: ticket.stream,
      body,
      chunkSizes: ticket.stream ? chunks.map((c) => c.byteLength) : null,
      createdAt: now,
      expiresAt: now + ticket.ttlSeconds * 1000,
    });
  }

  /** Passes a stream on unchanged while keeping its chunks; stores them when it ended as a complete answer. */
  #recording(ticket: CacheTicket, source: ReadableStream<Uint8Array>, contentType: string, outcome: FinishedOutcome, maxBytes: number): ReadableStream<Uint8Array> {
    const reader = source.getReader();
    let chunks: Uint8Array[] | null = [];
    let size = 0;
    let settled = false;
    const settle = (complete: boolean) => {
      if (settled) return;
      settled = true;
      // The relay finishes the request record before it closes the stream, so the outcome is known here.
      if (complete && chunks !== null && outcome.status === 200 && outcome.error === null) this.#store(ticket, contentType, chunks);
      else this.#counts.skipped++;
      chunks = null;
    };
    return new ReadableStream<Uint8Array>({
      async pull(controller) {
        let next: Awaited<ReturnType<typeof reader.read>>;
        try {
          next = await reader.read();
        } catch (error) {
          settle(false);
          controller.error(error);
          return;
        }
        if (next.done) {
          controller.close();
          settle(true);
          return;
        }
        const value = next.value;
        if (chunks !== null && value.byteLength > 0) {
          size += value.byteLength;
          // Too large to keep: stop recording, keep relaying.
          if (size > maxBytes) chunks = null;
          else chunks.push(value);
        }
        controller.enqueue(value);
      },
      async cancel(reason) {
        await reader.cancel(reason).catch(() => {});
        // Clients such as the openai SDK hang up right after the final frame: that answer is complete when the
        // request was logged as such and the last recorded chunk holds the format's end frame.
        const marker = WIRE_FORMATS[ticket.format].streamEndMarker;
        const last = chunks?.at(-1);
        settle(marker !== null && last !== undefined && decoder.decode(last).includes(marker));
      },
    });
  }

  /** Memory insert (or replace), then evict least recently used entries down to the byte bound. */
  #remember(answer: CachedAnswer, maxBytes: number): void {
    const existing = this.#memory.get(answer.key);
    if (existing) {
      this.#memory.delete(answer.key);
      this.#memoryBytes -= existing.size;
    }
    const size = entrySize(answer);
    if (size > maxBytes) return;
    this.#memory.set(answer.key, { answer, size });
    this.#memoryBytes += size;
    for (const [key, entry] of this.#memory) {
      if (this.#memoryBytes <= maxBytes) break;
      this.#memory.delete(key);
      this.#memoryBytes -= entry.size;
      this.#counts.evictions++;
    }
  }

  #forget(key: string): void {
    const entry = this.#memory.get(key);
    if (entry) {
      this.#memory.delete(key);
      this.#memoryBytes -= entry.size;
    }
    this.#pendingPuts.delete(key);
    if (this.options.dataDir !== null) {
      this.#pendingDeletes.add(key);
      this.#scheduleFlush();
    }
  }

  #read(key: string): CachedAnswer | null {
    const repo = this.#repoOrNull(false);
    if (!repo) return null;
    try {
      return repo.get(key);
    } catch (error) {
      log.error("read failed", { error });
      return null;
    }
  }

  /** The SQLite file, opened on first need; `create` false opens it only if it already exists. */
  #repoOrNull(create: boolean): ResponseCacheRepo | null {
    if (this.#repo) return this.#repo;
    const dataDir = this.options.dataDir;
    if (dataDir === null || this.#repoFailed) return null;
    if (!create && !existsSync(join(dataDir, RESPONSE_CACHE_FILE))) return null;
    try {
      this.#repo = ResponseCacheRepo.open(dataDir);
    } catch (error) {
      this.#repoFailed = true;
      log.error("cache file unusable; keeping answers in memory only", { error });
    }
    return this.#repo;
  }
}

/** Within its own expiry and within the TTL the request's key or combo asks for now (a shortened TTL applies at once). */
function isFresh(answer: CachedAnswer, ttlSeconds: number, now: number): boolean {
  return now < answer.expiresAt && now < answer.createdAt + ttlSeconds * 1000;
}
