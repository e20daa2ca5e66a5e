import { describe, expect, test } from "bun:test";
import { DEFAULT_QUEUE_MAX, DEFAULT_QUEUE_TIMEOUT_MS, type RateLimits, RateLimiter, type SlotResult } from "../../../src/routing/rate-limiter";

const START = 1_700_000_000_000;
const S = 1000;

/** A limiter on a hand-driven clock whose timers fire only when the test advances it. */
function setup(limits: RateLimits) {
  let now = START;
  let nextId = 0;
  const timers = new Map<number, { at: number; fn: () => void }>();
  const limiter = new RateLimiter(limits, {
    now: () => now,
    setTimeout: (fn, ms) => {
      timers.set(++nextId, { at: now + ms, fn });
      return nextId;
    },
    clearTimeout: (handle) => void timers.delete(handle as number),
  });
  return {
    limiter,
    timers,
    now: () => now,
    /** Moves the clock without running timers (a timer running late). */
    jump(ms: number) {
      now += ms;
    },
    /** Moves the clock, running each due timer at its own time, then lets resolved promises settle. */
    async advance(ms: number) {
      const end = now + ms;
      for (;;) {
        let due: [number, { at: number; fn: () => void }] | undefined;
        for (const entry of timers) if (entry[1].at <= end && (!due || entry[1].at < due[1].at)) due = entry;
        if (!due) break;
        timers.delete(due[0]);
        now = due[1].at;
        due[1].fn();
        await flush();
      }
      now = end;
      await flush();
    },
  };
}

const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Follows a pending acquire: `result` is set once it settles. */
function track(promise: Promise<SlotResult>) {
  const tracked: { result: SlotResult | undefined } = { result: undefined };
  void promise.then((result) => {
    tracked.result = result;
  });
  return tracked;
}

async function granted(promise: Promise<SlotResult>) {
  const result = await promise;
  if (!result.ok) throw new Error(`refused: ${result.reason}`);
  return result;
}

describe("no limit configured", () => {
  test("acquire is the same already-resolved promise every time, with a no-op release", async () => {
    const limiter = new RateLimiter();
    const first = limiter.acquire("c1", "openai");
    expect(limiter.acquire("c2", "anthropic")).toBe(first);
    const slot = await first;
    expect(slot.ok).toBe(true);
    if (slot.ok) slot.release();
    expect(limiter.active).toBe(false);
    expect(limiter.snapshot()).toEqual({ limits: [], waiting: 0 });
  });

  test("limits on other keys do not touch this account", () => {
    const limiter = new RateLimiter({ other: { rpm: 1 }, "other-provider": { maxConcurrent: 1 } });
    const unlimited = new RateLimiter().acquire("x", "y");
    expect(limiter.acquire("c1", "openai")).toBe(unlimited);
  });

  test("an entry that sets only queue options is no limit", () => {
    const limiter = new RateLimiter({ c1: { queueMax: 5 } });
    expect(limiter.active).toBe(false);
  });
});

describe("requests per minute (sliding 60 s window)", () => {
  test("the third start within a minute waits for the oldest to leave the window", async () => {
    const { limiter, advance } = setup({ c1: { rpm: 2, queueTimeoutMs: 120 * S } });
    await granted(limiter.acquire("c1", "p"));
    await advance(30 * S);
    await granted(limiter.acquire("c1", "p"));
    await advance(1 * S);
    const third = track(limiter.acquire("c1", "p"));
    const fourth = track(limiter.acquire("c1", "p"));
    await advance(28 * S); // t = 59 s
    expect(third.result).toBeUndefined();
    await advance(1 * S); // t = 60 s: the first start leaves the window
    expect(third.result?.ok).toBe(true);
    expect(fourth.result).toBeUndefined();
    await advance(30 * S); // t = 90 s: the second one leaves
    expect(fourth.result?.ok).toBe(true);
    expect(limiter.snapshot().limits[0]).toMatchObject({ key: "c1", rpm: 2, windowCount: 2, inflight: 4, queued: 0, admitted: 4 });
  });

  test("a release does not give back an rpm slot", async () => {
    const { limiter } = setup({ c1: { rpm: 1, queueMax: 0 } });
    (await granted(limiter.acquire("c1", "p"))).release();
    expect(await limiter.acquire("c1", "p")).toEqual({ ok: false, reason: "queue-full", retryAfterMs: 60 * S, limit: "c1" });
  });
});

describe("minimum gap between starts", () => {
  test("starts are spaced out by minGapMs, in arrival order", async () => {
    const { limiter, advance } = setup({ c1: { minGapMs: 1000 } });
    await granted(limiter.acquire("c1", "p"));
    const second = track(limiter.acquire("c1", "p"));
    const third = track(limiter.acquire("c1", "p"));
    await advance(999);
    expect(second.result).toBeUndefined();
    await advance(1);
    expect(second.result?.ok).toBe(true);
    expect(third.result).toBeUndefined();
    await advance(1000);
    expect(third.result?.ok).toBe(true);
  });

  test("a newcomer does not take the slot of a waiter whose timer has not run yet", async () => {
    const { limiter, jump } = setup({ c1: { minGapMs: 1000 } });
    await granted(limiter.acquire("c1", "p"));
    const waiting = track(limiter.acquire("c1", "p"));
    jump(1000);
    const newcomer = track(limiter.acquire("c1", "p"));
    await flush();
    expect(waiting.result?.ok).toBe(true);
    expect(newcomer.result).toBeUndefined();
  });
});

