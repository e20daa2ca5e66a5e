import { CostOptimizedStrategy } from "./cost-optimized-strategy";
import { FillFirstStrategy } from "./fill-first-strategy";
import { LeastUsedStrategy } from "./least-used-strategy";
import { LowestLatencyStrategy } from "./lowest-latency-strategy";
import { PowerOfTwoStrategy } from "./power-of-two-strategy";
import { RandomStrategy } from "./random-strategy";
import { ResetAwareStrategy } from "./reset-aware-strategy";
import { RoundRobinStrategy } from "./round-robin-strategy";
import type { Strategy, StrategyName, StrategyOptions } from "./strategy-types";

export type { Candidate, CreateStrategy, Strategy, StrategyName, StrategyOptions } from "./strategy-types";

/** One factory per name; the mapped type makes the compiler insist on every `StrategyName`. */
const FACTORIES: { readonly [N in StrategyName]: (options: StrategyOptions) => Strategy } = {
  "fill-first": () => new FillFirstStrategy(),
  "round-robin": (options) => new RoundRobinStrategy(options),
  "power-of-two": (options) => new PowerOfTwoStrategy(options),
  random: (options) => new RandomStrategy(options),
  "least-used": () => new LeastUsedStrategy(),
  "cost-optimized": () => new CostOptimizedStrategy(),
  "lowest-latency": (options) => new LowestLatencyStrategy(options),
  "reset-aware": (options) => new ResetAwareStrategy(options),
};

/** Every strategy name, in the order above (for a zod enum, a settings list, the dashboard). */
export const STRATEGY_NAMES = Object.keys(FACTORIES) as readonly StrategyName[];

export function isStrategyName(value: string): value is StrategyName {
  return Object.hasOwn(FACTORIES, value);
}

/**
 * A new strategy. Round-robin, lowest-latency and reset-aware keep state between calls, so create one per combo
 * or provider group and keep it as long as that group lives.
 */
export function createStrategy(name: StrategyName, options: StrategyOptions = {}): Strategy {
  const factory = isStrategyName(name) ? FACTORIES[name] : undefined;
  if (!factory) throw new Error(`Unknown routing strategy '${String(name)}'; use one of: ${STRATEGY_NAMES.join(", ")}.`);
  return factory(options);
}
