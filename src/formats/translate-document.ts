import type { IRFormat, IRRequest, IRResponse, IRStreamEvent } from "../ir/ir-types";
import { decoderTransform, encoderTransform } from "../ir/stream-transforms";
import { WIRE_FORMATS } from "./wire-formats";

/**
 * A client's IR made ready for an upstream of another format: the client format's dialects (e.g. Gemini's
 * upper-case schema types) rewritten into what every other format expects. Same format: untouched.
 */
export function normalizeForUpstream(request: IRRequest, from: IRFormat, to: IRFormat): IRRequest {
  if (from !== to) WIRE_FORMATS[from].normalizeForTranslation?.(request);
  return request;
}

export type TranslationKind = "request" | "response" | "stream";

export interface TranslationResult {
  /** The document in the target format (SSE text for streams). */
  result: unknown;
  /** The canonical form it passed through. */
  ir: IRRequest | IRResponse | IRStreamEvent[];
}

/**
 * Translates one document between formats exactly as the gateway does on the wire (the dashboard playground
 * shows both the result and the IR in between). Throws FormatRequestError for requests the source format rejects.
 */
export async function translateDocument(from: IRFormat, to: IRFormat, kind: TranslationKind, body: unknown): Promise<TranslationResult> {
  const source = WIRE_FORMATS[from].adapter;
  const target = WIRE_FORMATS[to].adapter;
  if (kind === "request") {
    const ir = source.decodeRequest(body as Record<string, unknown>);
    return { ir, result: target.encodeRequest(normalizeForUpstream(structuredClone(ir), from, to)) };
  }
  const context = { requestId: "req_playground", model: "playground", responseId: undefined };
  if (kind === "response") {
    const ir = source.decodeResponse(body);
    return { ir, result: target.encodeResponse(ir, { requestId: context.requestId, model: ir.model || context.model }) };
  }
  // Streams go through the adapters' TransformStream form: text → IR events → text.
  const events: IRStreamEvent[] = [];
  const keep = new TransformStream<IRStreamEvent, IRStreamEvent>({
    transform(event, controller) {
      events.push(event);
      controller.enqueue(event);
    },
  });
  const text = await new Response(
    new Response(String(body)).body!
      .pipeThrough(new TextDecoderStream())
      .pipeThrough(decoderTransform(source.createStreamDecoder()))
      .pipeThrough(keep)
      .pipeThrough(encoderTransform(target.createStreamEncoder({ requestId: context.requestId, model: context.model })))
      .pipeThrough(new TextEncoderStream()),
  ).text();
  return { ir: events, result: text };
}
