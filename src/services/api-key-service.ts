import { z } from "zod";
import { apiKeyDisplayPrefix, constantTimeEqualHex, generateApiKey, hashApiKey } from "../security/api-key";
import { KeyRateGate, keyRateLimitSchema, type KeyRateLimit } from "../security/key-rate-limit";
import { KeyScope, keyPermissionsSchema, type KeyPermissions, type KeyPermissionsInput } from "../security/key-scope";
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

const expiresAtSchema = z.iso
  .datetime({ offset: true })
  .nullable()
  .describe("When the key stops working (ISO 8601); null = never");

/** Fields a key may be created or edited with; the secret itself is never an input. */
const apiKeyFields = {
  name: z.string().min(1).max(100).describe("What this key is for, e.g. `laptop claude code`"),
  cacheTtlSeconds: cacheTtlSchema.optional(),
  permissions: keyPermissionsSchema.optional(),
  expiresAt: expiresAtSchema.optional(),
  rateLimit: keyRateLimitSchema.nullable().optional().describe("The key's own request limit; null = none"),
};

export const apiKeyCreateSchema = z.object(apiKeyFields).strict();
export type ApiKeyCreate = z.infer<typeof apiKeyCreateSchema>;

export const apiKeyUpdateSchema = z.object({ ...apiKeyFields, name: apiKeyFields.name.optional() }).strict();
export type ApiKeyUpdate = z.infer<typeof apiKeyUpdateSchema>;

export const apiKeyViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
  cacheTtlSeconds: z.number().nullable(),
  permissions: z.object({ allow: z.array(z.string()).nullable(), blockedProviders: z.array(z.string()) }),
  expiresAt: z.string().nullable(),
  expired: z.boolean(),
  rateLimit: z.object({ rpm: z.number() }).nullable(),
});
export type ApiKeyView = z.infer<typeof apiKeyViewSchema>;

const MAX_VERIFIED_KEYS = 1024;

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

const ALL_MODELS: KeyPermissions = { allow: null, blockedProviders: [] };

/** Stored permissions JSON → permissions; a row that cannot be read allows nothing (fail closed). */
function readPermissions(json: string | null): KeyPermissions {
  if (json === null) return ALL_MODELS;
  try {
    return keyPermissionsSchema.parse(JSON.parse(json));
  } catch {
    return { allow: [], blockedProviders: [] };
  }
}

