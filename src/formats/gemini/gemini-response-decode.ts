import type { IRResponse } from "../../ir/ir-types";
import { StreamCollector } from "../../ir/stream-collector";
import { GeminiChunkDecoder } from "./gemini-chunk-decoder";

/**
 * Upstream generateContent body → IR. Decoded through the same chunk logic as the stream, so a response
 * reads the same whichever way it arrived. An array (the JSON-array stream collected whole) is folded too.
 */
export function decodeGeminiResponse(body: unknown): IRResponse {
  const decoder = new GeminiChunkDecoder();
  const collector = new StreamCollector();
  const emit = collector.push.bind(collector);
  if (Array.isArray(body)) for (const chunk of body) decoder.chunk(chunk, emit);
  else decoder.chunk(body, emit);
  decoder.end(emit);
  return collector.toResponse();
}
