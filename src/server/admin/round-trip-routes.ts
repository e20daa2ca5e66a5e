import { Elysia } from "elysia";
import { z } from "zod";
import { WIRE_FORMATS } from "../../formats/wire-formats";
import type { IRFormat, IRResponse } from "../../ir/ir-types";
import { StreamCollector } from "../../ir/stream-collector";
import { attachTrace, releaseTrace, RequestTrace } from "../../pipeline/request-trace";
import { redact } from "../../security/redact";
import { internalError } from "../api-routes";
import type { GatewayRuntime } from "../gateway-runtime";
import { handleMessages } from "../surfaces/anthropic-handler";
import { handleGeminiModelCall } from "../surfaces/gemini-handler";
import { handleChatCompletions } from "../surfaces/openai-chat-handler";
import { handleResponses } from "../surfaces/openai-responses-handler";
import { ApiError } from "./api-error";

const formatSchema = z.enum(["openai-chat", "openai-responses", "anthropic", "gemini"]);

export const roundTripRequestSchema = z
  .object({
    format: formatSchema.describe("The client format `body` is written in (the surface it is sent to)"),
    body: z.record(z.string(), z.unknown()).describe("The client's request body"),
    model: z.string().min(1).max(300).optional().describe("Model id to route to; replaces `body.model` (required for gemini, whose model is in the path)"),
    stream: z.boolean().optional().describe("gemini only: call :streamGenerateContent (SSE) instead of :generateContent; other formats use `body.stream`"),
  })
  .strict();

export type RoundTripInput = z.infer<typeof roundTripRequestSchema>;

/** Longest body text shown per stage; more is cut (after redaction) with a note. */
export const MAX_SHOWN_BODY = 256 * 1024;

export interface RoundTripResult {
  clientRequest: { format: IRFormat; method: "POST"; path: string; body: string };
  /** The upstream's wire format, null when no upstream was called (cache hit, shared answer, refused before routing). */
  upstreamFormat: IRFormat | null;
  upstreamRequest: { method: string; url: string; headers: Record<string, string>; body: string } | null;
  upstreamResponse: { status: number; headers: Record<string, string>; body: string } | null;
  clientResponse: { status: number; headers: Record<string, string>; body: string; answerText: string | null };
  route: { requestId: string | null; provider: string | null; target: string | null; translated: boolean; attempts: number; failover: string | null };
  latencyMs: number;
}

type Handler = (runtime: GatewayRuntime, request: Request) => Promise<Response>;

/** Where each client format is served, as an in-process call (the same handlers the HTTP routes use). */
function surfaceCall(input: RoundTripInput, model: string): { path: string; handle: Handler } {
  switch (input.format) {
    case "openai-chat":
      return { path: "/v1/chat/completions", handle: handleChatCompletions };
    case "openai-responses":
      return { path: "/v1/responses", handle: handleResponses };
    case "anthropic":
      return { path: "/v1/messages", handle: handleMessages };
    case "gemini": {
      const method = input.stream ? "streamGenerateContent?alt=sse" : "generateContent";
      return { path: `/v1beta/models/${encodeURIComponent(model)}:${method}`, handle: (runtime, request) => handleGeminiModelCall(runtime, request, "/v1beta/models/") };
    }
  }
}

const shownClientHeader = (name: string) => name === "content-type" || name === "retry-after" || name === "x-request-id" || name.startsWith("x-omniroute-");

/** The answer's text as the client would read it: decoded with the client format's own adapter (its SSE, for a stream). */
export function answerTextOf(format: IRFormat, status: number, contentType: string, body: string): string | null {
  if (status >= 400) return null;
  const adapter = WIRE_FORMATS[format].adapter;
  let answer: IRResponse;
  try {
    if (contentType.includes("text/event-stream")) {
      const collector = new StreamCollector();
      const decoder = adapter.createStreamDecoder();
      const emit = (event: Parameters<StreamCollector["push"]>[0]) => collector.push(event);
      decoder.push(body, emit);
      decoder.end(emit);
      if (collector.error) return null;
      answer = collector.toResponse();
    } else {
      answer = adapter.decodeResponse(JSON.parse(body));
    }
  } catch {
    return null;
  }
  return answer.content.map((part) => (part.type === "text" ? part.text : "")).join("");
}

