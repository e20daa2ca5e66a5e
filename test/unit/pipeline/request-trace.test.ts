import { describe, expect, test } from "bun:test";
import { attachTrace, claimTrace, releaseTrace, RequestTrace } from "../../../src/pipeline/request-trace";
import type { ConnectionRuntime } from "../../../src/services/connection-service";

const connection = { provider: { format: "anthropic" }, apiKey: "sk-ant-secret-value-123" } as unknown as ConnectionRuntime;

describe("request traces", () => {
  test("only the exact Request object a trace was attached to claims it, once", () => {
    const request = new Request("http://omniroute.internal/v1/messages", { method: "POST" });
    const lookalike = new Request("http://omniroute.internal/v1/messages", { method: "POST" });
    const trace = new RequestTrace();
    attachTrace(request, trace);
    expect(claimTrace(lookalike)).toBeNull();
    expect(claimTrace(request)).toBe(trace);
    expect(claimTrace(request)).toBeNull();
  });

  test("an unclaimed trace is released", () => {
    const request = new Request("http://omniroute.internal/v1/messages", { method: "POST" });
    attachTrace(request, new RequestTrace());
    releaseTrace(request);
    expect(claimTrace(request)).toBeNull();
  });

  test("credential headers are never kept, and their values become known secrets", () => {
    const trace = new RequestTrace();
    trace.sent({ ...connection, apiKey: null } as ConnectionRuntime, {
      url: "https://api.example/v1/messages",
      headers: { "x-api-key": "k-123456", authorization: "Bearer tok-abcdef", "anthropic-version": "2023-06-01", "content-type": "application/json" },
      body: "{}",
    });
    expect(trace.upstreamRequest!.headers).toEqual({ "anthropic-version": "2023-06-01", "content-type": "application/json" });
    expect([...trace.secrets].sort()).toEqual(["k-123456", "tok-abcdef"]);
    expect(trace.upstreamFormat).toBe("anthropic");
    expect(trace.attempts).toBe(1);
  });

  test("the response keeps a header subset and never set-cookie", async () => {
    const trace = new RequestTrace();
    trace.sent(connection, { url: "https://api.example/v1/messages", headers: {}, body: "{}" });
    expect(trace.secrets.has("sk-ant-secret-value-123")).toBe(true);
    const headers = new Headers({ "content-type": "application/json", "request-id": "req_1", "set-cookie": "a=b", "anthropic-ratelimit-requests-remaining": "9", server: "x" });
    trace.received(200, headers, Promise.reject(new Error("cut off")));
    expect(trace.upstreamResponse!.headers).toEqual({ "content-type": "application/json", "request-id": "req_1", "anthropic-ratelimit-requests-remaining": "9" });
    expect(await trace.upstreamResponse!.body).toBe("");
  });
});
