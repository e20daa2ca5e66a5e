import type { ConsoleLog } from "../logging/console-log";
import type { ResponseCache } from "../cache/response-cache";
import type { RequestLogWriter } from "../logging/request-log-writer";
import type { RequestBodyLog } from "../logging/request-body-log";
import type { RequestCoalescer } from "../pipeline/request-coalescer";
import type { RequestPolicies } from "../pipeline/request-policies";
import type { PromptGuard } from "../security/prompt-guard";
import type { RouteGates } from "../routing/target-gate";
import type { PriceBook } from "../usage/price-book";
import type { QuotaTracker } from "../quota/quota-tracker";
import type { RequestEvents } from "../usage/request-events";
import type { ResponseStore } from "../pipeline/response-store";
import type { SignatureVault } from "../pipeline/signature-vault";
import type { AccountHealth } from "../routing/account-health";
import type { GatewayBudgets } from "../budgets/gateway-budgets";
import type { ModelRouter } from "../routing/model-router";
import type { RateLimiter } from "../routing/rate-limiter";
import type { AppServices } from "../services/app-services";
import type { LiveMonitor } from "../analytics/live-monitor";
import type { NetworkRules } from "../security/network-rules";
import type { RequestMetrics } from "../analytics/metrics";
import type { OAuthFlows } from "../oauth/oauth-flows";
import type { TokenManager } from "../oauth/token-manager";

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
  /** settings.requests (global system prompt, thinking mode), precomputed; `active` is false when all are off. */
  requestPolicies: RequestPolicies;
  /** settings.security.promptGuard compiled; `active` is false while it is off. */
  promptGuard: PromptGuard;
  /** Identical requests sharing one upstream call (idempotency). */
  coalescer: RequestCoalescer;
  /** Responses kept for `previous_response_id`. */
  responseStore: ResponseStore;
  /** Opt-in exact-signature cache of deterministic answers (memory + SQLite). */
  responseCache: ResponseCache;
  /** Optional request/response body logging (off unless settings.requestLog.bodies or ENABLE_REQUEST_LOGS). */
  bodyLog: RequestBodyLog;
  /** Finished requests, published in the log writer's batches (quota, budgets, metrics, live monitor listen). */
  requestEvents: RequestEvents;
  /** Prices per 1M tokens (user overrides over the catalog), for request costs. */
  priceBook: PriceBook;
  /** Running request counters and histograms for GET /metrics (fed by the request events). */
  metrics: RequestMetrics;
  /** Fan-out of finished requests to the dashboard's live streams (GET /api/monitor/stream). */
  liveMonitor: LiveMonitor;
  /** Reasons to skip a target (quota, budgets) or refuse a request (a key's budget) before routing. */
  gates: RouteGates;
  /** Dollar limits per client key, provider, combo or combo tier over a window, with their live spend. */
  budgets: GatewayBudgets;
  /** Quota windows per account and provider-reported limits: usage, resets, and which accounts routing skips. */
  quota: QuotaTracker;
  /** OAuth accounts' token lifecycle (refresh, single-flight, re-auth state) and quota polling; `registry` holds the modules. */
  oauth: TokenManager;
  /** Sign-in flows in progress (management API /api/oauth). */
  oauthFlows: OAuthFlows;
  listen: { host: string; port: number };
  /** Split-port mode: where the dashboard and management API listen (always loopback); null = on `listen`. */
  adminListen: { host: string; port: number } | null;
  /** settings.security's allow / block lists, per-address limits and trusted proxies, compiled (src/security/network-rules.ts). */
  network: NetworkRules;
  /** Bound only to loopback: with no client keys the API may stay open. */
  loopbackOnly: boolean;
  /** Home directory of the coding-tool config files (CLI tools page); OMNIROUTE_TOOLS_HOME, else the user's home. */
  toolsHome?: string;
  startedAt: number;
  version: string;
}
