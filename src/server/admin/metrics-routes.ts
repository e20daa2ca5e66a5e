import { Elysia } from "elysia";
import { PROMETHEUS_CONTENT_TYPE, PrometheusText } from "../../analytics/prometheus-text";
import { writeRuntimeGauges } from "../../analytics/runtime-gauges";
import type { GatewayRuntime } from "../gateway-runtime";
import { guardManagementRequest } from "../guards/admin-session";

/**
 * `GET /metrics` in the Prometheus text format. Not under /api, so the app's guard does not run for it: the same
 * guard is applied here, unless settings `metrics.public` opens it to a scraper without a session.
 */
export function metricsRoutes(runtime: GatewayRuntime) {
  return new Elysia({ name: "admin:metrics", detail: { tags: ["Status"] } }).get(
    "/metrics",
    ({ request }) => {
      if (!runtime.services.settings.get().metrics.public) {
        const blocked = guardManagementRequest(runtime, request, "/metrics");
        if (blocked) return blocked;
      }
      const text = new PrometheusText();
      runtime.metrics.write(text);
      writeRuntimeGauges(text, runtime);
      return new Response(text.toString(), { headers: { "content-type": PROMETHEUS_CONTENT_TYPE, "cache-control": "no-store" } });
    },
    {
      detail: {
        summary:
          "Prometheus metrics (text format 0.0.4): requests, tokens, cost, latency and TTFB histograms, breakers, cool-downs, queues, cache, process; needs the dashboard session unless settings metrics.public is true",
      },
    },
  );
}
