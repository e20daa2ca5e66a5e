import type { RouteTarget } from "../routing/model-router";
import { OPEN, type GateContext, type GateVerdict, type RouteGates, type TargetGate } from "../routing/target-gate";
import type { QuotaTracker } from "./quota-tracker";

/**
 * Skips an account whose own quota window is spent (or down to its reserve), or whose provider reported nothing
 * left (for every model, or for the one asked for), until the window resets. Nothing to reopen by hand: the verdict is recomputed once its time has passed.
 * Per attempt this is one map lookup for accounts without quota state.
 */
export class QuotaGate implements TargetGate {
  readonly name = "quota";

  constructor(private readonly tracker: QuotaTracker) {}

  check(target: RouteTarget, _context: GateContext, now: number): GateVerdict {
    const state = this.tracker.check(target.connection.id, now);
    if (state === null) return OPEN;
    if (state.closedUntil !== null) return { open: false, until: state.closedUntil, reason: "quota" };
    // A model the provider meters on its own may be spent while the account serves others.
    const modelUntil = state.closedModels?.get(target.upstreamModel);
    return modelUntil === undefined ? OPEN : { open: false, until: modelUntil, reason: "quota" };
  }
}

/**
 * Keeps a quota gate in `gates.targets` only while some account has windows or a provider report, so a gateway
 * without either does not even call it.
 */
export function attachQuotaGate(tracker: QuotaTracker, gates: RouteGates): QuotaGate {
  const gate = new QuotaGate(tracker);
  const sync = (size: number) => {
    const index = gates.targets.indexOf(gate);
    if (size > 0 && index === -1) gates.targets.push(gate);
    else if (size === 0 && index !== -1) gates.targets.splice(index, 1);
  };
  tracker.onSizeChange(sync);
  sync(tracker.size);
  return gate;
}
