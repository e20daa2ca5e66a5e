import { z } from "zod";
import type { GateContext, RequestGate, RequestRefusal } from "../routing/target-gate";

export const keyRateLimitSchema = z
  .object({
    /** Requests this key may start in any 60-second window. */
    rpm: z.number().int().min(1).max(10_000).describe("Requests per minute (sliding 60 s window)"),
  })
  .strict();
export type KeyRateLimit = z.infer<typeof keyRateLimitSchema>;

const WINDOW_MS = 60_000;

/** Start times of one key's recent requests in a ring: exact sliding window, memory bounded by the limit. */
class StartRing {
  readonly #times: Float64Array;
  #next = 0;
  #count = 0;

  constructor(readonly limit: number) {
    this.#times = new Float64Array(limit);
  }

  /** Records a start and returns 0, or returns when the oldest start leaves the window (the call is refused). */
  take(now: number): number {
    if (this.#count === this.limit) {
      const oldest = this.#times[this.#next]!;
      if (now - oldest < WINDOW_MS) return oldest + WINDOW_MS;
    } else {
      this.#count++;
    }
    this.#times[this.#next] = now;
    this.#next = (this.#next + 1) % this.limit;
    return 0;
  }
}

/**
 * Per-key request limits as a request gate: a key over its `rpm` is answered 429 with Retry-After in the client's
 * format before anything is routed. Keys without a limit cost one map lookup (none at all when no key has one).
 */
export class KeyRateGate implements RequestGate {
  readonly name = "key-rate-limit";
  #rings = new Map<string, StartRing>();

  /** Replaces the limits (key id → limit); a key whose limit is unchanged keeps its recent history. */
  configure(limits: ReadonlyMap<string, KeyRateLimit>): void {
    const next = new Map<string, StartRing>();
    for (const [id, limit] of limits) {
      const ring = this.#rings.get(id);
      next.set(id, ring && ring.limit === limit.rpm ? ring : new StartRing(limit.rpm));
    }
    this.#rings = next;
  }

  check(context: GateContext, now: number): RequestRefusal | null {
    if (this.#rings.size === 0 || context.apiKeyId === null) return null;
    const ring = this.#rings.get(context.apiKeyId);
    if (!ring) return null;
    const retryAt = ring.take(now);
    if (retryAt === 0) return null;
    return {
      status: 429,
      code: "key_rate_limited",
      message: `This API key may start ${ring.limit} requests per minute and has reached that limit. Retry after ${Math.max(1, Math.ceil((retryAt - now) / 1000))} s, or raise the key's rate limit in the dashboard (API keys).`,
      retryAt,
    };
  }
}
