import { describe, expect, test } from "bun:test";
import { createStrategy } from "../../../../src/routing/strategies";
import { candidate, keys } from "./candidate-fixtures";

describe("cost-optimized", () => {
  const strategy = createStrategy("cost-optimized");

  test("cheapest first, whatever the priority", () => {
    const list = [candidate("a", { priority: 0, costPer1M: 15 }), candidate("b", { priority: 3, costPer1M: 0.28 }), candidate("c", { priority: 1, costPer1M: 2.5 })];
    expect(keys(strategy.order(list))).toEqual(["b", "c", "a"]);
  });

  test("free is cheapest; unknown prices come after every known one, by priority", () => {
    const list = [
      candidate("unknown-late", { priority: 2 }),
      candidate("dear", { priority: 9, costPer1M: 60 }),
      candidate("unknown-early", { priority: 1 }),
      candidate("free", { priority: 5, costPer1M: 0 }),
      candidate("nan", { priority: 0, costPer1M: Number.NaN }),
    ];
    expect(keys(strategy.order(list))).toEqual(["free", "dear", "nan", "unknown-early", "unknown-late"]);
  });

  test("equal prices tie by priority", () => {
    const list = [candidate("b", { priority: 2, costPer1M: 1 }), candidate("a", { priority: 1, costPer1M: 1 })];
    expect(keys(strategy.order(list))).toEqual(["a", "b"]);
  });
});
