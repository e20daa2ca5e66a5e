import { describe, expect, test } from "bun:test";
import { createStrategy } from "../../../../src/routing/strategies";
import { candidate, firstChoiceCounts, keys } from "./candidate-fixtures";

describe("round-robin", () => {
  test("equal weights rotate; the fallback order is the rest of the rotation", () => {
    const strategy = createStrategy("round-robin");
    const list = [candidate("a"), candidate("b"), candidate("c")];
    expect(keys(strategy.order(list))).toEqual(["a", "b", "c"]);
    expect(keys(strategy.order(list))).toEqual(["b", "c", "a"]);
    expect(keys(strategy.order(list))).toEqual(["c", "a", "b"]);
    expect(keys(strategy.order(list))).toEqual(["a", "b", "c"]);
  });

  test("rotates within the best priority level; lower levels follow as fallback, rotating among themselves", () => {
    const strategy = createStrategy("round-robin");
    const list = [candidate("low-1", { priority: 2 }), candidate("top-b"), candidate("low-2", { priority: 2 }), candidate("top-a"), candidate("last", { priority: 3 })];
    expect(keys(strategy.order(list))).toEqual(["top-a", "top-b", "low-1", "low-2", "last"]);
    expect(keys(strategy.order(list))).toEqual(["top-b", "top-a", "low-2", "low-1", "last"]);
    expect(keys(strategy.order(list))).toEqual(["top-a", "top-b", "low-1", "low-2", "last"]);
  });

  test("equal weights: 3 candidates × 1000 calls each come first 1000 times", () => {
    const strategy = createStrategy("round-robin");
    const list = [candidate("a"), candidate("b"), candidate("c")];
    const counts = firstChoiceCounts(() => strategy.order(list), 3_000);
    for (const key of ["a", "b", "c"]) expect(Math.abs(counts.get(key)! - 1_000)).toBeLessThanOrEqual(10);
  });

  test("weights: 3 000 calls are shared 1:2:3 within 1 %", () => {
    const strategy = createStrategy("round-robin");
    const list = [candidate("a", { weight: 1 }), candidate("b", { weight: 2 }), candidate("c", { weight: 3 })];
    const counts = firstChoiceCounts(() => strategy.order(list), 3_000);
    const expected = { a: 500, b: 1_000, c: 1_500 };
    for (const [key, share] of Object.entries(expected)) expect(Math.abs(counts.get(key)! - share)).toBeLessThanOrEqual(30);
  });

  test("weights are smooth: every window of Σweight calls holds each candidate exactly weight times", () => {
    const strategy = createStrategy("round-robin");
    const list = [candidate("a", { weight: 5 }), candidate("b", { weight: 3 }), candidate("c", { weight: 2 })];
    const firsts = Array.from({ length: 100 }, () => strategy.order(list)[0]!.key);
    for (let start = 0; start + 10 <= firsts.length; start += 10) {
      const window = firsts.slice(start, start + 10);
      expect([window.filter((k) => k === "a").length, window.filter((k) => k === "b").length, window.filter((k) => k === "c").length]).toEqual([5, 3, 2]);
    }
    // Spread, not bursts: the heaviest never leads more than twice in a row.
    expect(firsts.join("")).not.toContain("aaa");
  });

  test("stickyRequests N keeps the same first choice for N consecutive calls", () => {
    const strategy = createStrategy("round-robin", { stickyRequests: 3 });
    const list = [candidate("a"), candidate("b"), candidate("c")];
    const firsts = Array.from({ length: 12 }, () => strategy.order(list)[0]!.key).join("");
    expect(firsts).toBe("aaabbbcccaaa");
  });

  test("sticky turns follow the weights", () => {
    const strategy = createStrategy("round-robin", { stickyRequests: 2 });
    const list = [candidate("a", { weight: 2 }), candidate("b", { weight: 1 })];
    const counts = firstChoiceCounts(() => strategy.order(list), 600);
    expect(counts.get("a")).toBe(400);
    expect(counts.get("b")).toBe(200);
  });

  test("a sticky choice that leaves the best level is replaced at once", () => {
    const strategy = createStrategy("round-robin", { stickyRequests: 5 });
    const a = candidate("a");
    const b = candidate("b");
    const c = candidate("c");
    expect(strategy.order([a, b, c])[0]!.key).toBe("a");
    expect(strategy.order([b, c])[0]!.key).not.toBe("a");
    const demoted = candidate("a", { priority: 2 });
    const sticky = strategy.order([demoted, b, c])[0]!.key;
    expect(strategy.order([demoted, b, c])[0]!.key).toBe(sticky);
  });

  test("stickyRequests below 1 or not a number means no stickiness", () => {
    for (const stickyRequests of [0, -3, Number.NaN, 0.5]) {
      const strategy = createStrategy("round-robin", { stickyRequests });
      const list = [candidate("a"), candidate("b")];
      expect(Array.from({ length: 4 }, () => strategy.order(list)[0]!.key).join("")).toBe("abab");
    }
  });

  test("candidates may come and go between calls; a newcomer gets its share", () => {
    const strategy = createStrategy("round-robin");
    const a = candidate("a");
    const b = candidate("b");
    for (let i = 0; i < 7; i++) strategy.order([a, b]);
    const c = candidate("c");
    const counts = firstChoiceCounts(() => strategy.order([c, a, b]), 300);
    for (const key of ["a", "b", "c"]) expect(Math.abs(counts.get(key)! - 100)).toBeLessThanOrEqual(3);
  });

  test("instances do not share state", () => {
    const list = [candidate("a"), candidate("b")];
    const one = createStrategy("round-robin");
    const two = createStrategy("round-robin");
    one.order(list);
    expect(two.order(list)[0]!.key).toBe("a");
    expect(one.order(list)[0]!.key).toBe("b");
  });
});
