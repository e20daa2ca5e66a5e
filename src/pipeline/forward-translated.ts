import { normalizeForUpstream } from "../formats/translate-document";
import { WIRE_FORMATS } from "../formats/wire-formats";
import type { ClientEncodeContext, StreamDecoder } from "../ir/format-adapter";
import type { IRError, IRFormat, IRRequest, IRResponse, IRStreamEvent, IRUsage } from "../ir/ir-types";
import { mergeUsage, responseToEvents, StreamCollector } from "../ir/stream-collector";
import type { RouteTarget } from "../routing/model-router";
import { redact } from "../security/redact";
import type { GatewayRuntime } from "../server/gateway-runtime";
import type { ConnectionRuntime } from "../services/connection-service";
import { UpstreamFailure, type UpstreamRequest } from "../upstream/call-upstream";
import { UpstreamTimeoutError, type UpstreamDeadline } from "../upstream/upstream-deadline";
import { applyRoleQuirks } from "./apply-role-quirks";
import { ImageFetchError, inlineImageUrls } from "./inline-image-urls";
import { answered, failed, readFirstChunk, type ForwardResult } from "./forward-result";
import type { RequestRecord } from "./request-record";
import { sendUpstream, withForwardedHeaders } from "./send-upstream";
import { translateStream } from "./translated-stream";
import { UnwrappingStreamDecoder } from "./unwrapping-stream-decoder";
import { copyRateLimitHeaders, routedResponseHeaders } from "./upstream-response-headers";
import { describeStreamError } from "./upstream-failure-error";

export interface TranslatedInput {
  clientFormat: IRFormat;
  /** The client's request in IR form; its model is replaced by the upstream's. */
  request: IRRequest;
  target: RouteTarget;
  record: RequestRecord;
  clientSignal: AbortSignal;
  /** The client's request headers (feature flags are forwarded when the upstream speaks the client's format). */
  clientHeaders?: Headers;
  /** Extra encoding choices of the client (Gemini framing, Chat usage chunk, our response id). */
  encoding?: Pick<ClientEncodeContext, "framing" | "includeUsage" | "responseId" | "toolNamespaces">;
  /** Receives the complete answer (used to keep Responses for previous_response_id). */
  onAnswer?: (response: IRResponse) => void;
}

/**
 * Client format ≠ upstream format: the IR request is encoded for the upstream, and its answer — a JSON body or
 * a stream — decoded to IR and re-encoded for the client, with errors in the client's own shape.
 */
