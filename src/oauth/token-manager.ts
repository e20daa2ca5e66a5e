import type { Logger } from "../logging/console-log";
import { createLogger } from "../logging/logger";
import type { ReportedLimit } from "../quota/provider-limits";
import type { QuotaTracker } from "../quota/quota-tracker";
import type { AccountHealth } from "../routing/account-health";
import { redact } from "../security/redact";
import type { ConnectionRuntime, ConnectionService } from "../services/connection-service";
import type { OAuthRegistry } from "./oauth-registry";
import { OAuthRefreshRejected, OAuthTransientError, type OAuthProviderModule, type TokenSet } from "./oauth-types";

/** Refresh this long before expiry unless the module says otherwise. */
export const DEFAULT_REFRESH_MARGIN_MS = 5 * 60_000;
/** The request path refreshes a token that expires within this long before using it. */
export const REQUEST_VALIDITY_MS = 30_000;
export const DEFAULT_QUOTA_INTERVAL_MS = 5 * 60_000;
const RETRY_BASE_MS = 15_000;
const RETRY_MAX_MS = 5 * 60_000;
/** setTimeout's ceiling (≈ 24.8 days); later work is re-planned when the timer fires. */
const MAX_TIMER_MS = 2_147_483_647;

/** A provider's quota figures for one account, as last fetched (cached between polls). */
export interface FetchedQuota {
  at: number;
  limits: ReportedLimit[];
  /** Why the last fetch failed (no secret), null when it worked. */
  error: string | null;
}

export interface TokenManagerOptions {
  connections: ConnectionService;
  registry: OAuthRegistry;
  /** A getter: tests replace `runtime.health`. */
  health: () => AccountHealth;
  /** Where fetched quota goes (provider-reported limits); null = nowhere. */
  quota?: () => QuotaTracker | null;
  now?: () => number;
  quotaIntervalMs?: number;
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** False: no timer at all; tests drive `tick()` themselves with their own clock. */
  timers?: boolean;
  log?: Logger;
}

interface AccountState {
  /** When we first saw the current token (half its remaining life caps the refresh margin). */
  seenAt: number;
  seenToken: string | null;
  /** After a transient refresh failure: when to try again, and how many failed in a row. */
  retryAt: number | null;
  failures: number;
  quotaDueAt: number;
  quotaRunning: Promise<void> | null;
  quota: FetchedQuota | null;
}

/**
 * The token lifecycle of every OAuth account (`runtime.oauth`):
 * - background refresh `refreshMarginMs` before expiry (one unref'd timer for all accounts, re-planned on changes);
 * - `ensureFresh` before an upstream call, single-flight per account (50 concurrent callers → one refresh), and
 *   serialised per `rotationGroup` (single-use rotating refresh tokens must never be spent twice);
 * - new tokens are persisted (encrypted) before anyone uses them;
 * - a refused refresh (OAuthRefreshRejected) → `needs-reauth`, stored and flagged in `runtime.health`, so routing
 *   skips the account (and still after a restart); a transient failure → retried with backoff while the current
 *   token lasts;
 * - quota: modules with `fetchQuota` are polled (every 5 minutes, and right after connecting), the figures cached
 *   and handed to the quota tracker as provider-reported limits.
 * The modules are pure protocol; everything stateful is here.
 */
export class TokenManager {
  readonly registry: OAuthRegistry;
  readonly #connections: ConnectionService;
  readonly #health: () => AccountHealth;
  readonly #quota: () => QuotaTracker | null;
  #now: () => number;
  readonly #quotaIntervalMs: number;
  readonly #retryBaseMs: number;
  readonly #retryMaxMs: number;
  readonly #timers: boolean;
  readonly #log: Logger;
  readonly #accounts = new Map<string, AccountState>();
  readonly #inflight = new Map<string, Promise<ConnectionRuntime>>();
  readonly #groups = new Map<string, Promise<void>>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #timerAt = Infinity;
  #started = false;
  #stopped = false;

  constructor(options: TokenManagerOptions) {
    this.registry = options.registry;
    this.#connections = options.connections;
    this.#health = options.health;
    this.#quota = options.quota ?? (() => null);
    this.#now = options.now ?? Date.now;
    this.#quotaIntervalMs = options.quotaIntervalMs ?? DEFAULT_QUOTA_INTERVAL_MS;
    this.#retryBaseMs = options.retryBaseMs ?? RETRY_BASE_MS;
    this.#retryMaxMs = options.retryMaxMs ?? RETRY_MAX_MS;
    this.#timers = options.timers ?? true;
    this.#log = options.log ?? createLogger("oauth");
  }

  now(): number {
    return this.#now();
  }

  /** Tests: move time (refresh due times, quota polls, retries all read this clock). */
  setClock(now: () => number): void {
    this.#now = now;
    this.#plan();
  }

