import { ResponseCache } from "../cache/response-cache";
import type { RuntimeConfig } from "../config/runtime-config";
import { ConfigError } from "../config/runtime-config";
import type { Settings } from "../config/settings-schema";
import { ConsoleLog, consoleLogPath } from "../logging/console-log";
import { installConsoleLog } from "../logging/logger";
import { followLoggingSettings } from "../logging/logging-settings";
import { RequestBodyLog } from "../logging/request-body-log";
import { RequestLogWriter } from "../logging/request-log-writer";
import { RequestBodiesRepo } from "../store/repos/request-bodies-repo";
import { PriceBook } from "../usage/price-book";
import { RequestEvents } from "../usage/request-events";
import { LiveMonitor } from "../analytics/live-monitor";
import { RequestMetrics } from "../analytics/metrics";
import { estimateUsage } from "../usage/usage-estimate";
import { RequestCoalescer } from "../pipeline/request-coalescer";
import { RequestPolicies } from "../pipeline/request-policies";
import { PromptGuard } from "../security/prompt-guard";
import { ResponseStore } from "../pipeline/response-store";
import { SignatureVault } from "../pipeline/signature-vault";
import { resolveDashboardDir } from "../platform/asset-root";
import { VERSION } from "../platform/version";
import { AccountHealth } from "../routing/account-health";
import { startBudgets } from "../budgets/gateway-budgets";
import { ModelRouter } from "../routing/model-router";
import { startQuota } from "../quota/gateway-quota";
import { attachQuotaGate } from "../quota/quota-gate";
import { RateLimiter } from "../routing/rate-limiter";
import { NetworkRules } from "../security/network-rules";
import { OAuthFlows } from "../oauth/oauth-flows";
import { OAuthRegistry } from "../oauth/oauth-registry";
import { TokenManager } from "../oauth/token-manager";
import { planQuotaFetchers } from "../quota/plan-quota";
import { PlanQuotaPoller } from "../quota/plan-quota/plan-quota-poller";
import { openAppServices, type AppServices } from "../services/app-services";
import { isLoopbackHost } from "../util/is-loopback";
import { apiRoutes } from "./api-routes";
import { healthResponse } from "./health-report";
import type { OmniRouteApp } from "./app";
import { DashboardAssets } from "./dashboard";
import type { GatewayRuntime } from "./gateway-runtime";
import { gateHealthRequest, gateRequest, type Listener } from "./network-gate";

export interface RunningGateway {
  url: string;
  /** Split-port mode: the loopback URL of the dashboard and management API; null when they are on `url`. */
  adminUrl: string | null;
  runtime: GatewayRuntime;
  /** The management app, loaded and built on first use (by the first request that needs it, or this call). */
  loadApp(): Promise<OmniRouteApp>;
  /** Admin password generated at this first start, to be shown once; null otherwise. */
  generatedPassword: string | null;
  /** Quota polls of API-key coding plans (Kimi, GLM, MiniMax); off the request path. */
  planQuota: PlanQuotaPoller;
  /** Stops accepting, lets in-flight requests finish (bounded by settings.shutdown.drainMs), flushes logs, closes the store. */
  stop(): Promise<void>;
}

const HOUR = 3600_000;
/** Split-port mode's admin listener binds here, never to HOST. */
const ADMIN_HOST = "127.0.0.1";

