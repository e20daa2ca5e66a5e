import { describe, expect, test } from "bun:test";
import { createStrategy } from "../../../../src/routing/strategies";
import { candidate, keys, scripted, seeded } from "./candidate-fixtures";

describe("random", () => {
  test("one draw per candidate decides the whole order", () => {
    // Keys ln(1 - u) / weight: a ≈ -0.69, b ≈ -0.11, c ≈ -2.30 — highest first.
    const strategy = createStrategy("random", { random: scripted(0.5, 0.1, 0.9) });
    expect(keys(strategy.order([candidate("a"), candidate("b"), candidate("c")]))).toEqual(["b", "a", "c"]);
  });

  test("first choice follows the weights; later places are weighted among those left", () => {
    const strategy = createStrategy("random", { random: seeded(42) });
    const list = [candidate("a", { weight: 1 }), candidate("b", { weight: 2 }), candidate("c", { weight: 7 })];
    const calls = 20_000;
    let firstA = 0;
    let firstC = 0;
    let secondA = 0;
    for (let i = 0; i < calls; i++) {
      const order = keys(strategy.order(list));
      if (order[0] === "a") firstA++;
      if (order[0] === "c") firstC++;
      if (order[1] === "a") secondA++;
    }
    expect(Math.abs(firstA / calls - 0.1)).toBeLessThan(0.015);
    expect(Math.abs(firstC / calls - 0.7)).toBeLessThan(0.015);
    // P(a second) = P(b first)·1/8 + P(c first)·1/3 ≈ 0.258
    expect(Math.abs(secondA / calls - (0.2 / 8 + 0.7 / 3))).toBeLessThan(0.015);
  });

  test("the same seed gives the same orders", () => {
    const list = [candidate("a"), candidate("b"), candidate("c"), candidate("d")];
    const one = createStrategy("random", { random: seeded(3) });
    const two = createStrategy("random", { random: seeded(3) });
    for (let i = 0; i < 20; i++) expect(keys(one.order(list))).toEqual(keys(two.order(list)));
  });

  test("reuses its scratch space safely across list sizes", () => {
    const strategy = createStrategy("random", { random: seeded(5) });
    const big = Array.from({ length: 30 }, (_, i) => candidate(`k${i}`));
    expect(strategy.order(big)).toHaveLength(30);
    expect(keys(strategy.order(big.slice(0, 2))).sort()).toEqual(["k0", "k1"]);
    expect(strategy.order([])).toEqual([]);
  });
});
