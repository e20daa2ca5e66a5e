import type { Logger } from "../../logging/console-log";
import { createLogger } from "../../logging/logger";
import { redact } from "../../security/redact";
import type { ConnectionRuntime, ConnectionService } from "../../services/connection-service";
import type { ReportedLimit } from "../provider-limits";
import type { QuotaTracker } from "../quota-tracker";
import { createPlanQuotaFetch, type PlanQuotaFetch, type PlanQuotaFetcher } from "./plan-quota-fetcher";

export const DEFAULT_PLAN_QUOTA_INTERVAL_MS = 5 * 60_000;
/** setTimeout's ceiling. */
const MAX_TIMER_MS = 2_147_483_647;

/** One connection's plan quota as last fetched (cached between polls). */
export interface FetchedPlanQuota {
  at: number;
  limits: ReportedLimit[];
  /** Why the last fetch failed (no secret), null when it worked. */
  error: string | null;
}

interface Followed {
  /** Changes when the key or the base URL does: the next fetch is due at once. */
  fingerprint: number | bigint;
  dueAt: number;
  running: Promise<void> | null;
  quota: FetchedPlanQuota | null;
}

export interface PlanQuotaPollerOptions {
  connections: ConnectionService;
  fetchers: ReadonlyMap<string, PlanQuotaFetcher>;
  /** A getter: tests replace `runtime.quota`. */
  quota: () => QuotaTracker | null;
  fetch?: PlanQuotaFetch;
  now?: () => number;
  intervalMs?: number;
  /** False: no timer; tests call `tick()` / `refresh()` themselves. */
  timers?: boolean;
  log?: Logger;
}

/**
 * Polls the quota endpoints of API-key coding plans (fetchers in this folder): every enabled API-key connection
 * whose provider has a fetcher is read every 5 minutes, and at once when it appears or its key or base URL
 * changes. The figures are cached and handed to the quota tracker as provider-reported limits (`reportFetched`),
 * so routing skips a spent account until its reset. Off the request path entirely; with no such connection there
 * is no timer at all. OAuth accounts are the TokenManager's.
 */
export class PlanQuotaPoller {
  readonly #connections: ConnectionService;
  readonly #fetchers: ReadonlyMap<string, PlanQuotaFetcher>;
  readonly #quota: () => QuotaTracker | null;
  readonly #fetch: PlanQuotaFetch;
  #now: () => number;
  readonly #intervalMs: number;
  readonly #timers: boolean;
  readonly #log: Logger;
  readonly #followed = new Map<string, Followed>();
  #timer: ReturnType<typeof setTimeout> | null = null;
  #started = false;
  #stopped = false;

  constructor(options: PlanQuotaPollerOptions) {
    this.#connections = options.connections;
    this.#fetchers = options.fetchers;
    this.#quota = options.quota;
    this.#fetch = options.fetch ?? createPlanQuotaFetch();
    this.#now = options.now ?? Date.now;
    this.#intervalMs = options.intervalMs ?? DEFAULT_PLAN_QUOTA_INTERVAL_MS;
    this.#timers = options.timers ?? true;
    this.#log = options.log ?? createLogger("plan-quota");
  }

  start(): void {
    if (this.#started) return;
    this.#started = true;
    this.#connections.onChange(() => this.#sync());
    this.#sync();
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }

  /** Tests: move the poller's time (due polls read it). */
  setClock(now: () => number): void {
    this.#now = now;
    this.#plan();
  }

  /** Connections followed now (enabled API-key connections of a provider with a fetcher). */
  followed(): string[] {
    return [...this.#followed.keys()];
  }

  /** The last fetched figures of a connection (null: none yet, or not followed). */
  quotaOf(connectionId: string): FetchedPlanQuota | null {
    return this.#followed.get(connectionId)?.quota ?? null;
  }

  /** Fetches one connection's plan quota now (one fetch at a time per connection); resolves when it is stored. */
  refresh(connectionId: string): Promise<void> {
    const state = this.#followed.get(connectionId);
    if (!state) return Promise.resolve();
    // Moved first, so a fetch that returns early can never make the timer fire in a loop.
    if (state.running === null) state.dueAt = this.#now() + this.#intervalMs;
    state.running ??= this.#fetchOne(connectionId, state).finally(() => {
      state.running = null;
      this.#plan();
    });
    return state.running;
  }

