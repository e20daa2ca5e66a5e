import { Elysia } from "elysia";
import type { GatewayRuntime } from "../gateway-runtime";
import { sseResponse } from "./sse-response";

/** The live monitor: one server-sent event per finished request, for the dashboard. */
export function monitorRoutes(runtime: GatewayRuntime) {
  return new Elysia({ name: "admin:monitor", detail: { tags: ["Analytics"] } }).get(
    "/api/monitor/stream",
    ({ request, server }) => {
      // Open for as long as the dashboard watches: exempt from the server's idle timeout (heartbeats keep proxies awake).
      server?.timeout(request, 0);
      const monitor = runtime.liveMonitor;
      return sseResponse(({ send, close }) => {
        send("retry: 2000\nevent: ready\ndata: {}\n\n");
        return monitor.subscribe({ event: (json) => send(`event: request\ndata: ${json}\n\n`), end: close });
      });
    },
    {
      detail: {
        summary:
          "Live monitor as server-sent events: `event: ready` once subscribed, then one `event: request` per finished request (compact JSON), a comment every 15 s",
      },
    },
  );
}
