import { describe, expect, test } from "bun:test";
import { createStrategy } from "../../../../src/routing/strategies";
import { candidate, keys } from "./candidate-fixtures";

describe("fill-first", () => {
  const strategy = createStrategy("fill-first");

  test("orders by priority, ties by weight (heavier first) then key", () => {
    const list = [
      candidate("d", { priority: 2 }),
      candidate("c", { priority: 1, weight: 1 }),
      candidate("b", { priority: 1, weight: 3 }),
      candidate("a", { priority: 1, weight: 1 }),
      candidate("e", { priority: 0 }),
    ];
    expect(keys(strategy.order(list))).toEqual(["e", "b", "a", "c", "d"]);
  });

  test("is the same every call, whatever the input order or load", () => {
    const a = candidate("a", { priority: 1, inflight: 40, uses: 9_000 });
    const b = candidate("b", { priority: 2 });
    for (let i = 0; i < 5; i++) expect(keys(strategy.order(i % 2 ? [a, b] : [b, a]))).toEqual(["a", "b"]);
  });

  test("leaves the input untouched and handles empty and single lists", () => {
    const list = [candidate("b", { priority: 2 }), candidate("a")];
    const result = strategy.order(list);
    expect(result).not.toBe(list);
    expect(keys(list)).toEqual(["b", "a"]);
    expect(strategy.order([])).toEqual([]);
    expect(keys(strategy.order([candidate("x")]))).toEqual(["x"]);
  });

  test("a missing or nonsensical weight counts as 1", () => {
    const list = [candidate("a", { weight: Number.NaN }), candidate("b", { weight: 0 }), candidate("c", { weight: 2 })];
    expect(keys(strategy.order(list))).toEqual(["c", "a", "b"]);
  });
});