export async function startGateway(config: RuntimeConfig, options: { dashboardDir?: string | null } = {}): Promise<RunningGateway> {
  const services: AppServices = openAppServices({ dataDir: config.dataDir, secret: config.secret });
  const timers: Array<ReturnType<typeof setInterval>> = [];
  let responseCache: ResponseCache | undefined;
  const consoleLog = createConsoleLog(services, config);
  const stopFollowingSettings = followLoggingSettings(consoleLog, services.settings, config.logLevel);
  // Module-level loggers (code without the runtime at hand) write here from now on.
  const uninstallConsoleLog = installConsoleLog(consoleLog);
  const log = consoleLog.child("gateway");
  let stopFollowingNetwork = () => {};
  try {
    const loopbackOnly = isLoopbackHost(config.host);
    if (!loopbackOnly && !services.apiKeys.hasActiveKeys()) {
      throw new ConfigError(
        `Refusing to listen on ${config.host}: the API would be reachable from the network without any client API key.\n` +
          `Create one first:  omniroute keys create <name> --data-dir ${config.dataDir}\n` +
          `or listen on 127.0.0.1 (the default).`,
      );
    }
    const { generated } = services.adminAuth.ensurePassword(config.initialPassword);
    const router = new ModelRouter(services.connections, services.registry, services.combos, {
      // Through the runtime, so a replaced health tracker (tests) is the one consulted.
      accountStats: (id) => runtime.health.stats(id),
      accountAvailable: (id, providerId) => runtime.health.check(id, providerId).available,
      accountQuota: (id) => runtime.quota.figures(id),
      modelAliases: () => services.settings.get().routing.modelAliases,
      disabledProviders: () => services.settings.get().routing.disabledProviders,
      defaultStrategies: () => {
        const routing = services.settings.get().routing;
        return { accounts: routing.accountStrategy, combos: routing.comboStrategy };
      },
    });
    const requestEvents = new RequestEvents();
    const priceBook = new PriceBook(services.registry, () => services.settings.get().pricing.models);
    const logWriter = new RequestLogWriter(services.requestLogsRepo, {
      onFlush: () => services.apiKeys.flushLastUsed(),
      enabled: () => services.settings.get().requestLog.enabled,
      events: requestEvents,
      costOf: (providerId, model, usage) => priceBook.costOf(providerId, model, usage),
      estimate: estimateUsage,
      log: consoleLog.child("request-log"),
    });
    logWriter.start();
    // A key used by a call that writes no log row (GET /v1/models) still gets its last use written soon.
    services.apiKeys.onLastUsedPending(() => logWriter.schedule());
    const bodiesRepo = new RequestBodiesRepo(services.store.sqlite);
    const bodyLog = new RequestBodyLog(bodiesRepo, {
      enabled: () => config.requestBodies || services.settings.get().requestLog.bodies,
      maxBytes: () => services.settings.get().requestLog.maxBodyBytes,
      knownSecrets: () => services.connections.runtime().flatMap((c) => (c.apiKey ? [c.apiKey] : [])),
    });
    bodyLog.start();
    const network = new NetworkRules(services.settings.get().security, { onInvalidEntry: (message) => log.error(message) });
    stopFollowingNetwork = followNetworkSettings(services, network);
    responseCache = new ResponseCache({ settings: () => services.settings.get().cache, dataDir: config.dataDir });
    responseCache.start();
    const oauthRegistry = new OAuthRegistry();
    // Through the runtime, so a replaced health tracker or quota tracker (tests) is the one fed.
    const oauth = new TokenManager({ connections: services.connections, registry: oauthRegistry, health: () => runtime.health, quota: () => runtime.quota, log: consoleLog.child("oauth") });
    const runtime: GatewayRuntime = {
      services,
      router,
      health: new AccountHealth(),
      rateLimiter: new RateLimiter(services.settings.get().routing.rateLimits),
      logWriter,
      consoleLog,
      signatureVault: new SignatureVault(),
      responseStore: new ResponseStore(),
      coalescer: new RequestCoalescer(),
      requestPolicies: new RequestPolicies(services.settings),
      promptGuard: new PromptGuard(services.settings),
      responseCache,
      bodyLog,
      requestEvents,
      priceBook,
      metrics: new RequestMetrics(),
      liveMonitor: new LiveMonitor(),
      gates: { targets: [], requests: [] },
      budgets: startBudgets(services, requestEvents),
      quota: startQuota(services, requestEvents),
      oauth,
      oauthFlows: new OAuthFlows({ registry: oauthRegistry, connections: services.connections, providers: services.registry, tokens: oauth, log: consoleLog.child("oauth") }),
      listen: { host: config.host, port: config.port },
      adminListen: null,
      network,
      loopbackOnly,
      toolsHome: config.toolsHome,
      startedAt: Date.now(),
      version: VERSION,
    };
    runtime.budgets.attachGates(runtime.gates);
    attachQuotaGate(runtime.quota, runtime.gates);
    // OAuth accounts: stored re-auth states flagged for routing, refreshes and quota polls planned.
    runtime.oauth.start();
    // API-key coding plans: their quota endpoints polled in the background (no timer while no such connection).
    const planQuota = new PlanQuotaPoller({ connections: services.connections, fetchers: planQuotaFetchers(), quota: () => runtime.quota, log: consoleLog.child("plan-quota") });
    planQuota.start();
    // Client keys' own request limits: answered 429 before routing (free while no key has one).
    runtime.gates.requests.unshift(services.apiKeys.rateGate);
    requestEvents.subscribe(runtime.metrics.listener);
    requestEvents.subscribe(runtime.liveMonitor.listener);
    const dashboard = new DashboardAssets(options.dashboardDir === undefined ? resolveDashboardDir() : options.dashboardDir);
    // The management app (the admin routes, their schemas, the OpenAPI document, the dashboard) is loaded and built
    // by the first request that needs it, not at start: the API routes and the health probe below never do, so a
    // gateway serves its first call sooner and an API-only gateway never pays the app's memory (≈ 35 ms once, on
    // the first dashboard load).
    let app: OmniRouteApp | undefined;
    let appLoading: Promise<OmniRouteApp> | undefined;
    const loadApp = (): Promise<OmniRouteApp> =>
      (appLoading ??= import("./app").then(({ createApp }) => {
        app = createApp(runtime, dashboard);
        // Handlers behind Elysia read the client address and per-request timeouts from the server.
        app.server = server;
        return app;
      }));
    const toApp = (request: Request): Response | Promise<Response> =>
      app ? app.handle(request) : loadApp().then((loaded) => loaded.handle(request));
    // Every request that is not a native API route: its client address is recorded, then the network rules (and in
    // split-port mode, which listener serves what) may answer before the app is even loaded; management calls that
    // reach the app are audited (src/audit/audit-log.ts; anything outside /api costs one prefix test).
    const handle = (listener: Listener) => (request: Request, receiver: Bun.Server<undefined>) =>
      gateRequest(network, request, receiver, listener) ?? services.audit.around(request, toApp);
    const splitPort = config.adminPort !== undefined;
    const server = Bun.serve({
      hostname: config.host,
      port: config.port,
      // Our own per-surface limit answers in the caller's format; this only stops absurd uploads.
      maxRequestBodySize: 512 * 1024 * 1024,
      // Idle keep-alive sockets close after a minute; API calls waiting on a slow upstream opt out per request.
      idleTimeout: 60,
      development: false,
      routes: {
        ...apiRoutes(runtime),
        // Load balancers probe it on the API port, so it stays there in split-port mode; it follows the dashboard rules.
        "/api/health": { GET: (request, receiver) => gateHealthRequest(network, request, receiver) ?? healthResponse(runtime, request) },
      },
      fetch: handle(splitPort ? "api" : "single"),
    });
    runtime.listen = { host: config.host, port: server.port! };
    let adminServer: ReturnType<typeof Bun.serve> | undefined;
    if (splitPort) {
      try {
        // Always loopback, whatever HOST is: the management plane is for someone at this machine (or an SSH tunnel).
        adminServer = Bun.serve({
          hostname: ADMIN_HOST,
          port: config.adminPort,
          maxRequestBodySize: 512 * 1024 * 1024,
          idleTimeout: 60,
          development: false,
          fetch: handle("admin"),
        });
      } catch (error) {
        server.stop(true);
        if ((error as { code?: string }).code === "EADDRINUSE") {
          throw new ConfigError(`the admin port ${config.adminPort} is already in use. Choose another with --admin-port (or ADMIN_PORT).`);
        }
        throw error;
      }
      runtime.adminListen = { host: ADMIN_HOST, port: adminServer.port! };
    }

    timers.push(
      setInterval(() => {
        if (services.reloadIfChangedExternally()) {
          log.info("store changed by another process: connections, combos, keys and settings reloaded");
          router.rebuild();
          runtime.budgets.service.reload();
          runtime.rateLimiter.configure(services.settings.get().routing.rateLimits);
        }
      }, 1000),
      setInterval(() => {
        const days = services.settings.get().requestLog.retentionDays;
        services.requestLogsRepo.pruneOlderThan(Date.now() - days * 24 * HOUR);
        bodiesRepo.pruneOlderThan(Date.now() - days * 24 * HOUR);
      }, HOUR),
    );
    for (const timer of timers) timer.unref?.();

    const host = config.host.includes(":") ? `[${config.host}]` : config.host;
    const url = `http://${host}:${server.port}`;
    const adminUrl = adminServer ? `http://${ADMIN_HOST}:${adminServer.port}` : null;
    log.info(`listening on ${url}`, { version: VERSION, dataDir: config.dataDir, logFile: consoleLog.filePath ?? null, logLevel: consoleLog.level });
    if (adminUrl) log.info(`split-port mode: dashboard and management API on ${adminUrl} (loopback only); ${url} serves only /v1, /v1beta and GET /api/health`);
    if (generated) log.info("first start: a dashboard password was generated and shown once on the terminal");
    let stopping: Promise<void> | undefined;
    return {
      url,
      adminUrl,
      runtime,
      loadApp,
      generatedPassword: generated,
      planQuota,
      stop() {
        stopping ??= (async () => {
          for (const timer of timers) clearInterval(timer);
          const drainMs = services.settings.get().shutdown.drainMs;
          log.info("stopping: finishing in-flight requests", { drainMs });
          // Live console streams never end by themselves; close them so they do not hold the drain open.
          consoleLog.endSubscriptions();
          runtime.liveMonitor.endSubscriptions();
          // A cancellable timer, so a quick drain does not leave a pending sleep holding the process open.
          let drainTimer: ReturnType<typeof setTimeout> | undefined;
          const timedOut = await Promise.race([
            Promise.all([server.stop(false), adminServer?.stop(false)]).then(() => false),
            new Promise<boolean>((resolve) => {
              drainTimer = setTimeout(() => resolve(true), drainMs);
            }),
          ]);
          clearTimeout(drainTimer);
          if (timedOut) {
            log.warn(`in-flight requests still running after ${drainMs} ms were cut`);
            await Promise.all([server.stop(true), adminServer?.stop(true)]);
          }
          await services.adminAuth.whenReady();
          logWriter.stop();
          runtime.oauth.stop();
          planQuota.stop();
          runtime.oauthFlows.stop();
          runtime.budgets.stop();
          runtime.quota.stop();
          bodyLog.stop();
          runtime.requestPolicies.stop();
          runtime.promptGuard.stop();
          responseCache!.stop();
          stopFollowingSettings();
          stopFollowingNetwork();
          services.close();
          log.info("stopped");
          uninstallConsoleLog();
          await consoleLog.close();
        })();
        return stopping;
      },
    };
  } catch (error) {
    for (const timer of timers) clearInterval(timer);
    responseCache?.stop();
    await services.adminAuth.whenReady().catch(() => {});
    stopFollowingSettings();
    stopFollowingNetwork();
    services.close();
    uninstallConsoleLog();
    await consoleLog.close();
    throw error;
  }
}

/** Recompiles the network rules when their settings change (a PATCH, a config import, another process's write). */
function followNetworkSettings(services: AppServices, network: NetworkRules): () => void {
  const networkPart = (security: Settings["security"]) =>
    JSON.stringify([security.apiAccess, security.dashboardAccess, security.trustedProxies, security.ipRateLimit]);
  return services.settings.onChange((next, previous) => {
    if (networkPart(next.security) !== networkPart(previous.security)) network.configure(next.security);
  });
}

/** The gateway's console log: `<dataDir>/logs/omniroute.log`, with the provider keys in use always masked. */
function createConsoleLog(services: AppServices, config: RuntimeConfig): ConsoleLog {
  let connections: ReturnType<AppServices["connections"]["runtime"]> | undefined;
  let secrets: string[] = [];
  return new ConsoleLog({
    filePath: consoleLogPath(config.dataDir),
    knownSecrets: () => {
      // The view is replaced on every change, so the list is rebuilt only then.
      const current = services.connections.runtime();
      if (current !== connections) {
        connections = current;
        secrets = current.flatMap((connection) => (connection.apiKey ? [connection.apiKey] : []));
      }
      return secrets;
    },
  });
}