  /** Runs every due poll (the timer's work; tests call it with their own clock). Resolves when all are stored. */
  async tick(): Promise<void> {
    const now = this.#now();
    const due = [...this.#followed].filter(([, s]) => s.running !== null || s.dueAt <= now).map(([id]) => this.refresh(id));
    await Promise.all(due);
  }

  /** Waits for every fetch in flight (tests, after creating or editing a connection). */
  async settled(): Promise<void> {
    await Promise.all([...this.#followed.values()].map((s) => s.running));
  }

  #eligible(connection: ConnectionRuntime): boolean {
    return connection.enabled && connection.oauth === null && connection.apiKey !== null && this.#fetchers.has(connection.provider.id);
  }

  /** Follows the connections as they are now: new or re-keyed ones are fetched at once, removed ones dropped. */
  #sync(): void {
    if (this.#stopped) return;
    const seen = new Set<string>();
    for (const connection of this.#connections.runtime()) {
      if (!this.#eligible(connection)) continue;
      seen.add(connection.id);
      // A hash, so this map never holds a copy of the key.
      const fingerprint = Bun.hash(`${connection.provider.id}\n${connection.baseUrl}\n${connection.apiKey}`);
      const state = this.#followed.get(connection.id);
      if (state && state.fingerprint === fingerprint) continue;
      if (state) {
        // Another key (or host): the old key's figures say nothing about the new one.
        state.fingerprint = fingerprint;
        state.quota = null;
        this.#quota()?.reportFetched(connection.id, [], this.#now());
      } else {
        this.#followed.set(connection.id, { fingerprint, dueAt: 0, running: null, quota: null });
      }
      void this.refresh(connection.id);
    }
    for (const id of [...this.#followed.keys()]) if (!seen.has(id)) this.#followed.delete(id);
    this.#plan();
  }

  async #fetchOne(connectionId: string, state: Followed): Promise<void> {
    const connection = this.#connections.getRuntime(connectionId);
    if (!connection || !this.#eligible(connection) || connection.apiKey === null) return;
    const fetcher = this.#fetchers.get(connection.provider.id)!;
    const fingerprint = state.fingerprint;
    const apiKey = connection.apiKey;
    try {
      const limits = await fetcher.read({ fetch: this.#fetch, now: this.#now }, { apiKey, baseUrl: connection.baseUrl });
      // The key changed while this was in flight: its figures belong to the old key.
      if (this.#followed.get(connectionId) !== state || state.fingerprint !== fingerprint) {
        state.dueAt = this.#now();
        return;
      }
      const at = this.#now();
      state.quota = { at, limits, error: null };
      this.#quota()?.reportFetched(connectionId, limits, at);
    } catch (error) {
      const raw = error instanceof Error ? error.message : String(error);
      // The fetchers never put the key in a message; redacting with it as a known secret makes sure.
      const message = redact(raw, [apiKey]).slice(0, 300);
      if (this.#followed.get(connectionId) === state && state.fingerprint === fingerprint) state.quota = { at: this.#now(), limits: [], error: message };
      this.#log.debug(`plan quota fetch failed: ${connection.name}`, { connectionId, providerId: connection.provider.id, error: message });
    }
  }

  /** One timer for the earliest due poll; none when nothing is followed. */
  #plan(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    if (!this.#timers || this.#stopped || this.#followed.size === 0) return;
    let next = Infinity;
    for (const state of this.#followed.values()) if (state.running === null) next = Math.min(next, state.dueAt);
    if (next === Infinity) return;
    const delay = Math.min(MAX_TIMER_MS, Math.max(0, next - this.#now()));
    this.#timer = setTimeout(() => {
      this.#timer = null;
      void this.tick();
    }, delay);
    this.#timer.unref?.();
  }
}