export async function forwardTranslated(runtime: GatewayRuntime, input: TranslatedInput): Promise<ForwardResult> {
  const { target, record, request } = input;
  // An account missing what its requests need (Antigravity's project; API-key connections: this check only).
  const connection = target.connection.executor?.accountReady ? await readyConnection(runtime, target.connection) : target.connection;
  const upstreamWire = WIRE_FORMATS[connection.provider.format];
  const clientWire = WIRE_FORMATS[input.clientFormat];
  const settings = runtime.services.settings.get();
  const baseHeaders = routedResponseHeaders(record.id, target);
  record.upstreamFormat = connection.provider.format;
  const secrets = connection.apiKey ? [connection.apiKey] : [];
  /** An error that is the client's own (any other target would refuse it too): final. */
  const refuse = (error: IRError) => {
    runtime.logWriter.push(record.finish(error.status, error.message));
    return answered(
      new Response(clientWire.adapter.encodeError(error, record.id), { status: error.status, headers: { ...baseHeaders, "content-type": "application/json" } }),
    );
  };
  const clientClosed = () => {
    runtime.logWriter.push(record.finish(499, "client closed the request"));
    return answered(new Response(null, { status: 499, headers: baseHeaders }));
  };
  if (connection.oauth && connection.executor?.accountReady && !connection.executor.accountReady(connection.oauth.extra)) {
    return failed({ status: 503, type: "api_error", code: "account_not_ready", message: `Provider ${connection.provider.name}: the account is not set up yet (its project could not be found); it is retried on the next request.` });
  }
  // Upstreams that wrap every answer in an envelope (executor.unwrapChunk; null executor for API-key connections).
  const unwrap = connection.executor?.unwrapChunk?.bind(connection.executor);
  const createDecoder = unwrap
    ? () => new UnwrappingStreamDecoder(upstreamWire.adapter.createStreamDecoder(), unwrap)
    : () => upstreamWire.adapter.createStreamDecoder();

  request.model = target.upstreamModel;
  normalizeForUpstream(request, input.clientFormat, connection.provider.format);
  if (!clientWire.carriesSignatures) runtime.signatureVault.restore(request);
  applyRoleQuirks(request, connection.provider.quirks);
  if (upstreamWire.needsInlineImages) {
    try {
      await inlineImageUrls(request, settings.limits.maxImageBytes, input.clientSignal);
    } catch (error) {
      if (error instanceof ImageFetchError) return refuse({ status: 400, type: "invalid_request_error", code: "invalid_image_url", message: error.message });
      throw error;
    }
  }
  const body = upstreamWire.adapter.encodeRequest(request);
  upstreamWire.applyQuirks?.(body, target.upstreamModel, connection.provider.quirks);

  // Same format (a request that had to be rewritten): the client's feature flags still apply upstream.
  const headers =
    connection.provider.format === input.clientFormat
      ? withForwardedHeaders(connection.headers, upstreamWire.forwardedClientHeaders, input.clientHeaders)
      : connection.headers;
  let upstreamRequest: UpstreamRequest = {
    url: connection.generateUrl(target.upstreamModel, request.stream),
    origin: connection.origin,
    headers,
    body: JSON.stringify(body),
    clientSignal: input.clientSignal,
    // A combo target may set its own first-byte limit (then the next target is tried).
    timeouts: target.timeoutMs ? { ...settings.timeouts, firstByteMs: target.timeoutMs } : settings.timeouts,
  };
  // Subscription providers shape the request like their official client (API-key connections: this check only).
  if (connection.executor) {
    const { url, body: text } = upstreamRequest;
    upstreamRequest = {
      ...upstreamRequest,
      ...connection.executor.shape({
        url,
        headers,
        body: text!,
        clientHeaders: input.clientHeaders,
        clientBody: body,
        stream: request.stream,
        model: target.upstreamModel,
        ...(connection.oauth ? { account: connection.oauth.extra } : {}),
      }),
    };
  }
  const outcome = await sendUpstream(connection, upstreamRequest, upstreamWire.adapter.decodeError, record.trace);
  if (!outcome.ok) return outcome.error ? failed(outcome.error, outcome.headers) : clientClosed();
  const { deadline } = outcome;
  // An upstream whose answer is not in its format's framing (Kiro's binary event stream): the executor converts it.
  const response = connection.executor?.adaptResponse ? connection.executor.adaptResponse(outcome.response, target.upstreamModel) : outcome.response;

  const context: ClientEncodeContext = { requestId: record.id, model: `${target.prefix}/${target.upstreamModel}`, ...input.encoding };
  const responseHeaders: Record<string, string> = { ...baseHeaders };
  copyRateLimitHeaders(response.headers, responseHeaders);
  record.upstreamHeaders = responseHeaders;
  const remember = !clientWire.carriesSignatures && upstreamWire.carriesSignatures;
  const finishAnswer = (answer: IRResponse) => {
    if (remember) runtime.signatureVault.remember(answer);
    input.onAnswer?.(answer);
  };
  const upstreamStreams = (response.headers.get("content-type") ?? "").includes("text/event-stream");

  if (!request.stream || !upstreamStreams || !response.body) {
    let answer: IRResponse;
    try {
      if (upstreamStreams && response.body) {
        // A stream for a client that wanted one answer (an upstream that only streams, e.g. Codex): folded into it.
        const collected = await foldStream(response.body, deadline, createDecoder(), () => record.markFirstByte());
        deadline.finish();
        if (collected.error) return failed({ ...collected.error, status: collected.error.status >= 400 ? collected.error.status : 502 });
        answer = collected.toResponse();
      } else {
        const text = await response.text();
        deadline.finish();
        record.markFirstByte();
        const parsed: unknown = JSON.parse(text);
        answer = upstreamWire.adapter.decodeResponse(unwrap ? unwrap(parsed) : parsed);
      }
    } catch (error) {
      const reason = deadline.signal.aborted ? deadline.signal.reason : error;
      deadline.finish();
      if (reason instanceof UpstreamFailure && reason.kind === "client-closed") return clientClosed();
      const message = reason instanceof UpstreamTimeoutError ? reason.message : reason instanceof SyntaxError ? "answered with a body that is not valid JSON" : "broke off the response";
      return failed({ status: 502, type: "api_error", code: "upstream_broken_response", message: `Provider ${connection.provider.name} ${message}.` });
    }
    // A 200 that carries only an error, or no output at all, is a failure to route around.
    if (answer.content.length === 0 && (answer.finishReason === "error" || answer.finishReason === "stop") && !answer.refusal) {
      return failed({ status: 502, type: "api_error", code: "upstream_empty_response", message: `Provider ${connection.provider.name} answered without any output.` });
    }
    record.usage = answer.usage ?? null;
    finishAnswer(answer);
    runtime.logWriter.push(record.finish(200, null));
    if (!request.stream) {
      responseHeaders["content-type"] = "application/json";
      return answered(new Response(JSON.stringify(clientWire.adapter.encodeResponse(answer, context)), { status: 200, headers: responseHeaders }));
    }
    // The client asked for a stream but the upstream answered in one piece: stream it as one burst.
    const encoder = clientWire.adapter.createStreamEncoder(context);
    let text = "";
    for (const event of responseToEvents(answer)) text += encoder.encode(event);
    responseHeaders["content-type"] = context.framing === "json-array" ? "application/json" : "text/event-stream";
    return answered(new Response(text, { status: 200, headers: responseHeaders }));
  }

  const first = await readFirstChunk(response.body, deadline, connection.provider.name);
  if (!first.ok) return first.clientClosed ? clientClosed() : failed(first.error);
  // An upstream that opens its stream with an error event (Anthropic "overloaded") has sent nothing usable.
  const openingError = peekOpeningError(createDecoder(), first.first);
  if (openingError) {
    deadline.abort(new Error("failing over"));
    void first.reader.cancel().catch(() => {});
    return failed(openingError);
  }

  responseHeaders["content-type"] = context.framing === "json-array" ? "application/json" : "text/event-stream";
  responseHeaders["cache-control"] = "no-cache";
  responseHeaders["x-accel-buffering"] = "no";
  let usage: IRUsage | undefined;
  const collector = remember || input.onAnswer ? new StreamCollector() : null;
  const stream = translateStream(first, deadline, createDecoder(), clientWire.adapter.createStreamEncoder(context), {
    onFirstByte: () => record.markFirstByte(),
    onEvent(event) {
      collector?.push(event);
      if (event.type === "usage") usage = mergeUsage(usage, event.usage);
      else if (event.type === "start" && event.usage) usage = mergeUsage(usage, event.usage);
    },
    onEnd({ kind, error }) {
      record.usage = usage ?? null;
      if (kind === "complete") {
        if (collector && !collector.error) finishAnswer(collector.toResponse());
        runtime.logWriter.push(record.finish(collector?.error ? collector.error.status : 200, collector?.error?.message ?? null));
      } else if (kind === "cancelled") runtime.logWriter.push(record.finish(499, "client closed the stream"));
      else runtime.logWriter.push(record.finish(502, `stream broken: ${describeStreamError(error)}`));
    },
    breakError: (error) => ({
      status: 502,
      type: "api_error",
      code: "upstream_stream_error",
      message: redact(`Provider ${connection.provider.name} ${describeStreamError(error)}.`, secrets),
    }),
  });
  return answered(new Response(stream, { status: 200, headers: responseHeaders }));
}

