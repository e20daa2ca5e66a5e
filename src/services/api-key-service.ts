import { z } from "zod";
import { apiKeyDisplayPrefix, constantTimeEqualHex, generateApiKey, hashApiKey } from "../security/api-key";
import type { ApiKeyRow, ApiKeysRepo } from "../store/repos/api-keys-repo";
import { newId } from "../util/ids";

/** Longest response-cache TTL a key or combo may ask for: 30 days. */
export const MAX_CACHE_TTL_SECONDS = 30 * 24 * 3600;

/** A response-cache opt-in: seconds a deterministic answer is kept; null or 0 = not cached. */
export const cacheTtlSchema = z
  .number()
  .int()
  .min(0)
  .max(MAX_CACHE_TTL_SECONDS)
  .nullable()
  .describe("Response cache: seconds deterministic (temperature 0) answers are replayed; null or 0 = off");

/** 0 and null both mean "not cached"; stored as null. */
export const normalizeCacheTtl = (ttl: number | null | undefined): number | null => (ttl ? ttl : null);

export const apiKeyCreateSchema = z
  .object({
    name: z.string().min(1).max(100).describe("What this key is for, e.g. `laptop claude code`"),
    cacheTtlSeconds: cacheTtlSchema.optional(),
  })
  .strict();

export const apiKeyUpdateSchema = z
  .object({
    name: z.string().min(1).max(100).optional(),
    cacheTtlSeconds: cacheTtlSchema.optional(),
  })
  .strict();
export type ApiKeyUpdate = z.infer<typeof apiKeyUpdateSchema>;

export const apiKeyViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
  cacheTtlSeconds: z.number().nullable(),
});
export type ApiKeyView = z.infer<typeof apiKeyViewSchema>;

const MAX_VERIFIED_KEYS = 1024;

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/**
 * Client API keys: shown once at creation, stored as SHA-256, checked against an in-memory index.
 * Last-use times are collected in memory and written in batches, never on the request path.
 */
export class ApiKeyService {
  #activeByHash = new Map<string, { id: string; hash: string }>();
  /** Presented key → key id, for keys that were verified since the last reload. */
  #verified = new Map<string, string>();
  #pendingLastUsed = new Map<string, number>();
  #cacheTtls: ReadonlyMap<string, number> = new Map();

  constructor(private readonly repo: ApiKeysRepo) {
    this.reload();
  }

  reload(): void {
    this.#verified.clear();
    const active = this.repo.listActive();
    this.#activeByHash = new Map(active.map((row) => [row.keyHash, { id: row.id, hash: row.keyHash }]));
    this.#cacheTtls = new Map(active.flatMap((row) => (row.cacheTtlSeconds ? [[row.id, row.cacheTtlSeconds] as const] : [])));
  }

  /** Active keys that opted in to the response cache → their TTL in seconds (empty when none did: the hot path reads `size`). */
  get cacheTtls(): ReadonlyMap<string, number> {
    return this.#cacheTtls;
  }

  /** True when at least one unrevoked key exists: then every API call needs one. */
  hasActiveKeys(): boolean {
    return this.#activeByHash.size > 0;
  }

  activeCount(): number {
    return this.#activeByHash.size;
  }

  /** Returns the key id for a valid presented key, else null. */
  authenticate(presented: string): string | null {
    // Keys already verified skip the SHA-256 (≈ 3 % of a pass-through request's CPU). Only keys that matched are
    // remembered, so guesses never grow the map; any change to the keys (revoke, import, reload) empties it.
    let id = this.#verified.get(presented);
    if (id === undefined) {
      const hash = hashApiKey(presented);
      const entry = this.#activeByHash.get(hash);
      // The map lookup narrows candidates; the final comparison runs in constant time.
      if (!entry || !constantTimeEqualHex(entry.hash, hash)) return null;
      id = entry.id;
      if (this.#verified.size >= MAX_VERIFIED_KEYS) this.#verified.clear();
      this.#verified.set(presented, id);
    }
    this.#pendingLastUsed.set(id, Date.now());
    return id;
  }

  create(name: string, options: { key?: string; id?: string; now?: number; cacheTtlSeconds?: number | null } = {}): ApiKeyView & { key: string } {
    const key = options.key ?? generateApiKey();
    const row = this.repo.insert({
      id: options.id ?? newId("key"),
      name,
      prefix: apiKeyDisplayPrefix(key),
      keyHash: hashApiKey(key),
      createdAt: options.now ?? Date.now(),
      cacheTtlSeconds: normalizeCacheTtl(options.cacheTtlSeconds),
    });
    this.reload();
    return { ...this.view(row), key };
  }

  /** Renames a key or changes its response-cache opt-in; undefined when it does not exist. */
  update(id: string, patch: ApiKeyUpdate): ApiKeyView | undefined {
    const next: { name?: string; cacheTtlSeconds?: number | null } = {};
    if (patch.name !== undefined) next.name = patch.name;
    if (patch.cacheTtlSeconds !== undefined) next.cacheTtlSeconds = normalizeCacheTtl(patch.cacheTtlSeconds);
    const row = Object.keys(next).length > 0 ? this.repo.update(id, next) : this.repo.get(id);
    if (!row) return undefined;
    this.reload();
    return this.view(row);
  }

  /** Imports a key known only by its hash (config import). */
  importHashed(row: { id: string; name: string; prefix: string; keyHash: string; createdAt: number; revokedAt: number | null; cacheTtlSeconds?: number | null }): void {
    this.repo.insert({ ...row, lastUsedAt: null, cacheTtlSeconds: normalizeCacheTtl(row.cacheTtlSeconds) });
    this.reload();
  }

  revoke(id: string): boolean {
    const row = this.repo.get(id);
    if (!row) return false;
    if (row.revokedAt === null) this.repo.revoke(id, Date.now());
    this.reload();
    return true;
  }

  list(): ApiKeyView[] {
    return this.repo.list().map((row) => this.view(row));
  }

  rows(): ApiKeyRow[] {
    return this.repo.list();
  }

  /** Writes collected last-use times; called by the background flusher. */
  flushLastUsed(): void {
    if (this.#pendingLastUsed.size === 0) return;
    const entries = [...this.#pendingLastUsed];
    this.#pendingLastUsed.clear();
    this.repo.touchLastUsed(entries);
  }

  view(row: ApiKeyRow): ApiKeyView {
    return {
      id: row.id,
      name: row.name,
      prefix: row.prefix,
      createdAt: new Date(row.createdAt).toISOString(),
      lastUsedAt: iso(this.#pendingLastUsed.get(row.id) ?? row.lastUsedAt),
      revokedAt: iso(row.revokedAt),
      cacheTtlSeconds: row.cacheTtlSeconds,
    };
  }
}
