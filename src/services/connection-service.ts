import { z } from "zod";
import { createLogger } from "../logging/logger";
import { oauthAccountInfoSchema, tokenSetSchema, type OAuthAccountInfo, type TokenSet } from "../oauth/oauth-types";
import { executorFor, type ProviderExecutor } from "../providers/executors";
import { FORMAT_ENDPOINTS } from "../providers/format-endpoints";
import type { ProviderDefinition } from "../providers/provider-schema";
import type { ProviderRegistry } from "../providers/provider-registry";
import { parseQuotaJson, quotaJsonOf, quotaWindowsSchema, type QuotaWindow } from "../quota/quota-config";
import type { MasterKeyGuard } from "../security/master-key";
import type { HostLookup } from "../security/outbound-address";
import type { SecretBox } from "../security/secret-box";
import { checkUpstreamHostResolution, validateUpstreamBaseUrl } from "../security/upstream-url";
import type { ConnectionRow, ConnectionsRepo } from "../store/repos/connections-repo";
import { newId } from "../util/ids";

const aliasSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9.-]{0,31}$/, "alias must be 1-32 lowercase letters, digits, '.' or '-'");
const modelsSchema = z.array(z.string().min(1).max(200)).max(1000);

export const connectionCreateSchema = z
  .object({
    providerId: z.string().min(1).describe("Provider id from GET /api/providers, e.g. `deepseek` or `openai-compatible`"),
    name: z.string().min(1).max(100).optional().describe("Display name; defaults to the provider name"),
    apiKey: z.string().min(1).max(4096).optional().describe("Provider API key; stored encrypted, never returned"),
    baseUrl: z.string().max(2048).optional().describe("Overrides the provider's base URL (required for openai-compatible)"),
    alias: aliasSchema.optional().describe("Model prefix for this connection (openai-compatible endpoints)"),
    enabled: z.boolean().optional(),
    priority: z.number().int().min(-1000).max(1000).optional().describe("Lower is tried first"),
    models: modelsSchema.optional().describe("Model ids this connection serves; defaults to the provider's list"),
    quota: quotaWindowsSchema.optional().describe("Quota windows of this account (see PUT /api/connections/{id}/quota)"),
  })
  .strict();
export type ConnectionCreate = z.infer<typeof connectionCreateSchema>;

export const connectionUpdateSchema = z
  .object({
    name: z.string().min(1).max(100).optional(),
    apiKey: z.string().min(1).max(4096).nullable().optional(),
    baseUrl: z.string().max(2048).nullable().optional(),
    alias: aliasSchema.nullable().optional(),
    enabled: z.boolean().optional(),
    priority: z.number().int().min(-1000).max(1000).optional(),
    models: modelsSchema.nullable().optional(),
    quota: quotaWindowsSchema.nullable().optional(),
  })
  .strict();
export type ConnectionUpdate = z.infer<typeof connectionUpdateSchema>;

export const connectionViewSchema = z.object({
  id: z.string(),
  providerId: z.string(),
  name: z.string(),
  alias: z.string().nullable(),
  baseUrl: z.string().nullable(),
  enabled: z.boolean(),
  priority: z.number(),
  hasApiKey: z.boolean(),
  apiKeyPreview: z.string().nullable(),
  models: z.array(z.string()).nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  lastTest: z
    .object({ at: z.string(), ok: z.boolean(), latencyMs: z.number(), error: z.string().optional() })
    .nullable(),
  quota: quotaWindowsSchema.nullable().describe("The account's quota windows; usage is in GET /api/quota"),
  auth: z
    .discriminatedUnion("kind", [
      z.object({ kind: z.literal("api-key") }),
      z.object({
        kind: z.literal("oauth"),
        state: z.enum(["ok", "needs-reauth"]),
        error: z.string().nullable(),
        expiresAt: z.string().nullable().describe("When the current access token expires; it is refreshed before"),
        account: oauthAccountInfoSchema,
      }),
    ])
    .describe("How the account authenticates: an API key, or a subscription over OAuth (never a token)"),
});
export type ConnectionView = z.infer<typeof connectionViewSchema>;

