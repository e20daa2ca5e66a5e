import { describe, expect, test } from "bun:test";
import { createStrategy } from "../../../../src/routing/strategies";
import { candidate, firstChoiceCounts, keys, scripted, seeded } from "./candidate-fixtures";

describe("power-of-two", () => {
  test("the less loaded of the two drawn goes first; the rest, the other one included, by load", () => {
    // Weights equal: 0.1 draws index 0 (a) of four, then 0.1 draws index 0 of the three left (b).
    const strategy = createStrategy("power-of-two", { random: scripted(0.1, 0.1) });
    const list = [candidate("a", { inflight: 5 }), candidate("b", { inflight: 1 }), candidate("c", { inflight: 0 }), candidate("d", { inflight: 3 })];
    expect(keys(strategy.order(list))).toEqual(["b", "c", "d", "a"]);
  });

  test("equal in-flight counts: the lower latency wins; unknown latency loses to a known one", () => {
    const list = [candidate("slow", { inflight: 1, ewmaTtfbMs: 900 }), candidate("fast", { inflight: 1, ewmaTtfbMs: 120 }), candidate("new", { inflight: 1 })];
    expect(keys(createStrategy("power-of-two", { random: scripted(0, 0) }).order(list))).toEqual(["fast", "slow", "new"]);
    // Draw 'slow' and 'new': slow has a measurement, so it leads.
    expect(keys(createStrategy("power-of-two", { random: scripted(0, 0.99) }).order(list))).toEqual(["slow", "fast", "new"]);
  });

  test("the busiest candidate is never first, and an idle one leads about twice its fair share", () => {
    const strategy = createStrategy("power-of-two", { random: seeded(7) });
    const list = Array.from({ length: 10 }, (_, i) => candidate(`k${i}`, { inflight: 2 }));
    list[3] = candidate("hot", { inflight: 10 });
    list[8] = candidate("idle", { inflight: 0 });
    const counts = firstChoiceCounts(() => strategy.order(list), 4_000);
    expect(counts.get("hot")).toBeUndefined();
    // Drawn in 2 of every 10 pairs and always winning them: ≈ 20 %.
    expect(counts.get("idle")! / 4_000).toBeGreaterThan(0.17);
    expect(counts.get("idle")! / 4_000).toBeLessThan(0.23);
  });

  test("draws are weighted", () => {
    // Equal in-flight counts; 'heavy' is the fastest, so it leads whenever it is drawn.
    const strategy = createStrategy("power-of-two", { random: seeded(11) });
    const list = [candidate("heavy", { weight: 8, ewmaTtfbMs: 100 }), candidate("light-a", { ewmaTtfbMs: 200 }), candidate("light-b", { ewmaTtfbMs: 200 })];
    // Weighted: P(drawn) = 1 - P(the pair is the two light ones) = 1 - 2·(1/10)(1/9) ≈ 0.978; unweighted it would be 2/3.
    const counts = firstChoiceCounts(() => strategy.order(list), 4_000);
    expect(counts.get("heavy")! / 4_000).toBeGreaterThan(0.96);
  });

  test("one or no candidate needs no draw", () => {
    const strategy = createStrategy("power-of-two", { random: scripted() });
    expect(strategy.order([])).toEqual([]);
    expect(keys(strategy.order([candidate("only")]))).toEqual(["only"]);
  });
});
