import { type BreakerPermit, type BreakerState, type BreakerStats, CircuitBreaker, type CircuitBreakerOptions, DEFAULT_BREAKER_OPTIONS } from "./circuit-breaker";
import type { ClassifiedFailure, FailureClass } from "./failure-class";

/**
 * The health of every account (connection) and provider, in memory, for routing: cool-downs after rate limits,
 * "needs re-auth" after a refused key, a breaker per account and one per provider fed by transient failures,
 * in-flight counts and a time-to-first-byte average for strategies. Pure: no timers, no I/O; the clock is injected.
 *
 * Request flow: `check()` each candidate (no side effects) → pick one → `begin()` (takes a half-open probe slot
 * when a breaker is testing the water; null if the account became unavailable) → `recordSuccess()` or
 * `recordFailure()` → `end(lease)` in a `finally` (frees an unused probe slot).
 */

export interface AccountHealthOptions {
  /** First default cool-down after a rate limit that named no reset time; doubles per consecutive one. */
  rateLimitBaseMs: number;
  rateLimitMaxMs: number;
  /** Weight of the newest sample in the time-to-first-byte / latency averages (0, 1]. */
  ewmaAlpha: number;
  /** Breaker of each account. */
  accountBreaker: CircuitBreakerOptions;
  /** Breaker of each provider, fed by all its accounts; `minSources` accounts must fail before it opens. */
  providerBreaker: CircuitBreakerOptions;
}

/** What settings may override (breaker options field by field). */
export interface AccountHealthSettings {
  rateLimitBaseMs?: number;
  rateLimitMaxMs?: number;
  ewmaAlpha?: number;
  accountBreaker?: Partial<CircuitBreakerOptions>;
  providerBreaker?: Partial<CircuitBreakerOptions>;
}

export const DEFAULT_ACCOUNT_HEALTH_OPTIONS: Readonly<AccountHealthOptions> = Object.freeze({
  rateLimitBaseMs: 1_000,
  rateLimitMaxMs: 300_000,
  ewmaAlpha: 0.3,
  accountBreaker: { ...DEFAULT_BREAKER_OPTIONS },
  providerBreaker: { ...DEFAULT_BREAKER_OPTIONS, minSources: 2 },
});

export type UnavailableReason = "cooldown" | "reauth" | "breaker-open" | "provider-breaker-open";

export type Availability =
  | { available: true }
  /** `until`: when it should be usable again (the latest of its blockers); null when unknown (re-auth, a probe out). */
  | { available: false; until: number | null; reason: UnavailableReason };

/** One request on an account, from `begin` to `end`. */
export interface AccountLease {
  readonly connectionId: string;
  readonly providerId: string;
  /** True when this request is a breaker's half-open probe. */
  readonly probe: boolean;
}

export interface RequestTimings {
  /** Time to the first byte of the answer. */
  ttfbMs?: number;
  /** Time to the end of the answer. */
  latencyMs?: number;
}

export interface AccountStats {
  inflight: number;
  /** Successful uses. */
  uses: number;
  ewmaTtfbMs: number | null;
  ewmaLatencyMs: number | null;
  /** When a request last began on it. */
  lastUsedAt: number | null;
  /** Null when not cooling down. */
  cooldownUntil: number | null;
  needsReauth: boolean;
  breaker: BreakerState;
}

export interface AccountSnapshot extends Omit<AccountStats, "breaker"> {
  connectionId: string;
  providerId: string;
  availability: Availability;
  /** Consecutive rate-limit failures (the default cool-down's exponent). */
  rateLimitStreak: number;
  lastFailure: { class: FailureClass; reason: string; at: number } | null;
  breaker: BreakerStats;
}

export interface ProviderSnapshot {
  providerId: string;
  breaker: BreakerStats;
}

export interface HealthSnapshot {
  accounts: AccountSnapshot[];
  providers: ProviderSnapshot[];
}