/** What the hot path needs about a connection, decrypted and precomputed once per change. */
export interface ConnectionRuntime {
  id: string;
  name: string;
  provider: ProviderDefinition;
  alias: string | null;
  enabled: boolean;
  priority: number;
  /** Effective base URL without trailing slash. */
  baseUrl: string;
  /** Generation endpoint, precomputed when it does not depend on the request (all formats but Gemini). */
  chatUrl: string;
  /** Generation endpoint for a model and mode (Gemini puts both in the path). */
  generateUrl(model: string, stream: boolean): string;
  /** The upstream's own token-counting endpoint, when its format has one. */
  countTokensUrl: ((model: string) => string) | null;
  modelsUrl: string;
  /** Origin of the base URL (scheme://host:port), used for connection warmth tracking. */
  origin: string;
  apiKey: string | null;
  /** Upstream request headers (auth, content type, provider extras), built once. */
  headers: Record<string, string>;
  /** Models served: the connection's own list, else the provider's defaults. */
  models: string[];
  /** The account's quota windows (none when absent). */
  quota?: readonly QuotaWindow[];
  /**
   * OAuth accounts only (null for API-key connections — the request path's one check): when `apiKey`, the current
   * access token, expires (null = unknown), and the token set's provider-specific values (may hold secrets).
   */
  oauth: { expiresAt: number | null; extra: Readonly<Record<string, string>> } | null;
  /** `needs-reauth` when the provider refused the refresh token: routing skips the account until it reconnects. */
  authState: AuthState | null;
  /** Request shaping of subscription providers (src/providers/executors); null for every API-key provider. */
  executor: ProviderExecutor | null;
}

export type AuthState = "needs-reauth";

/** What `connections.oauth_meta_json` holds: showable account facts and the token's expiry, never a secret. */
const oauthMetaSchema = oauthAccountInfoSchema.extend({ expiresAt: z.number().nullable().default(null) });
type OAuthMeta = z.infer<typeof oauthMetaSchema>;

function parseOAuthMeta(json: string | null): OAuthMeta {
  if (!json) return { expiresAt: null };
  const parsed = oauthMetaSchema.safeParse(JSON.parse(json));
  return parsed.success ? parsed.data : { expiresAt: null };
}

function oauthMetaJson(tokens: TokenSet, account: OAuthAccountInfo): string {
  const info = oauthAccountInfoSchema.parse(account);
  return JSON.stringify({ ...info, expiresAt: tokens.expiresAt } satisfies OAuthMeta);
}

/** A new OAuth account (src/oauth/oauth-flows.ts creates it when a flow completes). */
export interface OAuthConnectionCreate {
  providerId: string;
  name: string;
  tokens: TokenSet;
  account: OAuthAccountInfo;
}

