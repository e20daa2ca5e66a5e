import type { RequestLogEntry } from "../logging/request-log-writer";
import type { TokenUsage } from "../formats/openai-chat/openai-chat-usage";

/** One request's facts as they become known; turned into a request log row at the end. */
export class RequestRecord {
  readonly startedAt = Date.now();
  readonly #t0 = performance.now();
  apiKeyId: string | null = null;
  requestedModel: string | null = null;
  providerId: string | null = null;
  connectionId: string | null = null;
  upstreamModel: string | null = null;
  stream = false;
  ttfbMs: number | null = null;
  usage: TokenUsage | null = null;

  constructor(
    readonly id: string,
    readonly surface: string,
  ) {}

  markFirstByte(): void {
    this.ttfbMs = Math.round(performance.now() - this.#t0);
  }

  toLogEntry(status: number, error: string | null): RequestLogEntry {
    return {
      id: this.id,
      startedAt: this.startedAt,
      apiKeyId: this.apiKeyId,
      surface: this.surface,
      requestedModel: this.requestedModel,
      providerId: this.providerId,
      connectionId: this.connectionId,
      upstreamModel: this.upstreamModel,
      stream: this.stream,
      status,
      latencyMs: Math.round(performance.now() - this.#t0),
      ttfbMs: this.ttfbMs,
      tokensIn: this.usage?.inputTokens ?? null,
      tokensOut: this.usage?.outputTokens ?? null,
      tokensCached: this.usage?.cachedTokens ?? null,
      tokensReasoning: this.usage?.reasoningTokens ?? null,
      error: error ? error.slice(0, 1000) : null,
    };
  }
}