interface Account {
  providerId: string;
  inflight: number;
  uses: number;
  ewmaTtfbMs: number | null;
  ewmaLatencyMs: number | null;
  lastUsedAt: number | null;
  cooldownUntil: number;
  rateLimitStreak: number;
  needsReauth: boolean;
  lastFailure: { class: FailureClass; reason: string; at: number } | null;
  breaker: CircuitBreaker;
}

interface Lease extends AccountLease {
  accountPermit: BreakerPermit;
  providerPermit: BreakerPermit | null;
  ended: boolean;
}

const AVAILABLE: Availability = Object.freeze({ available: true });
const PASS: BreakerPermit = Object.freeze({ probe: false, ticket: 0 });
const FRESH_STATS: AccountStats = Object.freeze({
  inflight: 0,
  uses: 0,
  ewmaTtfbMs: null,
  ewmaLatencyMs: null,
  lastUsedAt: null,
  cooldownUntil: null,
  needsReauth: false,
  breaker: "closed",
});

export class AccountHealth {
  #options: AccountHealthOptions;
  readonly #now: () => number;
  readonly #accounts = new Map<string, Account>();
  readonly #providers = new Map<string, CircuitBreaker>();

  constructor(settings: AccountHealthSettings = {}, now: () => number = Date.now) {
    this.#options = merge(DEFAULT_ACCOUNT_HEALTH_OPTIONS, settings);
    this.#now = now;
  }

  get options(): Readonly<AccountHealthOptions> {
    return this.#options;
  }

