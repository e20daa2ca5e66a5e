import { describe, expect, test } from "bun:test";
import { createStrategy, isStrategyName, STRATEGY_NAMES, type Candidate, type StrategyName } from "../../../../src/routing/strategies";
import { candidate, manualClock, seeded } from "./candidate-fixtures";

/** Random candidate lists that hit the edges: shared priorities, nulls, NaN, zero weights, repeated keys. */
function randomCandidates(random: () => number, now: number): Candidate[] {
  const n = Math.floor(random() * 51);
  const pick = <T>(...values: T[]): T => values[Math.floor(random() * values.length)]!;
  return Array.from({ length: n }, (_, i) =>
    candidate(random() < 0.05 && i > 0 ? `k${i - 1}` : `k${i}`, {
      priority: pick(0, 1, 1, 2, 3, 10),
      weight: pick(1, 1, 2, 5, 0, Number.NaN),
      inflight: Math.floor(random() * 4),
      ewmaTtfbMs: pick(null, 100, 250, random() * 2_000, Number.NaN),
      uses: Math.floor(random() * 20),
      costPer1M: pick(null, 0, 0.5, 3, 15),
      quotaResetAt: pick(null, null, now - 1_000, now + 60_000, now + random() * 3_600_000),
      quotaHeadroom: pick(null, 0, 0.2, 1),
    }),
  );
}

describe("every strategy", () => {
  for (const name of STRATEGY_NAMES) {
    test(`${name}: every order is a permutation of its input, which is left untouched`, () => {
      const clock = manualClock();
      const strategy = createStrategy(name, { random: seeded(1), now: clock.now, stickyRequests: 2 });
      expect(strategy.name).toBe(name);
      const random = seeded(name.length * 7919);
      let lists = 0;
      for (let round = 0; round < 150; round++) {
        const list = randomCandidates(random, clock.now());
        const before = list.slice();
        // The same list several times, so the stateful strategies move through their states.
        for (let repeat = 0; repeat < 4; repeat++) {
          const order = strategy.order(list);
          expect(order).not.toBe(list);
          expect(order.length).toBe(list.length);
          const seen = new Set<Candidate>(order);
          expect(seen.size).toBe(list.length);
          for (const c of list) expect(seen.has(c)).toBe(true);
          clock.advance(7_000);
        }
        expect(list).toEqual(before);
        for (let i = 0; i < list.length; i++) expect(list[i]).toBe(before[i]!);
        lists++;
      }
      expect(lists).toBe(150);
    });
  }
});

describe("createStrategy", () => {
  test("knows all eight names", () => {
    const expected: StrategyName[] = ["fill-first", "round-robin", "power-of-two", "random", "least-used", "cost-optimized", "lowest-latency", "reset-aware"];
    expect([...STRATEGY_NAMES].sort()).toEqual(expected.sort());
    for (const name of expected) expect(isStrategyName(name)).toBe(true);
  });

  test("refuses an unknown name, listing the known ones", () => {
    expect(isStrategyName("weighted")).toBe(false);
    expect(isStrategyName("toString")).toBe(false);
    expect(() => createStrategy("weighted" as StrategyName)).toThrow(/Unknown routing strategy 'weighted'; use one of: fill-first, round-robin/);
  });
});