  /**
   * Starts following the connections: accounts stored as `needs-reauth` get the routing flag (so it survives a
   * restart), refreshes and quota polls are planned.
   */
  start(): void {
    if (this.#started) return;
    this.#started = true;
    this.#connections.onChange(() => {
      if (!this.#stopped) this.#sync();
    });
    this.#sync();
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** The module of an OAuth account's provider (undefined for API-key connections or unknown providers). */
  moduleOf(connection: ConnectionRuntime): OAuthProviderModule | undefined {
    return connection.oauth ? this.registry.get(connection.provider.id) : undefined;
  }

  /**
   * The account's runtime view with an access token good for at least `validForMs` more, refreshing first when it
   * is not (single-flight; serialised per rotation group). Throws OAuthRefreshRejected when the account needs
   * re-authentication, OAuthTransientError when a needed refresh failed and the current token has run out.
   * A transient failure while the current token still works returns the current one.
   */
  async ensureFresh(connectionId: string, validForMs = REQUEST_VALIDITY_MS): Promise<ConnectionRuntime> {
    const connection = this.#connections.getRuntime(connectionId);
    if (!connection) throw new OAuthTransientError(`connection ${connectionId} does not exist`);
    if (!connection.oauth) return connection;
    if (connection.authState === "needs-reauth") throw new OAuthRefreshRejected(`${connection.name} needs to be reconnected`);
    if (!expiresWithin(connection.oauth.expiresAt, this.#now(), validForMs)) return connection;
    try {
      return await this.#refreshOnce(connectionId, { withinMs: validForMs, force: false });
    } catch (error) {
      const latest = this.#connections.getRuntime(connectionId);
      if (!(error instanceof OAuthRefreshRejected) && latest?.oauth && latest.authState === null && !expiresWithin(latest.oauth.expiresAt, this.#now(), 0)) {
        return latest;
      }
      throw error;
    }
  }

  /**
   * The upstream refused `usedAccessToken` (401): refresh once and hand back the runtime to retry with — or, when
   * another caller has already replaced that token, the current one without a refresh. Null when no usable token
   * came of it (the refresh was refused or failed); the caller then counts the 401 as the failure it is.
   */
  async refreshAfterUnauthorized(connectionId: string, usedAccessToken: string | null): Promise<ConnectionRuntime | null> {
    const current = this.#connections.getRuntime(connectionId);
    if (!current?.oauth || current.authState === "needs-reauth") return null;
    if (current.apiKey !== usedAccessToken) return current;
    try {
      return await this.#refreshOnce(connectionId, { withinMs: 0, force: true, replacing: usedAccessToken });
    } catch {
      return null;
    }
  }

  /** A refresh now, whatever the expiry (dashboard, tests). */
  refreshNow(connectionId: string): Promise<ConnectionRuntime> {
    return this.#refreshOnce(connectionId, { withinMs: 0, force: true });
  }

  /**
   * The provider refused the refresh token: the account needs its owner to sign in again. Stored (survives a
   * restart, shown on the dashboard) and flagged for routing.
   */
  markNeedsReauth(connectionId: string, reason: string): void {
    const connection = this.#connections.getRuntime(connectionId);
    if (!connection) return;
    const message = redact(reason).slice(0, 300);
    this.#connections.setAuthState(connectionId, "needs-reauth", message);
    this.#flag(connection);
    this.#log.warn(`OAuth account needs to be reconnected: ${connection.name}`, { connectionId, providerId: connection.provider.id, reason: message });
  }

  /**
   * An account was just connected or reconnected: fresh state, routing flag cleared, quota fetched at once and
   * the next refresh planned.
   */
  connected(connectionId: string): void {
    this.#accounts.delete(connectionId);
    this.#health().clearReauth(connectionId);
    const state = this.#state(connectionId);
    state.quotaDueAt = this.#now();
    const connection = this.#connections.getRuntime(connectionId);
    if (connection && this.moduleOf(connection)?.fetchQuota) void this.fetchQuota(connectionId);
    this.#plan();
  }

  /** The last fetched quota of an account (null: none fetched, or the provider has no quota endpoint). */
  quotaOf(connectionId: string): FetchedQuota | null {
    return this.#accounts.get(connectionId)?.quota ?? null;
  }

  /** Fetches the provider's quota figures for one account now (one fetch at a time per account). */
  fetchQuota(connectionId: string): Promise<void> {
    const state = this.#state(connectionId);
    // Moved first, so a fetch that returns early can never make the timer fire in a loop.
    if (state.quotaRunning === null) state.quotaDueAt = this.#now() + this.#quotaIntervalMs;
    state.quotaRunning ??= this.#fetchQuota(connectionId, state).finally(() => {
      state.quotaRunning = null;
      this.#plan();
    });
    return state.quotaRunning;
  }

  /** Runs whatever is due now: refreshes near expiry, retries after transient failures, quota polls. */
  tick(): void {
    if (this.#stopped) return;
    const now = this.#now();
    for (const connection of this.#oauthConnections()) {
      const module = this.moduleOf(connection);
      if (!module) continue;
      const state = this.#state(connection.id);
      if (!this.#inflight.has(connection.id) && this.#refreshDueAt(connection, module, state) <= now) {
        this.#refreshOnce(connection.id, { withinMs: Infinity, force: false }).catch(() => {
          // Logged and re-planned inside; the request path decides what a failure means for a request.
        });
      }
      if (module.fetchQuota && state.quotaRunning === null && state.quotaDueAt <= now) void this.fetchQuota(connection.id);
    }
    this.#plan();
  }

  // ---------------------------------------------------------------------------------------------------------------

  #oauthConnections(): ConnectionRuntime[] {
    return this.#connections.runtime().filter((c) => c.oauth !== null && c.enabled && c.authState === null);
  }

