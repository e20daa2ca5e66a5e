import type { RequestLogEntry } from "../logging/request-log-writer";
import type { QuotaRepo, QuotaUsageRow } from "../store/repos/quota-repo";
import type { FinishedRequest } from "../usage/request-events";
import { providerReport, reportedClosure, reportedHeadroom, reportedModelClosures, type ProviderReport, type ReportedLimit } from "./provider-limits";
import type { QuotaWindow } from "./quota-config";
import { createWindowCounter, type QuotaUsage, type WindowCounter } from "./window-counter";

/** What routing reads about an account, recomputed only when it can have changed. */
export interface AccountQuotaState {
  /** Skipped until this time (ms epoch); null = open. */
  closedUntil: number | null;
  /** Why it is closed: its own window `<id>` is spent, or the provider said so. */
  closedBy: string | null;
  /** The scarcest window's free share (0..1, ≤ 0 spent) and its reset; null when unknown. */
  headroom: number | null;
  resetAt: number | null;
  /** Upstream models closed on their own while the account serves others (per-model provider limits): model → until. */
  closedModels: ReadonlyMap<string, number> | null;
}

/** One window of one account, for the management API and the client introspection endpoint. */
export interface WindowFigures {
  config: QuotaWindow;
  used: QuotaUsage;
  /** Limit − used, per limited metric (never below 0). */
  remaining: Partial<QuotaUsage>;
  /** The most used limit's share, in percent. */
  percentUsed: number;
  /** Usage reached the limit less its reserve: the account is skipped. */
  exhausted: boolean;
  spanStart: number;
  /** The calendar reset, or when the oldest counted rolling usage ages out (null: nothing counted). */
  resetAt: number | null;
  /** When an exhausted window has room again. */
  availableAt: number | null;
  lastManualReset: number | null;
}

export interface AccountFigures {
  connectionId: string;
  windows: WindowFigures[];
  reported: ProviderReport | null;
  state: AccountQuotaState;
}

interface AccountQuota {
  connectionId: string;
  windows: Map<string, { key: string; counter: WindowCounter }>;
  report: ProviderReport | null;
  state: AccountQuotaState;
  /** `state` holds until then; checks past it recompute it (a window rolled over, a reported reset passed). */
  validUntil: number;
}

/** The part of a connection the tracker reads. */
export interface QuotaSubject {
  id: string;
  quota?: readonly QuotaWindow[] | undefined;
  /** Accounts whose upstream limits each model on its own: their 429s close a model (`closeModel`), not the account. */
  executor?: { readonly limitsPerModel?: boolean } | null;
}

/** How long a model stays closed after a 429 that named no retry time. */
export const MODEL_RATE_LIMIT_FALLBACK_MS = 30_000;

const OPEN_STATE: AccountQuotaState = { closedUntil: null, closedBy: null, headroom: null, resetAt: null, closedModels: null };

/** Whether a finished request used the account's quota: an upstream served it (not a cache hit or a shared twin). */
export function countsAgainstQuota(entry: Pick<RequestLogEntry, "connectionId" | "sharedWith" | "cache" | "status" | "tokensIn" | "tokensOut">): boolean {
  if (entry.connectionId === null || entry.sharedWith !== null || entry.cache === "hit") return false;
  return entry.status < 400 || (entry.tokensIn ?? 0) + (entry.tokensOut ?? 0) > 0;
}

/**
 * Quota windows of every account, counted in memory from the finished-request events (off the request path) and
 * rebuilt at start from the request log. Routing asks `check` per target: a map lookup, and only past a cached
 * `validUntil` (a window reset, a reported reset) any arithmetic. Accounts with no window and no provider report
 * are not in the map at all. Provider-reported limits (rate-limit headers, a 429's retry time) close an account
 * whose reported remaining is 0 until the reported reset.
 */
export class QuotaTracker {
  #accounts = new Map<string, AccountQuota>();
  #known = new Set<string>();
  /** Known connections whose 429s are per model (QuotaSubject.executor.limitsPerModel). */
  #perModel = new Set<string>();
  #resets = new Map<string, number>();
  #baseNow: () => number;
  #clock: (() => number) | null = null;
  #loaded = false;
  #stops: Array<() => void> = [];
  #sizeListeners: Array<(size: number) => void> = [];
  #lastSize = 0;

