import type { Candidate } from "./strategy-types";

/** The declared weight when it is a positive finite number, else 1 — a bad row neither starves nor floods. */
export function candidateWeight(candidate: Candidate): number {
  const weight = candidate.weight;
  return weight > 0 && weight < Infinity ? weight : 1;
}

/** A metric we can rank on: finite numbers only (NaN or ±Infinity count as unknown). */
export function finiteOrNull(value: number | null): number | null {
  return value !== null && Number.isFinite(value) ? value : null;
}

/**
 * The fill-first order and every strategy's last tie-break ("ties by priority"): priority ascending, weight
 * descending, key. Total and deterministic, so every sort built on it is reproducible.
 */
export function compareByPriority(a: Candidate, b: Candidate): number {
  if (a.priority !== b.priority) return a.priority < b.priority ? -1 : a.priority > b.priority ? 1 : 0;
  const wa = candidateWeight(a);
  const wb = candidateWeight(b);
  if (wa !== wb) return wb - wa;
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

/** Known values ascending, unknown (null) after them; 0 when both are unknown or equal. */
export function compareKnownAscending(a: number | null, b: number | null): number {
  if (a === null) return b === null ? 0 : 1;
  if (b === null) return -1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * One index drawn with probability proportional to weight, optionally leaving one index out. -1 only when
 * nothing is left to draw from.
 */
export function weightedIndex(list: readonly Candidate[], random: () => number, skip = -1): number {
  let total = 0;
  for (let i = 0; i < list.length; i++) if (i !== skip) total += candidateWeight(list[i]!);
  let rest = random() * total;
  let last = -1;
  for (let i = 0; i < list.length; i++) {
    if (i === skip) continue;
    last = i;
    rest -= candidateWeight(list[i]!);
    if (rest < 0) return i;
  }
  return last; // rounding left `rest` at ≈ 0, or random() broke its [0, 1) promise
}

/** Moves `list[index]` to the front, keeping the others in their order. */
export function moveToFront<T>(list: T[], index: number): void {
  if (index <= 0) return;
  const item = list[index]!;
  for (let i = index; i > 0; i--) list[i] = list[i - 1]!;
  list[0] = item;
}
