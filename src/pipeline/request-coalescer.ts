/**
 * Identical requests share one upstream call: the same `Idempotency-Key`, or the same body from the same client
 * key on the same endpoint, while the first is in flight or within the replay window after it answered.
 *
 * Nothing is copied for a request that has no twin: a streamed answer is only captured when a twin is already
 * waiting, or when the client asked for idempotency explicitly. Error answers are shared with twins that were
 * waiting for them but never replayed later, so a client's retry after an error gets a fresh attempt.
 */

interface Recorded {
  status: number;
  headers: Array<[string, string]>;
  chunks: Uint8Array[];
  done: boolean;
  /** Wakes replaying readers when a chunk arrives or the answer ends. */
  wake: Set<() => void>;
}

interface Entry {
  leaderId: string;
  /** Twins that arrived before the leader's answer. */
  waiting: Array<(answer: Recorded | null) => void>;
  recorded: Recorded | null;
  expiresAt: number;
}

export type Coalesced =
  | { role: "follower"; leaderId: string; answer: Promise<Response | null> }
  | { role: "leader"; settle(response: Response): Response; abandon(): void };

const MAX_ENTRIES = 10_000;

export class RequestCoalescer {
  #entries = new Map<string, Entry>();

  constructor(private readonly now: () => number = Date.now) {}

  get size(): number {
    return this.#entries.size;
  }

  /** The key for a request: explicit idempotency key, else a hash of the body. */
  static key(clientKeyId: string | null, path: string, idempotencyKey: string | null, body: string): string {
    const client = clientKeyId ?? "-";
    return idempotencyKey ? `${client}|${path}|key:${idempotencyKey}` : `${client}|${path}|${body.length}:${Bun.hash(body).toString(36)}`;
  }

  /**
   * Joins an in-flight or recent twin, or becomes the leader. `capture` keeps the leader's whole answer for
   * the window even without a waiting twin (explicit `Idempotency-Key`).
   */
  enter(key: string, requestId: string, windowMs: number, capture: boolean): Coalesced {
    const now = this.now();
    const existing = this.#entries.get(key);
    if (existing && (existing.recorded === null || existing.expiresAt > now)) {
      const answer = existing.recorded
        ? Promise.resolve(replay(existing.recorded))
        : new Promise<Response | null>((resolve) => existing.waiting.push((recorded) => resolve(recorded ? replay(recorded) : null)));
      return { role: "follower", leaderId: existing.leaderId, answer };
    }
    const entry: Entry = { leaderId: requestId, waiting: [], recorded: null, expiresAt: Number.POSITIVE_INFINITY };
    this.#entries.set(key, entry);
    this.#evict(now);
    const release = () => {
      if (this.#entries.get(key) === entry) this.#entries.delete(key);
    };
    return {
      role: "leader",
      abandon: () => {
        release();
        for (const wake of entry.waiting) wake(null);
      },
      settle: (response) => {
        const shareLater = response.status < 400;
        const keep = entry.waiting.length > 0 || (capture && shareLater);
        if (!keep) {
          release();
          return response;
        }
        const recorded: Recorded = { status: response.status, headers: [...response.headers], chunks: [], done: false, wake: new Set() };
        let leaderBody: ReadableStream<Uint8Array> | null = null;
        if (response.body) {
          const [mine, copy] = response.body.tee();
          leaderBody = mine;
          void record(copy, recorded);
        } else {
          recorded.done = true;
        }
        entry.recorded = recorded;
        for (const wake of entry.waiting) wake(recorded);
        entry.waiting = [];
        if (shareLater) {
          entry.expiresAt = this.now() + windowMs;
          // Only kept answers get a timer; it frees the recorded chunks when the window closes.
          setTimeout(release, windowMs).unref?.();
        } else {
          release();
        }
        return new Response(leaderBody, { status: response.status, headers: response.headers });
      },
    };
  }

  #evict(now: number): void {
    if (this.#entries.size <= MAX_ENTRIES) return;
    for (const [key, entry] of this.#entries) {
      if (entry.recorded !== null && entry.expiresAt <= now) this.#entries.delete(key);
      if (this.#entries.size <= MAX_ENTRIES) return;
    }
  }
}

async function record(body: ReadableStream<Uint8Array>, into: Recorded): Promise<void> {
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      into.chunks.push(value);
      for (const wake of into.wake) wake();
    }
  } catch {
    // The leader's stream broke: twins get what arrived, then the end.
  }
  into.done = true;
  for (const wake of into.wake) wake();
}

/** A twin's own copy: what was recorded so far, then the rest as it arrives. */
function replay(recorded: Recorded): Response {
  let index = 0;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      while (index >= recorded.chunks.length && !recorded.done) {
        await new Promise<void>((resolve) => {
          const wake = () => {
            recorded.wake.delete(wake);
            resolve();
          };
          recorded.wake.add(wake);
        });
      }
      if (index < recorded.chunks.length) controller.enqueue(recorded.chunks[index++]!);
      else controller.close();
    },
  });
  return new Response(body, { status: recorded.status, headers: recorded.headers });
}