  /** New settings apply to every account and provider at once (running cool-downs keep their end). */
  configure(settings: AccountHealthSettings): void {
    this.#options = merge(this.#options, settings);
    for (const account of this.#accounts.values()) account.breaker.configure(this.#options.accountBreaker);
    for (const breaker of this.#providers.values()) breaker.configure(this.#options.providerBreaker);
  }

  /** Whether a request may go to this account now. No side effects; allocates nothing when available. */
  check(connectionId: string, providerId: string): Availability {
    const account = this.#accounts.get(connectionId);
    const provider = this.#providers.get(providerId);
    if (!account && !provider) return AVAILABLE;
    if (account?.needsReauth) return { available: false, until: null, reason: "reauth" };
    // Usable once every blocker is gone: report the latest end (Infinity = a probe is out, end unknown).
    let until = Number.NEGATIVE_INFINITY;
    let reason: UnavailableReason = "cooldown";
    if (account) {
      if (account.cooldownUntil > this.#now()) until = account.cooldownUntil;
      if (!account.breaker.canRequest()) {
        const end = account.breaker.openUntil() ?? Number.POSITIVE_INFINITY;
        if (end > until) {
          until = end;
          reason = "breaker-open";
        }
      }
    }
    if (provider && !provider.canRequest()) {
      const end = provider.openUntil() ?? Number.POSITIVE_INFINITY;
      if (end > until) {
          until = end;
          reason = "provider-breaker-open";
        }
    }
    if (until === Number.NEGATIVE_INFINITY) return AVAILABLE;
    return { available: false, until: until === Number.POSITIVE_INFINITY ? null : until, reason };
  }

  /**
   * A request starts on the account: counts it in flight and, when a breaker is half-open, takes its probe slot.
   * Null (and nothing counted) when `check` would say unavailable. Pass `providerId` the first time an account is
   * seen; later it is remembered.
   */
  begin(connectionId: string, providerId?: string): AccountLease | null {
    const known = this.#accounts.get(connectionId);
    const provider = providerId ?? known?.providerId ?? "";
    if (!this.check(connectionId, provider).available) return null;
    const account = this.#account(connectionId, provider);
    const accountPermit = account.breaker.acquire();
    if (!accountPermit) return null;
    const providerBreaker = this.#providers.get(provider);
    const providerPermit = providerBreaker ? providerBreaker.acquire() : PASS;
    if (!providerPermit) {
      account.breaker.release(accountPermit);
      return null;
    }
    account.inflight++;
    account.lastUsedAt = this.#now();
    const lease: Lease = {
      connectionId,
      providerId: provider,
      probe: accountPermit.probe || providerPermit.probe,
      accountPermit,
      providerPermit: providerBreaker ? providerPermit : null,
      ended: false,
    };
    return lease;
  }

  /**
   * The request is over (call it in a `finally`, after recording the outcome). With the lease, a probe slot the
   * request took and did not settle (client left, invalid request) is given back; ending twice is harmless.
   * With only the id, the in-flight count drops and nothing else.
   */
  end(lease: AccountLease | string): void {
    if (typeof lease === "string") {
      const account = this.#accounts.get(lease);
      if (account && account.inflight > 0) account.inflight--;
      return;
    }
    const own = lease as Lease;
    if (own.ended) return;
    own.ended = true;
    const account = this.#accounts.get(own.connectionId);
    if (account) {
      if (account.inflight > 0) account.inflight--;
      account.breaker.release(own.accountPermit);
    }
    if (own.providerPermit) this.#providers.get(own.providerId)?.release(own.providerPermit);
  }

  recordSuccess(connectionId: string, providerId: string, timings: RequestTimings = {}): void {
    const account = this.#account(connectionId, providerId);
    const alpha = this.#options.ewmaAlpha;
    account.uses++;
    account.ewmaTtfbMs = ewma(account.ewmaTtfbMs, timings.ttfbMs, alpha);
    account.ewmaLatencyMs = ewma(account.ewmaLatencyMs, timings.latencyMs, alpha);
    account.rateLimitStreak = 0;
    account.breaker.recordSuccess();
    this.#provider(providerId).recordSuccess();
  }

  /**
   * rate-limited / quota-exhausted → cool down until `retryAt`, or the default ladder (1 s, 2 s, 4 s … 5 min);
   * auth → needs re-auth until `clearReauth`; transient → both breakers (and a cool-down if the upstream named a
   * retry time, e.g. 503 + Retry-After); context-length / client-error → nothing, the account is fine.
   */
  recordFailure(connectionId: string, providerId: string, failure: ClassifiedFailure): void {
    if (failure.class === "context-length" || failure.class === "client-error") return;
    const account = this.#account(connectionId, providerId);
    const now = this.#now();
    account.lastFailure = { class: failure.class, reason: failure.reason, at: now };
    switch (failure.class) {
      case "rate-limited":
      case "quota-exhausted": {
        account.rateLimitStreak++;
        const { rateLimitBaseMs: base, rateLimitMaxMs: max } = this.#options;
        const fallback = now + Math.min(base * 2 ** Math.min(account.rateLimitStreak - 1, 52), max);
        account.cooldownUntil = Math.max(account.cooldownUntil, failure.retryAt ?? fallback);
        return;
      }
      case "auth":
        account.needsReauth = true;
        return;
      case "transient":
        account.breaker.recordFailure();
        this.#provider(providerId).recordFailure(connectionId);
        if (failure.retryAt !== null) account.cooldownUntil = Math.max(account.cooldownUntil, failure.retryAt);
        return;
    }
  }

  /** The account's credentials changed: it may be tried again. */
  clearReauth(connectionId: string): void {
    const account = this.#accounts.get(connectionId);
    if (account) account.needsReauth = false;
  }

  /** The connection is gone (or reset): drop everything known about it. */
  forget(connectionId: string): void {
    const account = this.#accounts.get(connectionId);
    if (!account) return;
    this.#accounts.delete(connectionId);
    this.#providers.get(account.providerId)?.forgetSource(connectionId);
  }

  /**
   * Manual reset (POST /api/health/reset): clears the cool-down, re-auth flag and breaker of one account — and its
   * failures in its provider's breaker — or, without an id, of every account and every provider breaker. Usage
   * figures (uses, latency averages, in flight) are kept: strategies still need them. Returns the accounts reset.
   */
  reset(connectionId?: string): number {
    const accounts = connectionId === undefined ? [...this.#accounts] : this.#accounts.has(connectionId) ? [[connectionId, this.#accounts.get(connectionId)!] as const] : [];
    for (const [id, account] of accounts) {
      account.cooldownUntil = 0;
      account.rateLimitStreak = 0;
      account.needsReauth = false;
      account.lastFailure = null;
      account.breaker.reset();
      if (connectionId !== undefined) this.#providers.get(account.providerId)?.forgetSource(id);
    }
    if (connectionId === undefined) for (const breaker of this.#providers.values()) breaker.reset();
    return accounts.length;
  }

  /** What strategies read (least in flight, fastest first byte, least used …). */
  stats(connectionId: string): AccountStats {
    const account = this.#accounts.get(connectionId);
    if (!account) return FRESH_STATS;
    return {
      inflight: account.inflight,
      uses: account.uses,
      ewmaTtfbMs: account.ewmaTtfbMs,
      ewmaLatencyMs: account.ewmaLatencyMs,
      lastUsedAt: account.lastUsedAt,
      cooldownUntil: account.cooldownUntil > this.#now() ? account.cooldownUntil : null,
      needsReauth: account.needsReauth,
      breaker: account.breaker.state,
    };
  }

  /** Every account's and provider's state, for /api/health. */
  snapshot(): HealthSnapshot {
    const accounts: AccountSnapshot[] = [];
    for (const [connectionId, account] of this.#accounts) {
      accounts.push({
        ...this.stats(connectionId),
        connectionId,
        providerId: account.providerId,
        availability: this.check(connectionId, account.providerId),
        rateLimitStreak: account.rateLimitStreak,
        lastFailure: account.lastFailure,
        breaker: account.breaker.stats(),
      });
    }
    const providers: ProviderSnapshot[] = [];
    for (const [providerId, breaker] of this.#providers) providers.push({ providerId, breaker: breaker.stats() });
    return { accounts, providers };
  }

  #account(connectionId: string, providerId: string): Account {
    let account = this.#accounts.get(connectionId);
    if (!account) {
      account = {
        providerId,
        inflight: 0,
        uses: 0,
        ewmaTtfbMs: null,
        ewmaLatencyMs: null,
        lastUsedAt: null,
        cooldownUntil: 0,
        rateLimitStreak: 0,
        needsReauth: false,
        lastFailure: null,
        breaker: new CircuitBreaker(this.#options.accountBreaker, this.#now),
      };
      this.#accounts.set(connectionId, account);
    } else if (providerId && account.providerId !== providerId) {
      account.providerId = providerId;
    }
    return account;
  }

  #provider(providerId: string): CircuitBreaker {
    let breaker = this.#providers.get(providerId);
    if (!breaker) this.#providers.set(providerId, (breaker = new CircuitBreaker(this.#options.providerBreaker, this.#now)));
    return breaker;
  }
}

function ewma(previous: number | null, sample: number | undefined, alpha: number): number | null {
  if (sample === undefined || !Number.isFinite(sample) || sample < 0) return previous;
  return previous === null ? sample : alpha * sample + (1 - alpha) * previous;
}

function merge(base: Readonly<AccountHealthOptions>, settings: AccountHealthSettings): AccountHealthOptions {
  const alpha = settings.ewmaAlpha ?? base.ewmaAlpha;
  return {
    rateLimitBaseMs: settings.rateLimitBaseMs ?? base.rateLimitBaseMs,
    rateLimitMaxMs: settings.rateLimitMaxMs ?? base.rateLimitMaxMs,
    ewmaAlpha: alpha > 0 && alpha <= 1 ? alpha : DEFAULT_ACCOUNT_HEALTH_OPTIONS.ewmaAlpha,
    accountBreaker: { ...base.accountBreaker, ...settings.accountBreaker },
    providerBreaker: { ...base.providerBreaker, ...settings.providerBreaker },
  };
}