  #state(connectionId: string): AccountState {
    let state = this.#accounts.get(connectionId);
    if (!state) {
      state = { seenAt: this.#now(), seenToken: null, retryAt: null, failures: 0, quotaDueAt: this.#now(), quotaRunning: null, quota: null };
      this.#accounts.set(connectionId, state);
    }
    return state;
  }

  /**
   * When the background refresh of an account is due: `refreshMarginMs` before expiry, but never earlier than half
   * the token's remaining life as first seen (a token shorter-lived than the margin is not refreshed in a loop);
   * after a transient failure, the retry time.
   */
  #refreshDueAt(connection: ConnectionRuntime, module: OAuthProviderModule, state: AccountState): number {
    if (state.retryAt !== null) return state.retryAt;
    const expiresAt = connection.oauth?.expiresAt ?? null;
    if (expiresAt === null) return Infinity;
    if (state.seenToken !== connection.apiKey) {
      state.seenToken = connection.apiKey;
      state.seenAt = this.#now();
    }
    const margin = Math.min(module.refreshMarginMs ?? DEFAULT_REFRESH_MARGIN_MS, Math.max(0, (expiresAt - state.seenAt) / 2));
    return expiresAt - margin;
  }

  /** The one refresh of this account in flight, or a new one. */
  #refreshOnce(connectionId: string, options: { withinMs: number; force: boolean; replacing?: string | null }): Promise<ConnectionRuntime> {
    const running = this.#inflight.get(connectionId);
    if (running) return running;
    const connection = this.#connections.getRuntime(connectionId);
    const module = connection ? this.moduleOf(connection) : undefined;
    if (!connection || !module) return Promise.reject(new OAuthTransientError(`no OAuth account ${connectionId}`));
    const work = this.#serialised(module.rotationGroup, () => this.#refresh(connection, module, options));
    const tracked = work.finally(() => {
      this.#inflight.delete(connectionId);
      this.#plan();
    });
    this.#inflight.set(connectionId, tracked);
    return tracked;
  }

  /** Runs `work` after every earlier refresh of the same rotation group has settled. */
  #serialised<T>(group: string | undefined, work: () => Promise<T>): Promise<T> {
    if (group === undefined) return work();
    const previous = this.#groups.get(group) ?? Promise.resolve();
    const run = previous.then(work, work);
    const tail = run.then(
      () => {},
      () => {},
    );
    this.#groups.set(group, tail);
    void tail.then(() => {
      if (this.#groups.get(group) === tail) this.#groups.delete(group);
    });
    return run;
  }

  async #refresh(connection: ConnectionRuntime, module: OAuthProviderModule, options: { withinMs: number; force: boolean; replacing?: string | null }): Promise<ConnectionRuntime> {
    const id = connection.id;
    // From the store, not the view: another process (or the previous refresh of the group) may have rotated them.
    const tokens = this.#connections.readOAuthTokens(id);
    if (!tokens) throw new OAuthTransientError(`connection ${id} has no OAuth tokens`);
    const current = this.#connections.getRuntime(id);
    const alreadyReplaced = options.replacing !== undefined && tokens.accessToken !== options.replacing;
    if (alreadyReplaced || (!options.force && !expiresWithin(tokens.expiresAt, this.#now(), options.withinMs === Infinity ? this.#marginOf(module) : options.withinMs))) {
      // Fresh enough already: make sure the view carries these tokens, then use them.
      if (current?.apiKey !== tokens.accessToken) this.#connections.reload();
      return this.#connections.getRuntime(id) ?? connection;
    }
    const state = this.#state(id);
    let next: TokenSet;
    try {
      next = await module.refresh(this.registry.context(module.providerId, this.#now), tokens);
    } catch (error) {
      if (error instanceof OAuthRefreshRejected) {
        this.markNeedsReauth(id, error.message);
        throw error;
      }
      const message = redact(error instanceof Error ? error.message : String(error)).slice(0, 300);
      state.failures++;
      state.retryAt = this.#now() + Math.min(this.#retryMaxMs, this.#retryBaseMs * 2 ** (state.failures - 1));
      this.#log.warn(`OAuth token refresh failed, retrying later: ${connection.name}`, {
        connectionId: id,
        providerId: module.providerId,
        error: message,
        retryAt: new Date(state.retryAt).toISOString(),
      });
      throw error instanceof OAuthTransientError ? error : new OAuthTransientError(message);
    }
    // A module may leave out what did not change (the refresh token, provider values): keep the previous ones.
    const merged: TokenSet = { ...next, refreshToken: next.refreshToken ?? tokens.refreshToken, extra: { ...tokens.extra, ...next.extra } };
    // Persisted before use: a crash right after still finds the new (possibly rotated) refresh token.
    if (!this.#connections.storeOAuthTokens(id, merged, module.describe(merged))) throw new OAuthTransientError(`connection ${id} is gone`);
    state.failures = 0;
    state.retryAt = null;
    this.#log.debug(`OAuth token refreshed: ${connection.name}`, { connectionId: id, providerId: module.providerId });
    return this.#connections.getRuntime(id) ?? connection;
  }

  #marginOf(module: OAuthProviderModule): number {
    return module.refreshMarginMs ?? DEFAULT_REFRESH_MARGIN_MS;
  }

  async #fetchQuota(connectionId: string, state: AccountState): Promise<void> {
    const connection = this.#connections.getRuntime(connectionId);
    const module = connection ? this.moduleOf(connection) : undefined;
    if (!connection || !module?.fetchQuota || connection.authState !== null) return;
    try {
      await this.ensureFresh(connectionId);
      const tokens = this.#connections.readOAuthTokens(connectionId);
      if (!tokens) return;
      const limits = await module.fetchQuota(this.registry.context(module.providerId, this.#now), tokens);
      const at = this.#now();
      state.quota = { at, limits, error: null };
      this.#quota()?.reportFetched(connectionId, limits, at);
    } catch (error) {
      const message = redact(error instanceof Error ? error.message : String(error)).slice(0, 300);
      state.quota = { at: this.#now(), limits: state.quota?.limits ?? [], error: message };
      this.#log.debug(`OAuth quota fetch failed: ${connection.name}`, { connectionId, providerId: module.providerId, error: message });
    }
  }

  /** Sets the routing flag of an account that needs re-authentication. */
  #flag(connection: ConnectionRuntime): void {
    const health = this.#health();
    if (health.stats(connection.id).needsReauth) return;
    health.recordFailure(connection.id, connection.provider.id, { class: "auth", retryAt: null, reason: "oauth needs-reauth" });
  }

  /** After any connection change: flags for stored `needs-reauth`, state of deleted accounts dropped, timer re-planned. */
  #sync(): void {
    const present = new Set<string>();
    for (const connection of this.#connections.runtime()) {
      if (!connection.oauth) continue;
      present.add(connection.id);
      if (connection.authState === "needs-reauth") this.#flag(connection);
      // When a token is first seen matters: half its remaining life caps the refresh margin.
      const state = this.#state(connection.id);
      if (state.seenToken !== connection.apiKey) {
        state.seenToken = connection.apiKey;
        state.seenAt = this.#now();
      }
    }
    for (const id of [...this.#accounts.keys()]) if (!present.has(id)) this.#accounts.delete(id);
    this.#plan();
  }

  /** One timer for all accounts, set for the earliest due work. */
  #plan(): void {
    if (!this.#timers || this.#stopped || !this.#started) return;
    const now = this.#now();
    let next = Infinity;
    for (const connection of this.#oauthConnections()) {
      const module = this.moduleOf(connection);
      if (!module) continue;
      const state = this.#state(connection.id);
      if (!this.#inflight.has(connection.id)) next = Math.min(next, this.#refreshDueAt(connection, module, state));
      if (module.fetchQuota && state.quotaRunning === null) next = Math.min(next, state.quotaDueAt);
    }
    if (next === this.#timerAt && this.#timer !== undefined) return;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerAt = next;
    if (next === Infinity) return;
    this.#timer = setTimeout(
      () => {
        this.#timer = undefined;
        this.#timerAt = Infinity;
        this.tick();
      },
      Math.min(MAX_TIMER_MS, Math.max(0, next - now)),
    );
    this.#timer.unref?.();
  }
}

/** Whether a token expiring at `expiresAt` is gone within `withinMs` (unknown expiry: never, until refused). */
export function expiresWithin(expiresAt: number | null, now: number, withinMs: number): boolean {
  return expiresAt !== null && expiresAt - now <= withinMs;
}