describe("maximum in flight", () => {
  test("a release admits the next waiter; releasing twice frees one slot only", async () => {
    const { limiter, timers } = setup({ c1: { maxConcurrent: 2 } });
    const a = await granted(limiter.acquire("c1", "p"));
    await granted(limiter.acquire("c1", "p"));
    const third = track(limiter.acquire("c1", "p"));
    const fourth = track(limiter.acquire("c1", "p"));
    await flush();
    expect(third.result).toBeUndefined();
    a.release();
    a.release();
    await flush();
    expect(third.result?.ok).toBe(true);
    expect(fourth.result).toBeUndefined();
    expect(limiter.snapshot().limits[0]).toMatchObject({ inflight: 2, queued: 1, nextSlotInMs: null });
    // Only the fourth's deadline is armed: the wait is on a release, not on time.
    expect([...timers.values()].map((t) => t.at)).toEqual([START + DEFAULT_QUEUE_TIMEOUT_MS]);
  });

  test("waiters are admitted first come, first served", async () => {
    const { limiter } = setup({ c1: { maxConcurrent: 1 } });
    let held = await granted(limiter.acquire("c1", "p"));
    const order: string[] = [];
    const waiting = ["b", "c", "d"].map((name) =>
      limiter.acquire("c1", "p").then((slot) => {
        order.push(name);
        return slot;
      }),
    );
    for (const next of waiting) {
      held.release();
      held = await granted(next);
    }
    expect(order).toEqual(["b", "c", "d"]);
  });
});

describe("the queue", () => {
  test("defaults: 100 waiting, 10 s", () => {
    expect(DEFAULT_QUEUE_MAX).toBe(100);
    expect(DEFAULT_QUEUE_TIMEOUT_MS).toBe(10_000);
    const { limiter } = setup({ c1: { rpm: 5 } });
    expect(limiter.snapshot().limits[0]).toMatchObject({ queueMax: 100, queueTimeoutMs: 10_000 });
  });

  test("a full queue refuses at once; queueMax 0 never waits", async () => {
    const { limiter } = setup({ c1: { maxConcurrent: 1, queueMax: 1 }, c2: { maxConcurrent: 1, queueMax: 0 } });
    await granted(limiter.acquire("c1", "p"));
    const waiting = track(limiter.acquire("c1", "p"));
    expect(await limiter.acquire("c1", "p")).toEqual({ ok: false, reason: "queue-full", retryAfterMs: 1000, limit: "c1" });
    expect(waiting.result).toBeUndefined();
    await granted(limiter.acquire("c2", "p"));
    expect(await limiter.acquire("c2", "p")).toMatchObject({ ok: false, reason: "queue-full" });
    expect(limiter.snapshot().limits.find((l) => l.key === "c1")).toMatchObject({ queued: 1, refused: 1 });
  });

  test("a wait that times out is refused with the time until the next slot", async () => {
    const { limiter, advance, timers } = setup({ c1: { rpm: 1, queueTimeoutMs: 5 * S } });
    await granted(limiter.acquire("c1", "p"));
    await advance(10 * S);
    const late = track(limiter.acquire("c1", "p"));
    await advance(5 * S - 1);
    expect(late.result).toBeUndefined();
    await advance(1);
    // Started at t=0, refused at t=15 s: the window frees at t=60 s.
    expect(late.result).toEqual({ ok: false, reason: "queue-timeout", retryAfterMs: 45 * S, limit: "c1" });
    expect(limiter.snapshot()).toMatchObject({ waiting: 0, limits: [{ queued: 0 }] });
    expect(timers.size).toBe(0);
  });

  test("queueTimeoutMs 0 refuses instead of waiting", async () => {
    const { limiter } = setup({ c1: { minGapMs: 500, queueTimeoutMs: 0 } });
    await granted(limiter.acquire("c1", "p"));
    expect(await limiter.acquire("c1", "p")).toEqual({ ok: false, reason: "queue-timeout", retryAfterMs: 500, limit: "c1" });
  });

  test("a client that goes away leaves the queue at once; one already gone never joins", async () => {
    const { limiter, timers } = setup({ c1: { maxConcurrent: 1 } });
    const held = await granted(limiter.acquire("c1", "p"));
    const controller = new AbortController();
    const waiting = track(limiter.acquire("c1", "p", controller.signal));
    const behind = track(limiter.acquire("c1", "p"));
    controller.abort();
    await flush();
    expect(waiting.result).toEqual({ ok: false, reason: "aborted", retryAfterMs: 0, limit: "c1" });
    expect(limiter.snapshot().limits[0]!.queued).toBe(1);
    held.release();
    await flush();
    expect(behind.result?.ok).toBe(true);
    expect(timers.size).toBe(0);
    expect(await limiter.acquire("c1", "p", AbortSignal.abort())).toMatchObject({ ok: false, reason: "aborted" });
  });
});

