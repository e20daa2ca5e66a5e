import type { Candidate } from "../../../../src/routing/strategies";

/** A candidate with neutral defaults: priority 1, weight 1, idle, unmeasured, unpriced, no quota reading. */
export function candidate(key: string, fields: Partial<Omit<Candidate, "key">> = {}): Candidate {
  return {
    key,
    priority: 1,
    weight: 1,
    inflight: 0,
    ewmaTtfbMs: null,
    uses: 0,
    costPer1M: null,
    quotaResetAt: null,
    quotaHeadroom: null,
    ...fields,
  };
}

export const keys = (list: readonly Candidate[]): string[] => list.map((c) => c.key);

/** mulberry32: a small seeded PRNG, uniform in [0, 1). */
export function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Returns the given values in turn and fails the test if asked for more. */
export function scripted(...values: number[]): () => number {
  let i = 0;
  return () => {
    if (i >= values.length) throw new Error(`scripted random ran out after ${values.length} values`);
    return values[i++]!;
  };
}

/** A clock the test moves by hand. */
export function manualClock(start = 1_000_000): { now: () => number; advance: (ms: number) => void } {
  let time = start;
  return { now: () => time, advance: (ms) => void (time += ms) };
}

/** How often each key came first over `calls` orders. */
export function firstChoiceCounts(order: () => Candidate[], calls: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (let i = 0; i < calls; i++) {
    const first = order()[0]!.key;
    counts.set(first, (counts.get(first) ?? 0) + 1);
  }
  return counts;
}
