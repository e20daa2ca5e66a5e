import { WIRE_FORMATS, type WireFormat } from "../formats/wire-formats";
import { chunksToText } from "../formats/shared/usage-scan";
import type { IRError, IRFormat } from "../ir/ir-types";
import type { RouteTarget } from "../routing/model-router";
import type { GatewayRuntime } from "../server/gateway-runtime";
import { UpstreamFailure, type UpstreamRequest } from "../upstream/call-upstream";
import { meterBody } from "../upstream/metered-body";
import { UpstreamTimeoutError } from "../upstream/upstream-deadline";
import { answered, failed, readFirstChunk, type ForwardResult } from "./forward-result";
import type { RequestRecord } from "./request-record";
import { sendUpstream, withForwardedHeaders } from "./send-upstream";
import { copyRateLimitHeaders, routedResponseHeaders } from "./upstream-response-headers";
import { describeStreamError } from "./upstream-failure-error";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export interface PassThroughInput {
  /** Format of both the surface and the upstream. */
  format: IRFormat;
  raw: string;
  body: Record<string, unknown>;
  stream: boolean;
  target: RouteTarget;
  record: RequestRecord;
  clientSignal: AbortSignal;
  clientHeaders: Headers;
  /** Adjusts the upstream URL to the client's own choices (Gemini: SSE or the JSON-array stream). */
  adjustUrl?: (url: string) => string;
}

/**
 * Same format in and out: the body goes up with only the model id swapped, and the response bytes come back
 * untouched. Usage is read from the first and last few KB after the fact; errors are re-rendered in the
 * format's own shape with secrets redacted.
 */
export async function forwardPassThrough(runtime: GatewayRuntime, input: PassThroughInput): Promise<ForwardResult> {
  const { target, record, format } = input;
  const wire = WIRE_FORMATS[format];
  const connection = target.connection;
  const settings = runtime.services.settings.get();
  const baseHeaders = routedResponseHeaders(record.id, target);
  const clientClosed = () => {
    runtime.logWriter.push(record.finish(499, "client closed the request"));
    return answered(new Response(null, { status: 499, headers: baseHeaders }));
  };

  let upstreamBody = wire.passThroughBody(input.raw, input.body, target.upstreamModel, connection.provider.quirks);
  // Usage the client did not ask for is still requested (cost and quota need it), then taken out of its stream.
  const streamUsage = input.stream ? wire.streamUsage : undefined;
  let usageFilter: ReturnType<NonNullable<WireFormat["streamUsage"]>["createFilter"]> | null = null;
  if (streamUsage && !streamUsage.clientAsked(input.body)) {
    upstreamBody = streamUsage.ask(upstreamBody, input.body);
    usageFilter = streamUsage.createFilter();
  }
  let request: UpstreamRequest = {
    url: input.adjustUrl ? input.adjustUrl(connection.generateUrl(target.upstreamModel, input.stream)) : connection.generateUrl(target.upstreamModel, input.stream),
    origin: connection.origin,
    headers: withForwardedHeaders(connection.headers, wire.forwardedClientHeaders, input.clientHeaders),
    body: upstreamBody,
    clientSignal: input.clientSignal,
    // A combo target may set its own first-byte limit (then the next target is tried).
    timeouts: target.timeoutMs ? { ...settings.timeouts, firstByteMs: target.timeoutMs } : settings.timeouts,
  };
  // Subscription providers shape the request like their official client (API-key connections: this check only).
  if (connection.executor) {
    const { url, headers, body } = request;
    request = {
      ...request,
      ...connection.executor.shape({
        url,
        headers,
        body: body!,
        clientHeaders: input.clientHeaders,
        clientBody: input.body,
        stream: input.stream,
        model: target.upstreamModel,
        ...(connection.oauth ? { account: connection.oauth.extra } : {}),
      }),
    };
  }
  const outcome = await sendUpstream(connection, request, wire.adapter.decodeError, record.trace);
  if (!outcome.ok) return outcome.error ? failed(outcome.error, outcome.headers) : clientClosed();
  const { response, deadline } = outcome;

  const responseHeaders: Record<string, string> = {
    ...baseHeaders,
    "content-type": response.headers.get("content-type") ?? (input.stream ? "text/event-stream" : "application/json"),
  };
  copyRateLimitHeaders(response.headers, responseHeaders);
  record.upstreamHeaders = responseHeaders;
  if (!input.stream || !response.body) {
    // A non-stream answer arrives in one piece after generation: hand the bytes over as they are.
    let bytes: Uint8Array;
    try {
      bytes = await response.bytes();
    } catch (error) {
      const reason = deadline.signal.aborted ? deadline.signal.reason : error;
      deadline.finish();
      if (reason instanceof UpstreamFailure && reason.kind === "client-closed") return clientClosed();
      const message = reason instanceof UpstreamTimeoutError ? reason.message : "broke off the response";
      return failed({ status: 502, type: "api_error", code: "upstream_broken_response", message: `Provider ${connection.provider.name} ${message}.` });
    }
    deadline.finish();
    // A 200 whose body is only an error object is a failure to route around, not an answer.
    const embedded = embeddedError(bytes, wire, response.status);
    if (embedded) return failed(embedded);
    record.markFirstByte();
    record.answerBody = bytes;
    record.readUsageLater(() => {
      const tail = decoder.decode(bytes.byteLength > 16384 ? bytes.subarray(bytes.byteLength - 16384) : bytes);
      return wire.scanUsage(() => decoder.decode(bytes.subarray(0, 4096)), tail);
    });
    runtime.logWriter.push(record.finish(response.status, null));
    return answered(new Response(bytes as Uint8Array<ArrayBuffer>, { status: response.status, headers: responseHeaders }));
  }

  const first = await readFirstChunk(response.body, deadline, connection.provider.name);
  if (!first.ok) return first.clientClosed ? clientClosed() : failed(first.error);
  const opening = openingError(first.first, wire);
  if (opening) {
    deadline.abort(new Error("failing over"));
    void first.reader.cancel().catch(() => {});
    return failed(opening);
  }

  responseHeaders["cache-control"] = "no-cache";
  responseHeaders["x-accel-buffering"] = "no";
  const body = meterBody(first, deadline, {
    ...(usageFilter ? { filter: usageFilter } : {}),
    onFirstByte: () => record.markFirstByte(),
    onEnd: ({ kind, head, tail, error }) => {
      record.readUsageLater(() => wire.scanUsage(() => (head ? decoder.decode(head) : ""), chunksToText(tail)));
      if (kind === "complete" || (kind === "cancelled" && endsAnswer(tail, wire.streamEndMarker))) runtime.logWriter.push(record.finish(response.status, null));
      else if (kind === "cancelled") runtime.logWriter.push(record.finish(499, "client closed the stream"));
      else runtime.logWriter.push(record.finish(502, `stream broken: ${describeStreamError(error)}`));
    },
    // Mid-stream failures end the stream with the format's own error event, so SDKs raise instead of hanging.
    errorFrame: (error) =>
      encoder.encode(
        wire.adapter.createStreamEncoder({ requestId: record.id, model: record.requestedModel ?? "" }).encode({
          type: "error",
          error: { status: 502, type: "api_error", code: "upstream_stream_error", message: `Provider ${connection.provider.name} ${describeStreamError(error)}.` },
        }),
      ),
  });
  return answered(new Response(body, { status: response.status, headers: responseHeaders }));
}

