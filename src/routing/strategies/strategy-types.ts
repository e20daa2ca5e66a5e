/**
 * The contract every target-selection strategy fulfils. A strategy only orders: it is handed the candidates that
 * are allowed right now (enabled, breaker closed, not rate-limited — filtering is the caller's job) and returns
 * them all, most preferred first. Strategies are pure modules: no HTTP, no store; randomness and time come in
 * through `StrategyOptions` so tests are deterministic.
 */

export type StrategyName = "fill-first" | "round-robin" | "power-of-two" | "random" | "least-used" | "cost-optimized" | "lowest-latency" | "reset-aware";

export interface Candidate {
  /** Stable key (connection id, or combo target index + connection id). */
  key: string;
  /** Lower is preferred (connection priority, or position in a combo). */
  priority: number;
  /** Relative share for weighted strategies (≥ 1). */
  weight: number;
  /** Requests in flight right now. */
  inflight: number;
  /** EWMA of time to first byte in ms; null when unknown. */
  ewmaTtfbMs: number | null;
  /** Requests served so far (since start). */
  uses: number;
  /** Blended price per 1M tokens (input+output)/2 from the pricing table; null when unknown. */
  costPer1M: number | null;
  /** When the account's quota window resets (ms epoch) and the share of it still free (0..1); null when unknown. */
  quotaResetAt: number | null;
  quotaHeadroom: number | null;
}

export interface Strategy {
  readonly name: StrategyName;
  /** The full preference order: first is tried first, the rest are the fallback order. Never drops a candidate. */
  order(candidates: readonly Candidate[]): Candidate[];
}

export interface StrategyOptions {
  /** Uniform in [0, 1); default `Math.random`. Used by power-of-two and random. */
  random?: () => number;
  /** Milliseconds since the epoch; default `Date.now`. Used by lowest-latency (re-exploration) and reset-aware. */
  now?: () => number;
  /** Round-robin (and reset-aware while it rotates): keep the same first choice for this many consecutive orders. Default 1 (rotate every time). */
  stickyRequests?: number;
}

/** The factory's signature; implemented as `createStrategy` in `./index.ts` (a types file cannot hold a body). */
export type CreateStrategy = (name: StrategyName, options?: StrategyOptions) => Strategy;