function readRateLimit(json: string | null): KeyRateLimit | null {
  if (json === null) return null;
  try {
    const parsed = keyRateLimitSchema.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Permissions for storage: "everything" is stored as null so the common key has no scope to compile. */
function storedPermissions(permissions: KeyPermissionsInput | undefined): string | null {
  if (permissions === undefined) return null;
  const parsed = keyPermissionsSchema.parse(permissions);
  return KeyScope.unrestricted(parsed) ? null : JSON.stringify(parsed);
}

const storedExpiry = (expiresAt: string | null | undefined): number | null => (expiresAt ? Date.parse(expiresAt) : null);

export class ApiKeyError extends Error {
  override name = "ApiKeyError";
}

/**
 * Client API keys: shown once at creation, stored as SHA-256, checked against an in-memory index.
 * Last-use times are collected in memory and written in batches, never on the request path.
 * Restricted keys carry a compiled scope, expiring keys an expiry, limited keys a ring in the rate gate; the
 * common key has none of them, so the request path pays map lookups on empty maps.
 */
export class ApiKeyService {
  #activeByHash = new Map<string, { id: string; hash: string }>();
  /** Presented key → key id, for keys that were verified since the last reload. */
  #verified = new Map<string, string>();
  #pendingLastUsed = new Map<string, number>();
  /** Told when a last-use time starts waiting to be written (the log writer then schedules a flush). */
  #onLastUsedPending: (() => void) | null = null;
  #cacheTtls: ReadonlyMap<string, number> = new Map();
  #scopes: ReadonlyMap<string, KeyScope> = new Map();
  #expiries: ReadonlyMap<string, number> = new Map();
  /** Per-key request limits, consulted by the dispatcher as a request gate (start-gateway attaches it). */
  readonly rateGate = new KeyRateGate();

  constructor(private readonly repo: ApiKeysRepo) {
    this.reload();
  }

  reload(): void {
    this.#verified.clear();
    const active = this.repo.listActive();
    this.#activeByHash = new Map(active.map((row) => [row.keyHash, { id: row.id, hash: row.keyHash }]));
    this.#cacheTtls = new Map(active.flatMap((row) => (row.cacheTtlSeconds ? [[row.id, row.cacheTtlSeconds] as const] : [])));
    this.#scopes = new Map(active.flatMap((row) => (row.permissionsJson !== null ? [[row.id, new KeyScope(readPermissions(row.permissionsJson))] as const] : [])));
    this.#expiries = new Map(active.flatMap((row) => (row.expiresAt !== null ? [[row.id, row.expiresAt] as const] : [])));
    const limits = new Map<string, KeyRateLimit>();
    for (const row of active) {
      const limit = readRateLimit(row.rateLimitJson);
      if (limit) limits.set(row.id, limit);
    }
    this.rateGate.configure(limits);
  }

  /** Active keys that opted in to the response cache → their TTL in seconds (empty when none did: the hot path reads `size`). */
  get cacheTtls(): ReadonlyMap<string, number> {
    return this.#cacheTtls;
  }

  /** The compiled permissions of a restricted key; undefined for a key that may use everything (or no key). */
  scopeOf(keyId: string | null): KeyScope | undefined {
    return keyId === null || this.#scopes.size === 0 ? undefined : this.#scopes.get(keyId);
  }

  /** True when at least one unrevoked key exists: then every API call needs one. */
  hasActiveKeys(): boolean {
    return this.#activeByHash.size > 0;
  }

  activeCount(): number {
    return this.#activeByHash.size;
  }

  /** Returns the key id for a valid, unexpired presented key, else null. */
  authenticate(presented: string, now = Date.now()): string | null {
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
    if (this.#expiries.size > 0) {
      const expiresAt = this.#expiries.get(id);
      if (expiresAt !== undefined && expiresAt <= now) return null;
    }
    if (this.#pendingLastUsed.size === 0) this.#onLastUsedPending?.();
    this.#pendingLastUsed.set(id, now);
    return id;
  }

  /** For a refused key: when it expired, if it is a real key that did (so the client hears why). */
  expiredAt(presented: string): number | null {
    const entry = this.#activeByHash.get(hashApiKey(presented));
    return entry ? (this.#expiries.get(entry.id) ?? null) : null;
  }

  create(
    name: string,
    options: { key?: string; id?: string; now?: number } & Partial<Omit<ApiKeyCreate, "name">> = {},
  ): ApiKeyView & { key: string } {
    const key = options.key ?? generateApiKey();
    const now = options.now ?? Date.now();
    const expiresAt = storedExpiry(options.expiresAt);
    if (expiresAt !== null && expiresAt <= now) throw new ApiKeyError("expiresAt is in the past: a key must expire in the future (or be null for never).");
    const row = this.repo.insert({
      id: options.id ?? newId("key"),
      name,
      prefix: apiKeyDisplayPrefix(key),
      keyHash: hashApiKey(key),
      createdAt: now,
      cacheTtlSeconds: normalizeCacheTtl(options.cacheTtlSeconds),
      permissionsJson: storedPermissions(options.permissions),
      expiresAt,
      rateLimitJson: options.rateLimit ? JSON.stringify(options.rateLimit) : null,
    });
    this.reload();
    return { ...this.view(row), key };
  }

  /** Changes a key's name, cache opt-in, permissions, expiry or rate limit; undefined when it does not exist. */
  update(id: string, patch: ApiKeyUpdate, now = Date.now()): ApiKeyView | undefined {
    const next: Parameters<ApiKeysRepo["update"]>[1] = {};
    if (patch.name !== undefined) next.name = patch.name;
    if (patch.cacheTtlSeconds !== undefined) next.cacheTtlSeconds = normalizeCacheTtl(patch.cacheTtlSeconds);
    if (patch.permissions !== undefined) next.permissionsJson = storedPermissions(patch.permissions);
    if (patch.expiresAt !== undefined) {
      next.expiresAt = storedExpiry(patch.expiresAt);
      if (next.expiresAt !== null && next.expiresAt <= now) throw new ApiKeyError("expiresAt is in the past: set a future time, or null for never.");
    }
    if (patch.rateLimit !== undefined) next.rateLimitJson = patch.rateLimit ? JSON.stringify(patch.rateLimit) : null;
    const row = Object.keys(next).length > 0 ? this.repo.update(id, next) : this.repo.get(id);
    if (!row) return undefined;
    this.reload();
    return this.view(row);
  }

  /** Imports a key known only by its hash (config import). */
  importHashed(row: {
    id: string;
    name: string;
    prefix: string;
    keyHash: string;
    createdAt: number;
    revokedAt: number | null;
    cacheTtlSeconds?: number | null;
    permissions?: KeyPermissionsInput;
    expiresAt?: string | null;
    rateLimit?: KeyRateLimit | null;
  }): void {
    this.repo.insert({
      id: row.id,
      name: row.name,
      prefix: row.prefix,
      keyHash: row.keyHash,
      createdAt: row.createdAt,
      revokedAt: row.revokedAt,
      lastUsedAt: null,
      cacheTtlSeconds: normalizeCacheTtl(row.cacheTtlSeconds),
      permissionsJson: storedPermissions(row.permissions),
      expiresAt: storedExpiry(row.expiresAt),
      rateLimitJson: row.rateLimit ? JSON.stringify(row.rateLimit) : null,
    });
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
  /** `listener` runs when last-use times start waiting for flushLastUsed (the gateway wakes its log writer). */
  onLastUsedPending(listener: () => void): void {
    this.#onLastUsedPending = listener;
  }

  flushLastUsed(): void {
    if (this.#pendingLastUsed.size === 0) return;
    const entries = [...this.#pendingLastUsed];
    this.#pendingLastUsed.clear();
    this.repo.touchLastUsed(entries);
  }

  view(row: ApiKeyRow, now = Date.now()): ApiKeyView {
    return {
      id: row.id,
      name: row.name,
      prefix: row.prefix,
      createdAt: new Date(row.createdAt).toISOString(),
      lastUsedAt: iso(this.#pendingLastUsed.get(row.id) ?? row.lastUsedAt),
      revokedAt: iso(row.revokedAt),
      cacheTtlSeconds: row.cacheTtlSeconds,
      permissions: readPermissions(row.permissionsJson),
      expiresAt: iso(row.expiresAt),
      expired: row.expiresAt !== null && row.expiresAt <= now,
      rateLimit: readRateLimit(row.rateLimitJson),
    };
  }
}