/** The error a 200 stream opens with (first event only; later errors are the stream's own business). */
function openingError(first: Uint8Array, wire: WireFormat): IRError | null {
  // Normal streams never mention an error in their first bytes: skip decoding and the pattern for them.
  if (!mentionsError(first, 512)) return null;
  const head = decoder.decode(first.byteLength > 512 ? first.subarray(0, 512) : first);
  if (!wire.streamOpensWithError.test(head.trimStart().split(/\r?\n\r?\n/, 1)[0]!)) return null;
  const text = decoder.decode(first);
  const data = /^data:\s*(.*)$/m.exec(text)?.[1] ?? text;
  const error = wire.adapter.decodeError(502, data.replace(/^\[/, ""));
  return { ...error, status: 502, message: `Upstream opened its stream with an error: ${error.message}` };
}

/** Whether the ASCII bytes `error` occur within the first `limit` bytes (no decoding, no allocation). */
function mentionsError(bytes: Uint8Array, limit: number): boolean {
  const end = Math.min(bytes.byteLength, limit) - 4;
  for (let i = 0; i < end; i++) {
    // e r r o r
    if (bytes[i] === 101 && bytes[i + 1] === 114 && bytes[i + 2] === 114 && bytes[i + 3] === 111 && bytes[i + 4] === 114) return true;
  }
  return false;
}

/** The error inside a successful-looking non-stream body (`{"error":…}` and nothing else), if that is all it is. */
function embeddedError(bytes: Uint8Array, wire: WireFormat, status: number): IRError | null {
  // Cheap test first: real answers never start with an error key.
  let i = 0;
  while (i < bytes.length && (bytes[i] === 32 || bytes[i] === 10 || bytes[i] === 13 || bytes[i] === 9)) i++;
  if (bytes[i] !== 123 /* { */) return null;
  const head = decoder.decode(bytes.subarray(i, i + 16));
  if (!/^\{\s*"error"\s*:/.test(head) && !head.startsWith('{"type":"error"')) return null;
  const error = wire.adapter.decodeError(502, decoder.decode(bytes));
  return { ...error, status: 502, message: `Upstream answered HTTP ${status} with an error: ${error.message}` };
}

/** Whether the last chunk sent holds the format's final frame (the client hung up after a complete answer). */
function endsAnswer(tail: Uint8Array[], marker: string | null): boolean {
  const last = tail.at(-1);
  return marker !== null && last !== undefined && decoder.decode(last).includes(marker);
}
