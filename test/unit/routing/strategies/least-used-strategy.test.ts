import { describe, expect, test } from "bun:test";
import { createStrategy } from "../../../../src/routing/strategies";
import { candidate, keys } from "./candidate-fixtures";

describe("least-used", () => {
  const strategy = createStrategy("least-used");

  test("fewest uses first, whatever the priority", () => {
    const list = [candidate("a", { priority: 0, uses: 30 }), candidate("b", { priority: 5, uses: 2 }), candidate("c", { priority: 1, uses: 10 })];
    expect(keys(strategy.order(list))).toEqual(["b", "c", "a"]);
  });

  test("ties by priority, then weight, then key", () => {
    const list = [
      candidate("d", { priority: 2, uses: 4 }),
      candidate("c", { priority: 1, uses: 4 }),
      candidate("b", { priority: 1, uses: 4, weight: 2 }),
      candidate("a", { priority: 3, uses: 1 }),
    ];
    expect(keys(strategy.order(list))).toEqual(["a", "b", "c", "d"]);
  });

  test("follows the counts as they change", () => {
    const a = candidate("a", { uses: 0 });
    const b = candidate("b", { uses: 0 });
    expect(strategy.order([a, b])[0]!.key).toBe("a");
    a.uses = 1;
    expect(strategy.order([a, b])[0]!.key).toBe("b");
  });
});
