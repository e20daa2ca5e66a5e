import { describe, expect, test } from "bun:test";
import { createStrategy, type Candidate } from "../../../../src/routing/strategies";
import { LATENCY_EXPLORE_RETRY_MS } from "../../../../src/routing/strategies/lowest-latency-strategy";
import { candidate, keys, manualClock } from "./candidate-fixtures";

describe("lowest-latency", () => {
  test("lowest time-to-first-byte first, ties by priority", () => {
    const strategy = createStrategy("lowest-latency");
    const list = [
      candidate("slow", { priority: 0, ewmaTtfbMs: 1_800 }),
      candidate("fast-2", { priority: 2, ewmaTtfbMs: 240 }),
      candidate("fast-1", { priority: 1, ewmaTtfbMs: 240 }),
      candidate("mid", { ewmaTtfbMs: 600 }),
    ];
    expect(keys(strategy.order(list))).toEqual(["fast-1", "fast-2", "mid", "slow"]);
  });

  test("an unmeasured candidate is explored once, then waits behind the measured ones", () => {
    const clock = manualClock();
    const strategy = createStrategy("lowest-latency", { now: clock.now });
    const list = [candidate("a", { ewmaTtfbMs: 300 }), candidate("b", { ewmaTtfbMs: 150 }), candidate("new")];
    expect(keys(strategy.order(list))).toEqual(["new", "b", "a"]);
    expect(keys(strategy.order(list))).toEqual(["b", "a", "new"]);
    expect(keys(strategy.order(list))).toEqual(["b", "a", "new"]);
  });

  test("several unmeasured candidates are explored one per call, best priority first", () => {
    const strategy = createStrategy("lowest-latency", { now: manualClock().now });
    const list = [candidate("u2", { priority: 2 }), candidate("known", { ewmaTtfbMs: 500 }), candidate("u1", { priority: 1 })];
    expect(strategy.order(list)[0]!.key).toBe("u1");
    expect(strategy.order(list)[0]!.key).toBe("u2");
    expect(keys(strategy.order(list))).toEqual(["known", "u1", "u2"]);
  });

  test("once measured it is ranked by its latency", () => {
    const strategy = createStrategy("lowest-latency", { now: manualClock().now });
    const known = candidate("known", { ewmaTtfbMs: 500 });
    const fresh: Candidate = candidate("fresh");
    strategy.order([known, fresh]);
    fresh.ewmaTtfbMs = 90;
    expect(keys(strategy.order([known, fresh]))).toEqual(["fresh", "known"]);
    fresh.ewmaTtfbMs = 900;
    expect(keys(strategy.order([known, fresh]))).toEqual(["known", "fresh"]);
    // Forgotten (null again): explored anew.
    fresh.ewmaTtfbMs = null;
    expect(keys(strategy.order([known, fresh]))).toEqual(["fresh", "known"]);
  });

  test("still unmeasured after the retry interval (the probe failed): explored again", () => {
    const clock = manualClock();
    const strategy = createStrategy("lowest-latency", { now: clock.now });
    const list = [candidate("known", { ewmaTtfbMs: 200 }), candidate("new")];
    expect(strategy.order(list)[0]!.key).toBe("new");
    clock.advance(LATENCY_EXPLORE_RETRY_MS - 1);
    expect(strategy.order(list)[0]!.key).toBe("known");
    clock.advance(1);
    expect(strategy.order(list)[0]!.key).toBe("new");
    expect(strategy.order(list)[0]!.key).toBe("known");
  });

  test("all unmeasured: each explored in turn, then priority order", () => {
    const strategy = createStrategy("lowest-latency", { now: manualClock().now });
    const list = [candidate("c", { priority: 3 }), candidate("a", { priority: 1 }), candidate("b", { priority: 2 })];
    expect(keys(strategy.order(list))).toEqual(["a", "b", "c"]);
    expect(keys(strategy.order(list))).toEqual(["b", "a", "c"]);
    expect(keys(strategy.order(list))).toEqual(["c", "a", "b"]);
    expect(keys(strategy.order(list))).toEqual(["a", "b", "c"]);
  });
});