/**
 * The connection as the request should use it: an OAuth account whose executor finds it not ready (Antigravity
 * without its project) is refreshed first — the module re-discovers the missing value during the refresh (single
 * flight: concurrent requests share it). Ready accounts, and any failure, leave it as it is.
 */
async function readyConnection(runtime: GatewayRuntime, connection: ConnectionRuntime): Promise<ConnectionRuntime> {
  if (!connection.oauth || connection.executor!.accountReady!(connection.oauth.extra)) return connection;
  try {
    return await runtime.oauth.refreshNow(connection.id);
  } catch {
    return connection;
  }
}

/**
 * A whole upstream stream folded into one answer, decoded chunk by chunk (nothing buffered but the answer). Being a
 * stream, it is held to the first-byte limit, then the idle limit between chunks — not to one limit for the whole
 * generation as a JSON answer is. `error` is set on the result when the stream carried an error event.
 */
async function foldStream(body: ReadableStream<Uint8Array>, deadline: UpstreamDeadline, decoder: StreamDecoder, onFirstByte: () => void): Promise<StreamCollector> {
  const collector = new StreamCollector();
  const push = (event: IRStreamEvent) => collector.push(event);
  const text = new TextDecoder();
  const reader = body.getReader();
  let first = true;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (first) {
      first = false;
      deadline.firstByte();
      onFirstByte();
    } else deadline.activity();
    decoder.push(text.decode(value, { stream: true }), push);
  }
  decoder.push(text.decode(), push);
  decoder.end(push);
  if (first) onFirstByte();
  return collector;
}

/** The error an upstream stream opens with, if its first chunk holds one before any output. */
function peekOpeningError(decoder: StreamDecoder, first: Uint8Array): IRError | null {
  let found: IRError | null = null;
  let output = false;
  decoder.push(new TextDecoder().decode(first), (event) => {
    if (event.type === "error" && !output) found ??= event.error;
    else if (event.type === "block_start") output = true;
  });
  return found;
}
