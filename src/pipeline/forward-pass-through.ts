import { openAIErrorBody, readUpstreamError } from "../formats/openai-chat/openai-chat-error";
import { buildUpstreamChatBody, type OpenAIChatRequest } from "../formats/openai-chat/openai-chat-request";
import { readOpenAIUsage, readOpenAIUsageFromChunks } from "../formats/openai-chat/openai-chat-usage";
import type { RouteTarget } from "../routing/model-router";
import { redact } from "../security/redact";
import type { GatewayRuntime } from "../server/gateway-runtime";
import { callUpstream, UpstreamFailure } from "../upstream/call-upstream";
import { meterBody } from "../upstream/metered-body";
import { UpstreamTimeoutError } from "../upstream/upstream-deadline";
import type { RequestRecord } from "./request-record";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Upstream response headers worth passing to the client: rate-limit state and retry hints. */
function copyPassThroughHeaders(from: Headers, to: Record<string, string>): void {
  from.forEach((value, name) => {
    if (name === "retry-after" || name.startsWith("x-ratelimit-")) to[name] = value;
  });
}

export interface ForwardInput {
  raw: string;
  request: OpenAIChatRequest;
  target: RouteTarget;
  record: RequestRecord;
  clientSignal: AbortSignal;
}

/**
 * OpenAI Chat in, OpenAI Chat upstream: the body goes up with only the model id swapped, and the response
 * bytes come back untouched. Usage is read from the last few KB after the fact; errors become OpenAI errors
 * with the upstream's status and message.
 */
export async function forwardOpenAIChat(runtime: GatewayRuntime, input: ForwardInput): Promise<Response> {
  const { target, record, request } = input;
  const connection = target.connection;
  const settings = runtime.services.settings.get();
  const baseHeaders: Record<string, string> = {
    "x-request-id": record.id,
    "x-omniroute-provider": connection.provider.id,
    "x-omniroute-model": `${target.prefix}/${target.upstreamModel}`,
  };
  const fail = (status: number, message: string, code: string, extra: Record<string, string> = {}) => {
    runtime.logWriter.push(record.finish(status, message));
    return new Response(openAIErrorBody(status, message, { code }), {
      status,
      headers: { ...baseHeaders, ...extra, "content-type": "application/json" },
    });
  };

  let upstream: Awaited<ReturnType<typeof callUpstream>>;
  try {
    upstream = await callUpstream({
      url: connection.chatUrl,
      origin: connection.origin,
      headers: connection.headers,
      body: buildUpstreamChatBody(input.raw, request, target.upstreamModel, connection.provider.quirks),
      clientSignal: input.clientSignal,
      timeouts: settings.timeouts,
    });
  } catch (error) {
    if (error instanceof UpstreamFailure) {
      if (error.kind === "client-closed") return fail(499, "client closed the request", "client_closed");
      const timeout = error.kind === "connect-timeout" || error.kind === "first-byte-timeout";
      return fail(
        timeout ? 504 : 502,
        `Provider ${connection.provider.name} (connection "${connection.name}") ${error.message}.`,
        timeout ? "upstream_timeout" : "upstream_unreachable",
      );
    }
    throw error;
  }
  const { response, deadline } = upstream;

  if (!response.ok) {
    const text = await response.text().catch(() => "");
    deadline.finish();
    const headers: Record<string, string> = { ...baseHeaders, "content-type": "application/json" };
    copyPassThroughHeaders(response.headers, headers);
    const status = response.status >= 300 && response.status < 400 ? 502 : response.status;
    const upstreamError = readUpstreamError(response.status, text);
    const message =
      response.status >= 300 && response.status < 400
        ? `Provider ${connection.provider.name} answered with a redirect (HTTP ${response.status}), which OmniRoute does not follow. Check the connection's base URL.`
        : redact(upstreamError.message, connection.apiKey ? [connection.apiKey] : []);
    runtime.logWriter.push(record.finish(status, message));
    return new Response(
      openAIErrorBody(status, message, { type: upstreamError.type, code: upstreamError.code, param: upstreamError.param }),
      { status, headers },
    );
  }

  const headers: Record<string, string> = {
    ...baseHeaders,
    "content-type": response.headers.get("content-type") ?? (record.stream ? "text/event-stream" : "application/json"),
  };
  copyPassThroughHeaders(response.headers, headers);
  const isEventStream = headers["content-type"]!.startsWith("text/event-stream");

  if (!isEventStream || !response.body) {
    // A non-stream completion arrives in one piece after generation: hand the bytes over as they are.
    let bytes: Uint8Array;
    try {
      bytes = await response.bytes();
    } catch (error) {
      const reason = deadline.signal.aborted ? deadline.signal.reason : error;
      deadline.finish();
      if (reason instanceof UpstreamFailure && reason.kind === "client-closed") return fail(499, "client closed the request", "client_closed");
      const message = reason instanceof UpstreamTimeoutError ? reason.message : "broke off the response";
      return fail(502, `Provider ${connection.provider.name} ${message}.`, "upstream_broken_response");
    }
    deadline.finish();
    record.markFirstByte();
    record.readUsageLater(() => readOpenAIUsage(decoder.decode(bytes.byteLength > 16384 ? bytes.subarray(bytes.byteLength - 16384) : bytes)));
    runtime.logWriter.push(record.finish(response.status, null));
    return new Response(bytes as Uint8Array<ArrayBuffer>, { status: response.status, headers });
  }

  headers["cache-control"] = "no-cache";
  headers["x-accel-buffering"] = "no";
  const body = meterBody(response.body, deadline, {
    onFirstByte: () => record.markFirstByte(),
    onEnd: ({ kind, tail, error }) => {
      record.readUsageLater(() => readOpenAIUsageFromChunks(tail));
      if (kind === "complete") runtime.logWriter.push(record.finish(response.status, null));
      else if (kind === "cancelled") runtime.logWriter.push(record.finish(499, "client closed the stream"));
      else runtime.logWriter.push(record.finish(502, `stream broken: ${describeStreamError(error)}`));
    },
    // Mid-stream failures end the stream with an OpenAI-style error event, so SDKs raise instead of hanging.
    errorFrame: (error) =>
      encoder.encode(
        `data: ${openAIErrorBody(502, `Provider ${connection.provider.name} ${describeStreamError(error)}.`, { code: "upstream_stream_error" })}\n\n`,
      ),
  });
  return new Response(body, { status: response.status, headers });
}

function describeStreamError(error: unknown): string {
  if (error instanceof UpstreamTimeoutError) return error.message;
  if (error instanceof UpstreamFailure) return error.message;
  return "broke off the stream";
}