export class ConnectionValidationError extends Error {
  override name = "ConnectionValidationError";
  constructor(
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

const log = createLogger("connections");

const STALE_KEY_MESSAGE =
  "The master key was rotated by another process (omniroute secret rotate) and this process still runs with the old " +
  "OMNIROUTE_SECRET. Restart OmniRoute with the new secret before changing connections; requests are served meanwhile.";

function parseModels(json: string | null): string[] | null {
  return json ? (JSON.parse(json) as string[]) : null;
}

/** Connections (accounts) per provider: validation, encryption at rest, and the decrypted in-memory view. */
export class ConnectionService {
  #runtime: ConnectionRuntime[] = [];
  #listeners: Array<() => void> = [];
  #warnedStale = false;

  constructor(
    private readonly repo: ConnectionsRepo,
    private readonly registry: ProviderRegistry,
    private readonly secretBox: SecretBox,
    /** Keeps this process on the database's master key while `omniroute secret rotate` runs beside it. */
    private readonly keyGuard?: MasterKeyGuard,
  ) {
    this.reload();
  }

  /**
   * A write that stores or re-reads secrets: under the database write lock, after making sure the key in memory
   * is the one the database uses (following a rotation of the key file), so nothing is encrypted with a retired key.
   */
  #write<T>(work: () => T): T {
    const guard = this.keyGuard;
    if (!guard) return work();
    return guard.exclusive(() => {
      if (guard.follow() === "stale") throw new ConnectionValidationError(STALE_KEY_MESSAGE, 409);
      return work();
    });
  }

  onChange(listener: () => void): void {
    this.#listeners.push(listener);
  }

  /** Rebuilds the runtime view from the store (after a change here or by another process). */
  reload(): void {
    // Secrets re-encrypted under a key this process cannot learn: keep the decrypted view it has, serve on.
    if (this.keyGuard?.follow() === "stale") {
      if (!this.#warnedStale) log.error(STALE_KEY_MESSAGE);
      this.#warnedStale = true;
      return;
    }
    this.#runtime = this.repo.list().flatMap((row) => {
      const runtime = this.#toRuntime(row);
      return runtime ? [runtime] : [];
    });
    for (const listener of this.#listeners) listener();
  }

  runtime(): readonly ConnectionRuntime[] {
    return this.#runtime;
  }

  list(): ConnectionView[] {
    return this.repo.list().map((row) => this.view(row));
  }

  get(id: string): ConnectionView | undefined {
    const row = this.repo.get(id);
    return row ? this.view(row) : undefined;
  }

  getRuntime(id: string): ConnectionRuntime | undefined {
    return this.#runtime.find((c) => c.id === id);
  }

  /**
   * Save-time DNS check of a base URL (see checkUpstreamHostResolution): call before create/update where the
   * caller can wait (the API routes, config import); create/update stay synchronous for transactions.
   */
  async checkBaseUrlHost(baseUrl: string | null | undefined, lookup?: HostLookup): Promise<void> {
    if (!baseUrl) return;
    const checked = validateUpstreamBaseUrl(baseUrl);
    if (!checked.ok) throw new ConnectionValidationError(checked.reason);
    const resolved = await checkUpstreamHostResolution(checked.url, lookup);
    if (!resolved.ok) throw new ConnectionValidationError(resolved.reason);
  }

  /** `create` after the base URL's host was resolved and checked. */
  async createChecked(input: ConnectionCreate, options: { id?: string; now?: number; lookup?: HostLookup } = {}): Promise<ConnectionView> {
    await this.checkBaseUrlHost(input.baseUrl, options.lookup);
    return this.create(input, options);
  }

  /** `update` after a new base URL's host was resolved and checked. */
  async updateChecked(id: string, patch: ConnectionUpdate, options: { lookup?: HostLookup } = {}): Promise<ConnectionView> {
    await this.checkBaseUrlHost(patch.baseUrl, options.lookup);
    return this.update(id, patch);
  }

  create(input: ConnectionCreate, options: { id?: string; now?: number } = {}): ConnectionView {
    return this.#write(() => this.#create(input, options));
  }

  #create(input: ConnectionCreate, options: { id?: string; now?: number }): ConnectionView {
    const provider = this.registry.get(input.providerId);
    if (!provider) {
      throw new ConnectionValidationError(`Unknown provider "${input.providerId}". GET /api/providers lists the provider ids.`);
    }
    if (provider.oauth) {
      throw new ConnectionValidationError(
        `Provider ${provider.name} connects with a sign-in, not an API key: start it with POST /api/oauth/${provider.id}/start (the Connect button on the Providers page).`,
      );
    }
    const baseUrl = this.#checkBaseUrl(provider, input.baseUrl ?? null);
    if (!provider.apiKeyOptional && !input.apiKey) {
      throw new ConnectionValidationError(`Provider ${provider.name} needs an API key ("apiKey").`);
    }
    const alias = input.alias ?? null;
    // A user-defined endpoint has no catalog aliases: its own alias is how clients name its models.
    if (provider.requiresBaseUrl && alias === null) {
      throw new ConnectionValidationError(`Provider ${provider.name} needs an alias ("alias"): clients call its models as "<alias>/<model>".`);
    }
    this.#checkAlias(alias, null);
    const now = options.now ?? Date.now();
    const row = this.repo.insert({
      id: options.id ?? newId("conn"),
      providerId: provider.id,
      name: input.name ?? provider.name,
      alias,
      baseUrl,
      apiKeyEncrypted: input.apiKey ? this.secretBox.encrypt(input.apiKey) : null,
      apiKeyHint: input.apiKey ? input.apiKey.slice(-4) : null,
      enabled: input.enabled ?? true,
      priority: input.priority ?? 0,
      modelsJson: input.models ? JSON.stringify(input.models) : null,
      quotaJson: quotaJsonOf(input.quota),
      createdAt: now,
      updatedAt: now,
    });
    this.reload();
    return this.view(row);
  }

