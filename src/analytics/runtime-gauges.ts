import type { BreakerState } from "../routing/circuit-breaker";
import type { GatewayRuntime } from "../server/gateway-runtime";
import type { Labels, PrometheusText } from "./prometheus-text";

const BREAKER_VALUE: Readonly<Record<BreakerState, number>> = { closed: 0, "half-open": 1, open: 2 };

/** The gateway's state read at scrape time (nothing is kept between scrapes): health, queues, cache, process. */
export function writeRuntimeGauges(text: PrometheusText, runtime: GatewayRuntime, now: number = Date.now()): void {
  text.single("omniroute_build_info", "gauge", "Always 1; the version is a label.", [[{ version: runtime.version }, 1]]);
  text.single("omniroute_uptime_seconds", "gauge", "Seconds since the gateway started.", [[{}, Math.floor((now - runtime.startedAt) / 1000)]]);
  const memory = process.memoryUsage();
  text.single("omniroute_process_memory_bytes", "gauge", "Memory of the gateway process (process.memoryUsage()).", [
    [{ type: "rss" }, memory.rss],
    [{ type: "heap_total" }, memory.heapTotal],
    [{ type: "heap_used" }, memory.heapUsed],
    [{ type: "external" }, memory.external],
    [{ type: "array_buffers" }, memory.arrayBuffers],
  ]);

  const { accounts, providers } = runtime.health.snapshot();
  const account = (a: (typeof accounts)[number]): Labels => ({ provider: a.providerId, connection: a.connectionId });
  text.single(
    "omniroute_account_breaker_state",
    "gauge",
    "Circuit breaker of each account used since the start: 0 closed, 1 half-open, 2 open.",
    accounts.map((a) => [account(a), BREAKER_VALUE[a.breaker.state]] as const),
  );
  text.single(
    "omniroute_provider_breaker_state",
    "gauge",
    "Circuit breaker of each provider: 0 closed, 1 half-open, 2 open.",
    providers.map((p) => [{ provider: p.providerId }, BREAKER_VALUE[p.breaker.state]] as const),
  );
  text.single(
    "omniroute_account_cooldown_seconds",
    "gauge",
    "Seconds until a rate-limited account may be used again (0 when not cooling down).",
    accounts.map((a) => [account(a), a.cooldownUntil !== null ? Math.max(0, (a.cooldownUntil - now) / 1000) : 0] as const),
  );
  text.single(
    "omniroute_account_needs_reauth",
    "gauge",
    "1 while an account is set aside after its key was refused.",
    accounts.map((a) => [account(a), a.needsReauth ? 1 : 0] as const),
  );
  text.single("omniroute_account_inflight", "gauge", "Requests in flight per account.", accounts.map((a) => [account(a), a.inflight] as const));

  const limits = runtime.rateLimiter.snapshot();
  text.single("omniroute_rate_limit_queued", "gauge", "Requests waiting in each routing.rateLimits queue.", limits.limits.map((l) => [{ key: l.key }, l.queued] as const));
  text.single("omniroute_rate_limit_inflight", "gauge", "Requests in flight under each routing.rateLimits limit.", limits.limits.map((l) => [{ key: l.key }, l.inflight] as const));
  text.single("omniroute_rate_limit_refused_total", "counter", "Requests refused by each routing.rateLimits limit (queue full or timed out).", limits.limits.map((l) => [{ key: l.key }, l.refused] as const));
  text.single("omniroute_rate_limit_waiting", "gauge", "Requests waiting for a rate-limit slot, all limits together.", [[{}, limits.waiting]]);

  const cache = runtime.responseCache.stats();
  text.single("omniroute_response_cache_lookups_total", "counter", "Response cache lookups of cacheable requests by result.", [
    [{ result: "hit" }, cache.hits],
    [{ result: "miss" }, cache.misses],
    [{ result: "bypass" }, cache.bypasses],
  ]);
  text.single("omniroute_response_cache_stores_total", "counter", "Answers stored in the response cache.", [[{}, cache.stores]]);
  text.single("omniroute_response_cache_evictions_total", "counter", "Answers dropped from the response cache's memory for room.", [[{}, cache.evictions]]);
  text.single("omniroute_response_cache_entries", "gauge", "Answers in the response cache's memory.", [[{}, cache.entries]]);
  text.single("omniroute_response_cache_memory_bytes", "gauge", "Bytes of answers in the response cache's memory.", [[{}, cache.memoryBytes]]);

  text.single("omniroute_request_log_pending", "gauge", "Finished requests waiting for the request log's next batch.", [[{}, runtime.logWriter.pending()]]);
  text.single("omniroute_request_log_dropped_total", "counter", "Request-log rows dropped because the queue was full.", [[{}, runtime.logWriter.dropped]]);
  text.single("omniroute_monitor_subscribers", "gauge", "Live-monitor streams open.", [[{}, runtime.liveMonitor.subscriberCount]]);
}
