import { describe, expect, test } from "bun:test";
import { createStrategy, type Candidate } from "../../../../src/routing/strategies";
import { candidate, keys, manualClock } from "./candidate-fixtures";

const HOUR = 3_600_000;

describe("reset-aware", () => {
  test("without quota data it is exactly round-robin (weights, levels and stickiness included)", () => {
    const clock = manualClock();
    const list = [
      candidate("a", { weight: 1 }),
      candidate("b", { weight: 2 }),
      candidate("c", { weight: 3 }),
      candidate("d", { priority: 2 }),
      candidate("e", { priority: 2 }),
      // A reading from a window that has already reset is no reading.
      candidate("f", { priority: 2, quotaResetAt: clock.now() - 1, quotaHeadroom: 0 }),
    ];
    for (const stickyRequests of [1, 3]) {
      const resetAware = createStrategy("reset-aware", { now: clock.now, stickyRequests });
      const roundRobin = createStrategy("round-robin", { stickyRequests });
      for (let i = 0; i < 60; i++) expect(keys(resetAware.order(list))).toEqual(keys(roundRobin.order(list)));
    }
  });

  test("headroom with the soonest reset first; unknown next; spent last, soonest back first", () => {
    const clock = manualClock();
    const now = clock.now();
    const list = [
      candidate("weekly", { priority: 0, quotaResetAt: now + 120 * HOUR, quotaHeadroom: 0.9 }),
      candidate("spent-later", { quotaResetAt: now + 3 * HOUR, quotaHeadroom: 0 }),
      candidate("no-data", { priority: 0 }),
      candidate("hourly", { priority: 5, quotaResetAt: now + HOUR, quotaHeadroom: 0.05 }),
      candidate("spent-soon", { quotaResetAt: now + 0.5 * HOUR, quotaHeadroom: 0 }),
      candidate("spent-unknown-reset", { priority: 0, quotaHeadroom: 0 }),
      candidate("reset-no-headroom-reading", { quotaResetAt: now + 2 * HOUR }),
    ];
    const strategy = createStrategy("reset-aware", { now: clock.now });
    expect(keys(strategy.order(list))).toEqual([
      "hourly",
      "reset-no-headroom-reading",
      "weekly",
      "no-data",
      "spent-soon",
      "spent-later",
      "spent-unknown-reset",
    ]);
  });

  test("equal reset times tie by priority", () => {
    const clock = manualClock();
    const at = clock.now() + HOUR;
    const list = [candidate("b", { priority: 2, quotaResetAt: at, quotaHeadroom: 0.5 }), candidate("a", { priority: 1, quotaResetAt: at, quotaHeadroom: 0.1 })];
    expect(keys(createStrategy("reset-aware", { now: clock.now }).order(list))).toEqual(["a", "b"]);
  });

  test("candidates without a reading rotate among themselves", () => {
    const clock = manualClock();
    const list = [candidate("spent", { quotaResetAt: clock.now() + HOUR, quotaHeadroom: 0 }), candidate("u1"), candidate("u2")];
    const strategy = createStrategy("reset-aware", { now: clock.now });
    expect(keys(strategy.order(list))).toEqual(["u1", "u2", "spent"]);
    expect(keys(strategy.order(list))).toEqual(["u2", "u1", "spent"]);
    expect(keys(strategy.order(list))).toEqual(["u1", "u2", "spent"]);
  });

  test("a spent account returns to the rotation once its window has reset", () => {
    const clock = manualClock();
    const spent: Candidate = candidate("a", { quotaResetAt: clock.now() + HOUR, quotaHeadroom: 0 });
    const other = candidate("b");
    const strategy = createStrategy("reset-aware", { now: clock.now });
    expect(keys(strategy.order([spent, other]))).toEqual(["b", "a"]);
    expect(keys(strategy.order([spent, other]))).toEqual(["b", "a"]);
    clock.advance(HOUR);
    const firsts = Array.from({ length: 4 }, () => strategy.order([spent, other])[0]!.key).sort();
    expect(firsts).toEqual(["a", "a", "b", "b"]);
  });

  test("headroom readings without reset times are not enough to leave round-robin", () => {
    const list = [candidate("a", { quotaHeadroom: 0.1 }), candidate("b", { quotaHeadroom: 0.9 })];
    const strategy = createStrategy("reset-aware", { now: manualClock().now });
    expect(Array.from({ length: 4 }, () => strategy.order(list)[0]!.key).join("")).toBe("abab");
  });
});
