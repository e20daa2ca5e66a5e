import type { IRFormat, IRUsage } from "../ir/ir-types";
import type { CostOf, EstimateUsage, LoggableRequest, RequestLogEntry } from "../logging/request-log-writer";
import type { RequestTrace } from "./request-trace";

/**
 * One request's facts as they become known. At the end it is handed to the request-log writer as is; the
 * row (and the usage, read from retained response bytes) is only built when the writer flushes its batch,
 * off the request path.
 */
export class RequestRecord implements LoggableRequest {
  readonly startedAt = Date.now();
  readonly #t0 = performance.now();
  apiKeyId: string | null = null;
  requestedModel: string | null = null;
  providerId: string | null = null;
  connectionId: string | null = null;
  upstreamModel: string | null = null;
  stream = false;
  /** Wire format of the upstream when it differs from the surface's (the request was translated). */
  upstreamFormat: string | null = null;
  ttfbMs: number | null = null;
  usage: IRUsage | null = null;
  #readUsage: (() => IRUsage | null) | null = null;
  #status = 0;
  #error: string | null = null;
  #latencyMs = 0;

  constructor(
    readonly id: string,
    readonly surface: string,
  ) {}

  markFirstByte(): void {
    this.ttfbMs = Math.round(performance.now() - this.#t0);
  }

  /** Usage to be read at flush time (e.g. from the last bytes of the response). */
  readUsageLater(reader: () => IRUsage | null): void {
    this.#readUsage = reader;
  }

  /** The request whose upstream answer this one shared (no upstream call of its own, no usage of its own). */
  sharedWith: string | null = null;
  /** Response cache: `hit` (served from the cache, no upstream call, no usage of its own), `miss`, `bypass`; null = not cacheable. */
  cache: "hit" | "miss" | "bypass" | null = null;
  /** The client's format and parsed body (references, set when the body is read), for a usage estimate if none is reported. */
  clientFormat: IRFormat | null = null;
  clientBody: Record<string, unknown> | null = null;
  /** A non-stream answer held whole (a reference), for estimating output tokens when the upstream reported none. */
  answerBody: Uint8Array | null = null;
  /** Headers relayed from the upstream's answer (rate-limit state for quota tracking); a reference, not a copy. */
  upstreamHeaders: Readonly<Record<string, string>> | null = null;
  /** The combo the request named, and the combo entry (tier) of the target that served it. */
  combo: string | null = null;
  comboTarget: string | null = null;
  /** The token counts are the gateway's estimate: the upstream reported none. */
  usageEstimated = false;
  /** Prompt guard: ids of the patterns the request matched, when it was flagged or blocked. */
  guard: string | null = null;
  /** Attempts that failed before the one that answered (failover), in order. */
  failedAttempts: Array<{ target: string; status: number; error: string }> | null = null;
  /** The dashboard's round trip only: captures the upstream request and response. Null on every ordinary request. */
  trace: RequestTrace | null = null;

  /** Called once when the request ends (routing uses it to settle the serving account's health). */
  onFinish: ((status: number, ttfbMs: number | null, latencyMs: number) => void) | null = null;

  /** The status the request finished with (0 until it has finished). */
  get status(): number {
    return this.#status;
  }

  /** The error it finished with, if any. */
  get error(): string | null {
    return this.#error;
  }

  /** Stamps the outcome and latency; returns this for the log writer. */
  finish(status: number, error: string | null): this {
    this.#status = status;
    this.#error = error;
    this.#latencyMs = Math.round(performance.now() - this.#t0);
    const onFinish = this.onFinish;
    if (onFinish) {
      this.onFinish = null;
      onFinish(status, this.ttfbMs, this.#latencyMs);
    }
    return this;
  }

  toLogEntry(costOf?: CostOf, estimate?: EstimateUsage): RequestLogEntry {
    if (this.#readUsage) {
      this.usage = this.#readUsage();
      this.#readUsage = null;
    }
    let tokensIn = this.usage?.inputTokens ?? null;
    let tokensOut = this.usage?.outputTokens ?? null;
    let cost = costOf && this.sharedWith === null && this.cache !== "hit" ? costOf(this.providerId, this.upstreamModel, this.usage) : null;
    // The upstream reported nothing for an answer it gave: count locally and say so.
    if (this.usage === null && estimate && this.#status < 400 && this.providerId !== null && this.sharedWith === null && this.cache !== "hit" && this.clientBody && this.clientFormat) {
      const estimated = estimate({
        clientFormat: this.clientFormat,
        clientBody: this.clientBody,
        upstreamFormat: (this.upstreamFormat as IRFormat | null) ?? this.clientFormat,
        upstreamModel: this.upstreamModel ?? "",
        answerBody: this.answerBody,
      });
      if (estimated) {
        this.usageEstimated = true;
        tokensIn = estimated.inputTokens;
        tokensOut = estimated.outputTokens;
        // Priced only when both sides are known: half a count would understate the cost.
        if (costOf && estimated.outputTokens !== null) cost = costOf(this.providerId, this.upstreamModel, { inputTokens: estimated.inputTokens, outputTokens: estimated.outputTokens });
      }
    }
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
      status: this.#status,
      latencyMs: this.#latencyMs,
      ttfbMs: this.ttfbMs,
      tokensIn,
      tokensOut,
      tokensCached: this.usage ? (this.usage.cachedInputTokens ?? null) : null,
      tokensReasoning: this.usage ? (this.usage.reasoningTokens ?? null) : null,
      error: this.#error ? this.#error.slice(0, 1000) : null,
      attemptsJson: this.failedAttempts ? JSON.stringify(this.failedAttempts) : null,
      sharedWith: this.sharedWith,
      cache: this.cache,
      // A shared or cached answer made no upstream call of its own: it costs nothing.
      costUsd: cost,
      usageEstimated: this.usageEstimated,
      combo: this.combo,
      comboTarget: this.comboTarget,
      guard: this.guard,
    };
  }
}
