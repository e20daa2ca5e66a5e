import { z } from "zod";
import { apiKeyDisplayPrefix, constantTimeEqualHex, generateApiKey, hashApiKey } from "../security/api-key";
import type { ApiKeyRow, ApiKeysRepo } from "../store/repos/api-keys-repo";
import { newId } from "../util/ids";

export const apiKeyCreateSchema = z
  .object({ name: z.string().min(1).max(100).describe("What this key is for, e.g. `laptop claude code`") })
  .strict();

export const apiKeyViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});
export type ApiKeyView = z.infer<typeof apiKeyViewSchema>;

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/**
 * Client API keys: shown once at creation, stored as SHA-256, checked against an in-memory index.
 * Last-use times are collected in memory and written in batches, never on the request path.
 */
export class ApiKeyService {
  #activeByHash = new Map<string, { id: string; hash: string }>();
  #pendingLastUsed = new Map<string, number>();

  constructor(private readonly repo: ApiKeysRepo) {
    this.reload();
  }

  reload(): void {
    this.#activeByHash = new Map(this.repo.listActive().map((row) => [row.keyHash, { id: row.id, hash: row.keyHash }]));
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
    const hash = hashApiKey(presented);
    const entry = this.#activeByHash.get(hash);
    // The map lookup narrows candidates; the final comparison runs in constant time.
    if (!entry || !constantTimeEqualHex(entry.hash, hash)) return null;
    this.#pendingLastUsed.set(entry.id, Date.now());
    return entry.id;
  }

  create(name: string, options: { key?: string; id?: string; now?: number } = {}): ApiKeyView & { key: string } {
    const key = options.key ?? generateApiKey();
    const row = this.repo.insert({
      id: options.id ?? newId("key"),
      name,
      prefix: apiKeyDisplayPrefix(key),
      keyHash: hashApiKey(key),
      createdAt: options.now ?? Date.now(),
    });
    this.reload();
    return { ...this.view(row), key };
  }

  /** Imports a key known only by its hash (config import). */
  importHashed(row: { id: string; name: string; prefix: string; keyHash: string; createdAt: number; revokedAt: number | null }): void {
    this.repo.insert({ ...row, lastUsedAt: null });
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
    };
  }
}
