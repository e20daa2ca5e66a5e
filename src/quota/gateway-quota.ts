import type { AppServices } from "../services/app-services";
import { QuotaRepo } from "../store/repos/quota-repo";
import type { RequestEvents } from "../usage/request-events";
import { QuotaTracker } from "./quota-tracker";

/**
 * The gateway's quota tracking: loaded from the connections and the request log, then following connection edits
 * and fed by finished-request events. `attachQuotaGate` (quota-gate.ts) makes routing act on it.
 */
export function startQuota(services: AppServices, events: RequestEvents): QuotaTracker {
  const tracker = new QuotaTracker({ repo: new QuotaRepo(services.store.db, services.store.sqlite) });
  tracker.start(services.connections.runtime());
  services.connections.onChange(() => tracker.configure(services.connections.runtime()));
  tracker.onStop(events.subscribe((finished) => tracker.record(finished)));
  return tracker;
}
