import type { RouteGates } from "../routing/target-gate";
import type { AppServices } from "../services/app-services";
import { BudgetsRepo } from "../store/repos/budgets-repo";
import type { RequestEvents } from "../usage/request-events";
import { KeyBudgetGate, TargetBudgetGate } from "./budget-gates";
import { budgetServiceOf, type BudgetService } from "./budget-service";
import { BudgetTracker } from "./budget-tracker";

/** Budgets as the running gateway holds them: the stored definitions and their live spend. */
export interface GatewayBudgets {
  service: BudgetService;
  tracker: BudgetTracker;
  /** Registers the budget gates with the dispatcher's lists, each only while an enabled budget of its kind exists. */
  attachGates(gates: RouteGates): void;
  stop(): void;
}

/**
 * Starts budget tracking for a gateway: spend rebuilt from the request log (one range query), kept current from
 * the request events, and re-synced on every budget change — no restart needed.
 */
export function startBudgets(services: AppServices, events: RequestEvents, options: { now?: () => number } = {}): GatewayBudgets {
  const service = budgetServiceOf(services);
  const repo = new BudgetsRepo(services.store.db);
  const tracker = new BudgetTracker({ budgets: () => service.list(), spendSince: (since) => repo.spendSince(since), events, ...options });
  const keyGate = new KeyBudgetGate(tracker);
  const targetGate = new TargetBudgetGate(tracker);
  let attached: RouteGates | null = null;
  // Without budgets the dispatcher's gate lists stay as they were (empty unless something else uses them),
  // so requests pay nothing for this feature.
  const placeGates = () => {
    if (!attached) return;
    place(attached.requests, keyGate, tracker.guardsKeys);
    place(attached.targets, targetGate, tracker.guardsTargets);
  };
  tracker.sync();
  const stopListening = service.onChange(() => {
    tracker.sync();
    placeGates();
  });
  return {
    service,
    tracker,
    attachGates(gates) {
      attached = gates;
      placeGates();
    },
    stop() {
      stopListening();
      tracker.stop();
      if (attached) {
        place(attached.requests, keyGate, false);
        place(attached.targets, targetGate, false);
      }
    },
  };
}

function place<T>(list: T[], gate: T, wanted: boolean): void {
  const at = list.indexOf(gate);
  if (wanted && at === -1) list.push(gate);
  else if (!wanted && at !== -1) list.splice(at, 1);
}