  update(id: string, patch: ConnectionUpdate): ConnectionView {
    return this.#write(() => this.#update(id, patch));
  }

  #update(id: string, patch: ConnectionUpdate): ConnectionView {
    const current = this.repo.get(id);
    if (!current) throw new ConnectionValidationError(`Connection ${id} does not exist.`, 404);
    const provider = this.registry.get(current.providerId);
    if (!provider) throw new ConnectionValidationError(`Connection ${id} uses unknown provider ${current.providerId}.`, 409);
    const next: Partial<ConnectionRow> = { updatedAt: Date.now() };
    if (patch.name !== undefined) next.name = patch.name;
    if (patch.enabled !== undefined) next.enabled = patch.enabled;
    if (patch.priority !== undefined) next.priority = patch.priority;
    if (patch.baseUrl !== undefined) next.baseUrl = this.#checkBaseUrl(provider, patch.baseUrl);
    if (patch.alias !== undefined) {
      if (patch.alias === null && provider.requiresBaseUrl) throw new ConnectionValidationError(`Provider ${provider.name} needs an alias.`);
      this.#checkAlias(patch.alias, id);
      next.alias = patch.alias;
    }
    if (patch.models !== undefined) next.modelsJson = patch.models ? JSON.stringify(patch.models) : null;
    if (patch.quota !== undefined) next.quotaJson = quotaJsonOf(patch.quota);
    if (patch.apiKey !== undefined) {
      if (current.oauthEncrypted !== null) {
        throw new ConnectionValidationError(`Connection ${current.name} signs in with OAuth; it has no API key. Use POST /api/connections/${id}/reconnect to sign in again.`);
      }
      if (patch.apiKey === null && !provider.apiKeyOptional) {
        throw new ConnectionValidationError(`Provider ${provider.name} needs an API key; it cannot be removed.`);
      }
      next.apiKeyEncrypted = patch.apiKey ? this.secretBox.encrypt(patch.apiKey) : null;
      next.apiKeyHint = patch.apiKey ? patch.apiKey.slice(-4) : null;
    }
    const row = this.repo.update(id, next)!;
    this.reload();
    return this.view(row);
  }

  delete(id: string): boolean {
    return this.#write(() => {
      const deleted = this.repo.delete(id);
      if (deleted) this.reload();
      return deleted;
    });
  }

  recordTest(id: string, result: { ok: boolean; latencyMs: number; error?: string }, discoveredModels?: string[]): void {
    this.#write(() => this.#recordTest(id, result, discoveredModels));
  }

  #recordTest(id: string, result: { ok: boolean; latencyMs: number; error?: string }, discoveredModels?: string[]): void {
    const current = this.repo.get(id);
    if (!current) return;
    const patch: Partial<ConnectionRow> = {
      lastTestAt: Date.now(),
      lastTestOk: result.ok,
      lastTestLatencyMs: Math.round(result.latencyMs),
      lastTestError: result.error ?? null,
    };
    // Local servers have no default model list: remember what they reported so /v1/models can list it.
    const provider = this.registry.get(current.providerId);
    if (discoveredModels && current.modelsJson === null && provider && provider.models.length === 0) {
      patch.modelsJson = JSON.stringify(discoveredModels.slice(0, 1000));
    }
    this.repo.update(id, patch);
    this.reload();
  }

  /** A new OAuth account from the token set a flow obtained (encrypted under the master key, like API keys). */
  createOAuth(input: OAuthConnectionCreate, options: { id?: string; now?: number } = {}): ConnectionView {
    return this.#write(() => {
      const provider = this.registry.get(input.providerId);
      if (!provider) throw new ConnectionValidationError(`Unknown provider "${input.providerId}". GET /api/providers lists the provider ids.`);
      const tokens = tokenSetSchema.parse(input.tokens);
      const now = options.now ?? Date.now();
      const row = this.repo.insert({
        id: options.id ?? newId("conn"),
        providerId: provider.id,
        name: input.name.slice(0, 100),
        alias: null,
        baseUrl: null,
        apiKeyEncrypted: null,
        apiKeyHint: null,
        enabled: true,
        priority: 0,
        modelsJson: null,
        quotaJson: null,
        oauthEncrypted: this.secretBox.encrypt(JSON.stringify(tokens)),
        oauthMetaJson: oauthMetaJson(tokens, input.account),
        authState: null,
        authError: null,
        createdAt: now,
        updatedAt: now,
      });
      this.reload();
      return this.view(row);
    });
  }

  /**
   * New tokens for an OAuth account (a refresh, or a reconnect with `clearAuthState`), written in one statement
   * under the write lock before anyone uses them; the runtime view follows at once. False when the connection is
   * gone or is not an OAuth account.
   */
  storeOAuthTokens(id: string, tokens: TokenSet, account: OAuthAccountInfo, options: { clearAuthState?: boolean } = {}): boolean {
    return this.#write(() => {
      const current = this.repo.get(id);
      if (!current || current.oauthEncrypted === null) return false;
      const parsed = tokenSetSchema.parse(tokens);
      // Facts the new token response left out (a refresh often carries no account) are kept from before.
      const merged = { ...parseOAuthMeta(current.oauthMetaJson), ...stripUndefined(account) };
      const patch: Partial<ConnectionRow> = {
        oauthEncrypted: this.secretBox.encrypt(JSON.stringify(parsed)),
        oauthMetaJson: oauthMetaJson(parsed, merged),
        updatedAt: Date.now(),
      };
      if (options.clearAuthState) {
        patch.authState = null;
        patch.authError = null;
      }
      this.repo.update(id, patch);
      this.reload();
      return true;
    });
  }

  /** The stored token set of an OAuth account, read from the store (not the view: another process may have refreshed). */
  readOAuthTokens(id: string): TokenSet | null {
    if (this.keyGuard?.follow() === "stale") throw new ConnectionValidationError(STALE_KEY_MESSAGE, 409);
    const row = this.repo.get(id);
    if (!row?.oauthEncrypted) return null;
    return tokenSetSchema.parse(JSON.parse(this.secretBox.decrypt(row.oauthEncrypted)));
  }

  /** Marks an OAuth account as needing re-authentication (with a reason, no secret), or clears it (null). */
  setAuthState(id: string, state: AuthState | null, error: string | null = null): void {
    const current = this.repo.get(id);
    if (!current || (current.authState === state && current.authError === (state ? error : null))) return;
    this.repo.update(id, { authState: state, authError: state ? (error?.slice(0, 500) ?? null) : null });
    this.reload();
  }

  /** Decrypted key for export with secrets; never used for API responses. */
  revealApiKey(id: string): string | null {
    if (this.keyGuard?.follow() === "stale") throw new ConnectionValidationError(STALE_KEY_MESSAGE, 409);
    const row = this.repo.get(id);
    return row?.apiKeyEncrypted ? this.secretBox.decrypt(row.apiKeyEncrypted) : null;
  }

  view(row: ConnectionRow): ConnectionView {
    return {
      id: row.id,
      providerId: row.providerId,
      name: row.name,
      alias: row.alias,
      baseUrl: row.baseUrl,
      enabled: row.enabled,
      priority: row.priority,
      hasApiKey: row.apiKeyEncrypted !== null,
      apiKeyPreview: row.apiKeyHint ? `…${row.apiKeyHint}` : null,
      models: parseModels(row.modelsJson),
      quota: parseQuotaJson(row.quotaJson),
      auth: authViewOf(row),
      createdAt: new Date(row.createdAt).toISOString(),
      updatedAt: new Date(row.updatedAt).toISOString(),
      lastTest:
        row.lastTestAt === null
          ? null
          : {
              at: new Date(row.lastTestAt).toISOString(),
              ok: Boolean(row.lastTestOk),
              latencyMs: row.lastTestLatencyMs ?? 0,
              ...(row.lastTestError ? { error: row.lastTestError } : {}),
            },
    };
  }

  #checkBaseUrl(provider: ProviderDefinition, baseUrl: string | null): string | null {
    if (baseUrl === null || baseUrl === "") {
      if (provider.requiresBaseUrl) throw new ConnectionValidationError(`Provider ${provider.name} needs a base URL ("baseUrl").`);
      return null;
    }
    const checked = validateUpstreamBaseUrl(baseUrl);
    if (!checked.ok) throw new ConnectionValidationError(checked.reason);
    return checked.url;
  }

  #checkAlias(alias: string | null, selfId: string | null): void {
    if (alias === null) return;
    const owner = this.registry.byPrefix(alias);
    if (owner) throw new ConnectionValidationError(`Alias "${alias}" is already used by provider ${owner.name}.`, 409);
    const clash = this.repo.list().find((row) => row.alias === alias && row.id !== selfId);
    if (clash) throw new ConnectionValidationError(`Alias "${alias}" is already used by connection "${clash.name}".`, 409);
  }

  #toRuntime(row: ConnectionRow): ConnectionRuntime | null {
    const provider = this.registry.get(row.providerId);
    if (!provider) return null;
    // An OAuth account's credential is its current access token: the same header building carries it.
    const tokens = row.oauthEncrypted ? tokenSetSchema.parse(JSON.parse(this.secretBox.decrypt(row.oauthEncrypted))) : null;
    const apiKey = tokens ? tokens.accessToken : row.apiKeyEncrypted ? this.secretBox.decrypt(row.apiKeyEncrypted) : null;
    // An admin's base URL wins; else the API host the provider assigned the account (Copilot business / enterprise
    // plans; the module accepts only https hosts of the provider's own domain), else the catalog's.
    const baseUrl = (row.baseUrl ?? tokens?.extra.apiBase ?? provider.baseUrl).replace(/\/+$/, "");
    const headers: Record<string, string> = {
      "content-type": "application/json",
      ...provider.extraHeaders,
    };
    if (apiKey) {
      if (provider.auth.kind === "bearer") headers.authorization = `Bearer ${apiKey}`;
      else headers[provider.auth.header.toLowerCase()] = apiKey;
    }
    const endpoints = FORMAT_ENDPOINTS[provider.format];
    const chatUrl = baseUrl + endpoints.generatePath("", false, provider.chatPath);
    const countTokensPath = endpoints.countTokensPath;
    return {
      id: row.id,
      name: row.name,
      provider,
      alias: row.alias,
      enabled: row.enabled,
      priority: row.priority,
      baseUrl,
      chatUrl,
      generateUrl: endpoints.pathVariesByRequest
        ? (model, stream) => baseUrl + endpoints.generatePath(model, stream, provider.chatPath)
        : () => chatUrl,
      countTokensUrl: countTokensPath ? (model) => baseUrl + countTokensPath(model) : null,
      origin: new URL(baseUrl).origin,
      modelsUrl: baseUrl + provider.modelsPath,
      apiKey,
      headers,
      models: parseModels(row.modelsJson) ?? provider.models.map((m) => m.id),
      ...(row.quotaJson ? { quota: parseQuotaJson(row.quotaJson) ?? [] } : {}),
      oauth: tokens ? { expiresAt: tokens.expiresAt, extra: tokens.extra } : null,
      authState: row.authState === "needs-reauth" ? "needs-reauth" : null,
      executor: executorFor(provider.id),
    };
  }
}

function authViewOf(row: ConnectionRow): ConnectionView["auth"] {
  if (row.oauthEncrypted === null) return { kind: "api-key" };
  const { expiresAt, ...account } = parseOAuthMeta(row.oauthMetaJson);
  return {
    kind: "oauth",
    state: row.authState === "needs-reauth" ? "needs-reauth" : "ok",
    error: row.authState === "needs-reauth" ? row.authError : null,
    expiresAt: expiresAt === null ? null : new Date(expiresAt).toISOString(),
    account,
  };
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