/**
 * Sends one request through the real gateway pipeline — the surface handler, routing, translation, the upstream
 * call — with a trace attached, and returns every stage. Secrets never leave: credential headers are not kept, and
 * every body goes through redact() with the connection's own keys.
 */
export async function runRoundTrip(runtime: GatewayRuntime, input: RoundTripInput, signal?: AbortSignal): Promise<RoundTripResult> {
  const bodyModel = typeof input.body.model === "string" && input.body.model !== "" ? input.body.model : undefined;
  const model = input.model ?? (input.format === "gemini" ? undefined : bodyModel);
  if (!model) throw new ApiError(400, input.format === "gemini" ? "model: required for gemini (its model goes in the path)." : "model: required (as `model` or in the body).", "invalid_request");
  const body = input.format === "gemini" ? input.body : { ...input.body, model };
  const { path, handle } = surfaceCall(input, model);
  const bodyText = JSON.stringify(body, null, 2);

  const trace = new RequestTrace();
  const request = new Request(`http://omniroute.internal${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: bodyText,
    ...(signal ? { signal } : {}),
  });
  attachTrace(request, trace);
  const started = performance.now();
  let response: Response;
  let responseText: string;
  try {
    try {
      response = await handle(runtime, request);
    } catch (error) {
      response = internalError(input.format, request, error);
    }
    responseText = await response.text().catch(() => "");
  } finally {
    releaseTrace(request);
  }
  const upstreamBody = trace.upstreamResponse ? await trace.upstreamResponse.body : "";
  const latencyMs = Math.round(performance.now() - started);

  const secrets = [...trace.secrets];
  const scrub = (text: string) => {
    const clean = redact(text, secrets);
    return clean.length > MAX_SHOWN_BODY ? `${clean.slice(0, MAX_SHOWN_BODY)}\n… (${clean.length - MAX_SHOWN_BODY} more characters not shown)` : clean;
  };
  const scrubHeaders = (headers: Record<string, string>) => Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, redact(value, secrets)]));

  const clientHeaders: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    if (shownClientHeader(name)) clientHeaders[name] = value;
  });
  const answerText = answerTextOf(input.format, response.status, response.headers.get("content-type") ?? "", responseText);
  const upstream = trace.upstreamRequest;
  return {
    clientRequest: { format: input.format, method: "POST", path, body: scrub(bodyText) },
    upstreamFormat: trace.upstreamFormat,
    upstreamRequest: upstream ? { method: upstream.method, url: redact(upstream.url, secrets), headers: scrubHeaders(upstream.headers), body: scrub(upstream.body) } : null,
    upstreamResponse: trace.upstreamResponse
      ? { status: trace.upstreamResponse.status, headers: scrubHeaders(trace.upstreamResponse.headers), body: scrub(upstreamBody) }
      : null,
    clientResponse: { status: response.status, headers: scrubHeaders(clientHeaders), body: scrub(responseText), answerText: answerText === null ? null : redact(answerText, secrets) },
    route: {
      requestId: response.headers.get("x-request-id"),
      provider: response.headers.get("x-omniroute-provider"),
      target: response.headers.get("x-omniroute-model"),
      translated: trace.upstreamFormat !== null && trace.upstreamFormat !== input.format,
      attempts: trace.attempts,
      failover: response.headers.get("x-omniroute-route"),
    },
    latencyMs,
  };
}

/** `POST /api/translate/round-trip`: the dashboard's chat tester and test bench. */
export function roundTripRoutes(runtime: GatewayRuntime) {
  return new Elysia({ name: "admin:round-trip", detail: { tags: ["Translator"] } }).post(
    "/api/translate/round-trip",
    ({ body, request, server }) => {
      // A generation can take minutes: exempt this call from the server's idle timeout, like the API routes.
      server?.timeout(request, 0);
      return runRoundTrip(runtime, body, request.signal);
    },
    {
      body: roundTripRequestSchema,
      detail: {
        summary:
          "Send one request through the gateway as a client would (routing, translation, the real upstream) and return every stage: " +
          "client request, upstream request (no credential headers), upstream response, client response; bodies redacted",
      },
    },
  );
}