  constructor(private readonly options: { repo?: QuotaRepo; now?: () => number } = {}) {
    this.#baseNow = options.now ?? Date.now;
  }

  now(): number {
    return (this.#clock ?? this.#baseNow)();
  }

  /** Tests move time: windows roll over and reported resets pass by this clock (null restores the real one). */
  setClock(now: (() => number) | null): void {
    this.#clock = now;
    for (const account of this.#accounts.values()) account.validUntil = -Infinity;
  }

  /** First load: the connections' windows, the manual resets, and one range query over the request log. */
  start(connections: readonly QuotaSubject[]): void {
    for (const row of this.options.repo?.resets() ?? []) this.#resets.set(resetKey(row.connectionId, row.windowId), row.resetAt);
    const fresh = this.#apply(connections);
    this.#recount(fresh);
    this.#loaded = true;
    this.#sizeChanged();
  }

  /** Connections changed: new or edited windows are recounted from the log, unchanged ones keep their counts. */
  configure(connections: readonly QuotaSubject[]): void {
    const fresh = this.#apply(connections);
    if (this.#loaded) {
      const byConnection = new Map<string, typeof fresh>();
      for (const item of fresh) byConnection.set(item.connectionId, [...(byConnection.get(item.connectionId) ?? []), item]);
      for (const [connectionId, items] of byConnection) this.#recount(items, connectionId);
    }
    this.#sizeChanged();
  }

  /** One finished request (request events, in the log writer's batch). */
  record(finished: FinishedRequest): void {
    const entry = finished.entry;
    const connectionId = entry.connectionId;
    if (connectionId === null || !this.#known.has(connectionId)) return;
    const now = this.now();
    let account = this.#accounts.get(connectionId);
    if (account && account.windows.size > 0 && countsAgainstQuota(entry)) {
      const tokens = (entry.tokensIn ?? 0) + (entry.tokensOut ?? 0);
      for (const { counter } of account.windows.values()) counter.add(entry.startedAt, tokens, entry.costUsd ?? 0, now);
    }
    // With failed attempts before it, the error text may name other accounts' retry times: only a lone attempt's counts.
    const report = providerReport(finished.upstreamHeaders, entry.status, entry.attemptsJson === null ? entry.error : null, now);
    // A per-model account's 429 closed its model already (closeModel, from the request path): not the whole account.
    if (report && this.#perModel.has(connectionId)) report.retryAt = null;
    if (report && (report.limits.length > 0 || report.retryAt !== null)) {
      account ??= this.#add(connectionId);
      // Answers' headers never speak per model: the per-model limits of the last quota fetch stay until the next one.
      const perModel = account.report?.limits.filter((limit) => limit.model !== undefined);
      if (perModel && perModel.length > 0) report.limits.push(...perModel);
      account.report = report;
    }
    if (account) account.validUntil = -Infinity;
    this.#sizeChanged();
  }

  /**
   * Limits the provider reported through its own quota endpoint (OAuth accounts' background quota fetch): they
   * replace the account's report like a request's rate-limit headers do, so a spent window closes it until its reset.
   */
  reportFetched(connectionId: string, limits: ReportedLimit[], at: number): void {
    if (!this.#known.has(connectionId)) return;
    const account = this.#accounts.get(connectionId) ?? this.#add(connectionId);
    account.report = { at, limits, retryAt: null };
    account.validUntil = -Infinity;
    this.#sizeChanged();
  }

  /**
   * The upstream refused one model of the account (a 429 from a provider that limits each model on its own): that
   * model is closed until `until` (its retry time, or MODEL_RATE_LIMIT_FALLBACK_MS from now), as a spent per-model
   * limit in the account's report, so the account keeps serving its other models. The next quota fetch replaces it.
   */
  closeModel(connectionId: string, model: string, until: number | null): void {
    if (!this.#known.has(connectionId)) return;
    const now = this.now();
    const resetAt = until !== null && until > now ? until : now + MODEL_RATE_LIMIT_FALLBACK_MS;
    const account = this.#accounts.get(connectionId) ?? this.#add(connectionId);
    const limits = (account.report?.limits ?? []).filter((limit) => limit.model !== model);
    limits.push({ name: `model-${model}`, limit: null, remaining: 0, utilization: 1, resetAt, spent: true, model });
    account.report = { at: now, limits, retryAt: account.report?.retryAt ?? null };
    account.validUntil = -Infinity;
    this.#sizeChanged();
  }

  /** A manual reset: the window (or every window, and the provider report) starts counting afresh now. */
  reset(connectionId: string, windowId?: string): void {
    const account = this.#accounts.get(connectionId);
    const at = this.now();
    for (const [id, { counter }] of account?.windows ?? []) {
      if (windowId !== undefined && id !== windowId) continue;
      counter.resetAt(at);
      this.#resets.set(resetKey(connectionId, id), at);
      this.options.repo?.setReset(connectionId, id, at);
    }
    if (account && windowId === undefined) account.report = null;
    if (account) account.validUntil = -Infinity;
  }

  /** Routing's question, per target: is the account closed, and what are its figures. Null = nothing known. */
  check(connectionId: string, now: number): AccountQuotaState | null {
    const account = this.#accounts.get(connectionId);
    if (!account) return null;
    const at = this.#clock ? this.#clock() : now;
    if (at >= account.validUntil) this.#evaluate(account, at);
    return account.state;
  }

  /** The figures a strategy weighs (reset-aware): the scarcest window's headroom and reset. */
  figures(connectionId: string): { headroom: number | null; resetAt: number | null } | null {
    if (this.#accounts.size === 0) return null;
    const state = this.check(connectionId, this.#baseNow());
    return state && (state.headroom !== null || state.resetAt !== null) ? state : null;
  }

  /** Everything known about one account, for the APIs (off the request path). */
  describe(connectionId: string): AccountFigures {
    const account = this.#accounts.get(connectionId);
    if (!account) return { connectionId, windows: [], reported: null, state: OPEN_STATE };
    const now = this.now();
    this.#evaluate(account, now);
    const windows: WindowFigures[] = [];
    for (const [id, { counter }] of account.windows) {
      const remaining: Partial<QuotaUsage> = {};
      let percentUsed = 0;
      for (const metric of ["requests", "tokens", "usd"] as const) {
        const limit = counter.config.limits[metric];
        if (limit === undefined) continue;
        remaining[metric] = Math.max(0, limit - counter.used[metric]);
        percentUsed = Math.max(percentUsed, (counter.used[metric] / limit) * 100);
      }
      const exhausted = counter.exhausted;
      windows.push({
        config: counter.config,
        used: { ...counter.used },
        remaining,
        percentUsed,
        exhausted,
        spanStart: counter.spanStart(now),
        resetAt: counter.nextReset(),
        availableAt: exhausted ? counter.reopensAt(now) : null,
        lastManualReset: this.#resets.get(resetKey(connectionId, id)) ?? null,
      });
    }
    return { connectionId, windows, reported: account.report, state: account.state };
  }

  /** Runs `stop` when the tracker is stopped (event subscriptions). */
  onStop(stop: () => void): void {
    this.#stops.push(stop);
  }

  stop(): void {
    for (const stop of this.#stops.splice(0)) stop();
  }

  /** Called when the number of tracked accounts changes (to register the gate only while it has work). */
  onSizeChange(listener: (size: number) => void): void {
    this.#sizeListeners.push(listener);
  }

  #sizeChanged(): void {
    const size = this.#accounts.size;
    if (size === this.#lastSize) return;
    this.#lastSize = size;
    for (const listener of this.#sizeListeners) listener(size);
  }

  /** Connections tracked at all (windows or a provider report): the gate's work is a lookup in this. */
  get size(): number {
    return this.#accounts.size;
  }

  #add(connectionId: string): AccountQuota {
    const account: AccountQuota = { connectionId, windows: new Map(), report: null, state: OPEN_STATE, validUntil: -Infinity };
    this.#accounts.set(connectionId, account);
    return account;
  }

  /** Brings the accounts in line with the connections; returns the counters that need counting from the log. */
  #apply(connections: readonly QuotaSubject[]): Array<{ connectionId: string; counter: WindowCounter }> {
    const now = this.now();
    const fresh: Array<{ connectionId: string; counter: WindowCounter }> = [];
    this.#known = new Set(connections.map((c) => c.id));
    this.#perModel = new Set(connections.filter((c) => c.executor?.limitsPerModel === true).map((c) => c.id));
    for (const connectionId of [...this.#accounts.keys()]) if (!this.#known.has(connectionId)) this.#accounts.delete(connectionId);
    for (const connection of connections) {
      const windows = connection.quota ?? [];
      let account = this.#accounts.get(connection.id);
      if (windows.length === 0 && !account) continue;
      account ??= this.#add(connection.id);
      const next = new Map<string, { key: string; counter: WindowCounter }>();
      for (const window of windows) {
        const key = JSON.stringify(window);
        const existing = account.windows.get(window.id);
        if (existing && existing.key === key) {
          next.set(window.id, existing);
          continue;
        }
        const counter = createWindowCounter(window, this.#resets.get(resetKey(connection.id, window.id)) ?? -Infinity, now);
        next.set(window.id, { key, counter });
        fresh.push({ connectionId: connection.id, counter });
      }
      account.windows = next;
      account.validUntil = -Infinity;
      if (next.size === 0 && account.report === null) this.#accounts.delete(connection.id);
    }
    return fresh;
  }

  /** Fills fresh counters from the request log with one range query (of one account when given). */
  #recount(items: ReadonlyArray<{ connectionId: string; counter: WindowCounter }>, connectionId?: string): void {
    const repo = this.options.repo;
    if (!repo || items.length === 0) return;
    const now = this.now();
    const since = Math.min(...items.map((item) => item.counter.countStart(now)));
    const counters = new Map<string, WindowCounter[]>();
    for (const item of items) counters.set(item.connectionId, [...(counters.get(item.connectionId) ?? []), item.counter]);
    const rows: QuotaUsageRow[] = repo.usageSince(Number.isFinite(since) ? since : 0, connectionId);
    for (const row of rows) {
      for (const counter of counters.get(row.connectionId) ?? []) counter.add(row.startedAt, row.tokens, row.usd, now);
    }
  }

  #evaluate(account: AccountQuota, now: number): void {
    let closedUntil: number | null = null;
    let closedBy: string | null = null;
    let headroom: number | null = null;
    let resetAt: number | null = null;
    let validUntil = Infinity;
    for (const [id, { counter }] of account.windows) {
      counter.advance(now);
      const reset = counter.nextReset();
      if (reset !== null) validUntil = Math.min(validUntil, reset);
      if (counter.exhausted) {
        const until = counter.reopensAt(now);
        if (closedUntil === null || until > closedUntil) [closedUntil, closedBy] = [until, `window ${id}`];
      }
      // The binding window: the least headroom; between equals, the one that resets first.
      const room = counter.headroom;
      if (headroom === null || room < headroom || (room === headroom && reset !== null && (resetAt === null || reset < resetAt))) {
        headroom = room;
        resetAt = reset;
      }
    }
    let closedModels: Map<string, number> | null = null;
    const report = account.report;
    if (report) {
      closedModels = reportedModelClosures(report, now);
      const until = reportedClosure(report, now);
      if (until !== null && (closedUntil === null || until > closedUntil)) [closedUntil, closedBy] = [until, "provider"];
      for (const limit of report.limits) if (limit.resetAt !== null && limit.resetAt > now) validUntil = Math.min(validUntil, limit.resetAt);
      if (report.retryAt !== null && report.retryAt > now) validUntil = Math.min(validUntil, report.retryAt);
      // The user's own windows speak for the account; the provider's figures only where there are none.
      if (account.windows.size === 0) {
        const reported = reportedHeadroom(report, now);
        if (reported) ({ headroom, resetAt } = reported);
      }
    }
    account.state = { closedUntil, closedBy, headroom, resetAt, closedModels };
    account.validUntil = validUntil;
  }
}

function resetKey(connectionId: string, windowId: string): string {
  return `${connectionId}\u0000${windowId}`;
}
