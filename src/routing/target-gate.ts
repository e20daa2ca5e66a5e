import type { RouteTarget } from "./model-router";

/** What a gate knows of the request a target would serve. */
export interface GateContext {
  /** The client key the request came with (null on an open loopback gateway). */
  apiKeyId: string | null;
  /** The combo the request named, if any. */
  combo: string | null;
}

export type GateVerdict = { open: true } | { open: false; /** When it opens again, if known. */ until: number | null; reason: string };

export const OPEN: GateVerdict = { open: true };

/**
 * A reason to skip a target before calling it — its account's quota window is spent, its provider's or its
 * combo tier's budget is used up. Skipped targets are passed over like cooling-down accounts: the next target
 * is tried, and a request with none left is answered 429 with the earliest reopening time.
 * `check` runs per attempt on the request path: with nothing configured it must answer from a map lookup.
 */
export interface TargetGate {
  readonly name: string;
  check(target: RouteTarget, context: GateContext, now: number): GateVerdict;
}

/** A refusal of the whole request before any routing (e.g. the client key's own budget is spent). */
export interface RequestRefusal {
  status: 429;
  code: string;
  message: string;
  /** When the request would be accepted again (sent as Retry-After), if known. */
  retryAt: number | null;
}

export interface RequestGate {
  readonly name: string;
  check(context: GateContext, now: number): RequestRefusal | null;
}

/** The gates the dispatcher consults; both lists are empty unless something is configured to use them. */
export interface RouteGates {
  targets: TargetGate[];
  requests: RequestGate[];
}
