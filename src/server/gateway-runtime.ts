import type { ConsoleLog } from "../logging/console-log";
import type { ResponseCache } from "../cache/response-cache";
import type { RequestLogWriter } from "../logging/request-log-writer";
import type { RequestCoalescer } from "../pipeline/request-coalescer";
import type { ResponseStore } from "../pipeline/response-store";
import type { SignatureVault } from "../pipeline/signature-vault";
import type { AccountHealth } from "../routing/account-health";
import type { ModelRouter } from "../routing/model-router";
import type { RateLimiter } from "../routing/rate-limiter";
import type { AppServices } from "../services/app-services";

/** What the HTTP layer needs at run time, built once by start-gateway. */
export interface GatewayRuntime {
  services: AppServices;
  router: ModelRouter;
  /** Cool-downs, re-auth flags, circuit breakers and latency of every account, fed by each attempt. */
  health: AccountHealth;
  /** The gateway's own per-account / per-provider request limits (settings.routing.rateLimits). */
  rateLimiter: RateLimiter;
  logWriter: RequestLogWriter;
  /** The structured console log (terminal, `<dataDir>/logs/omniroute.log`, `GET /api/logs/console`). */
  consoleLog: ConsoleLog;
  /** Reasoning signatures kept for clients whose format cannot carry them. */
  signatureVault: SignatureVault;
  /** Identical requests sharing one upstream call (idempotency). */
  coalescer: RequestCoalescer;
  /** Responses kept for `previous_response_id`. */
  responseStore: ResponseStore;
  /** Opt-in exact-signature cache of deterministic answers (memory + SQLite). */
  responseCache: ResponseCache;
  listen: { host: string; port: number };
  /** Bound only to loopback: with no client keys the API may stay open. */
  loopbackOnly: boolean;
  startedAt: number;
  version: string;
}