describe("account and provider limits together", () => {
  test("a request needs room under both; one blocked by its own account does not hold up its provider", async () => {
    const { limiter } = setup({ openai: { maxConcurrent: 2 }, a1: { maxConcurrent: 1 } });
    await granted(limiter.acquire("a1", "openai"));
    const a2 = await granted(limiter.acquire("a2", "openai"));
    const provFull = track(limiter.acquire("a3", "openai"));
    const a1Waiter = track(limiter.acquire("a1", "openai"));
    a2.release();
    await flush();
    // The provider has room again: the first waiter (a3) gets it; a1's own limit still holds its waiter back.
    expect(provFull.result?.ok).toBe(true);
    expect(a1Waiter.result).toBeUndefined();
    (provFull.result as { release(): void }).release();
    await flush();
    expect(a1Waiter.result).toBeUndefined();
    // The provider's free slot goes to a2, which is not stuck behind a1's waiter.
    await granted(limiter.acquire("a2", "openai"));
    expect(limiter.snapshot().limits.map((l) => [l.key, l.inflight, l.queued])).toEqual([
      ["openai", 2, 1],
      ["a1", 1, 1],
    ]);
  });

  test("the provider's rpm is shared by all its accounts", async () => {
    const { limiter } = setup({ deepseek: { rpm: 2, queueMax: 0 } });
    await granted(limiter.acquire("a1", "deepseek"));
    await granted(limiter.acquire("a2", "deepseek"));
    expect(await limiter.acquire("a3", "deepseek")).toMatchObject({ ok: false, reason: "queue-full", limit: "deepseek" });
  });
});

describe("reconfiguration", () => {
  test("a removed limit lets its waiters go; slots held under it release harmlessly", async () => {
    const { limiter, timers } = setup({ c1: { maxConcurrent: 1 } });
    const held = await granted(limiter.acquire("c1", "p"));
    const waiting = track(limiter.acquire("c1", "p"));
    limiter.configure({});
    await flush();
    expect(waiting.result?.ok).toBe(true);
    held.release();
    expect(limiter.active).toBe(false);
    expect(timers.size).toBe(0);
  });

  test("a raised limit admits at once; counts of a kept key survive", async () => {
    const { limiter } = setup({ c1: { maxConcurrent: 1, rpm: 10 } });
    await granted(limiter.acquire("c1", "p"));
    const b = track(limiter.acquire("c1", "p"));
    const c = track(limiter.acquire("c1", "p"));
    limiter.configure({ c1: { maxConcurrent: 3, rpm: 3 } });
    await flush();
    expect(b.result?.ok).toBe(true);
    expect(c.result?.ok).toBe(true);
    expect(limiter.snapshot().limits[0]).toMatchObject({ inflight: 3, windowCount: 3, rpm: 3, maxConcurrent: 3 });
    // The window (3 of 3 starts used) carried over into the smaller ring.
    limiter.configure({ c1: { rpm: 3, queueMax: 0 } });
    expect(await limiter.acquire("c1", "p")).toMatchObject({ ok: false, reason: "queue-full" });
  });

  test("a waiter whose account limit is removed still waits for its provider's", async () => {
    const { limiter } = setup({ p: { maxConcurrent: 1 }, c1: { maxConcurrent: 1 } });
    const held = await granted(limiter.acquire("c1", "p"));
    const waiting = track(limiter.acquire("c1", "p"));
    limiter.configure({ p: { maxConcurrent: 1 } });
    await flush();
    expect(waiting.result).toBeUndefined();
    held.release();
    await flush();
    expect(waiting.result?.ok).toBe(true);
  });
});

test("the snapshot is plain JSON", async () => {
  const { limiter } = setup({ c1: { maxConcurrent: 1 }, openai: { rpm: 60, minGapMs: 100 } });
  await granted(limiter.acquire("c1", "openai"));
  const snapshot = limiter.snapshot();
  expect(JSON.parse(JSON.stringify(snapshot))).toEqual(snapshot);
  expect(snapshot.limits.find((l) => l.key === "c1")).toEqual({
    key: "c1",
    rpm: null,
    minGapMs: null,
    maxConcurrent: 1,
    queueMax: 100,
    queueTimeoutMs: 10_000,
    inflight: 1,
    queued: 0,
    windowCount: null,
    nextSlotInMs: null,
    admitted: 1,
    refused: 0,
  });
  expect(snapshot.limits.find((l) => l.key === "openai")).toMatchObject({ windowCount: 1, nextSlotInMs: 100 });
});
