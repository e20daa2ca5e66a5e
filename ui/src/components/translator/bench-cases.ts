import { readPreference, writePreference } from "../../stores/local-preference";
import { WIRE_FORMAT_IDS, type WireFormatId } from "./detect-format";

export const EXPECTATION_MODES = ["contains", "equals", "regex"] as const;
export type ExpectationMode = (typeof EXPECTATION_MODES)[number];

/** One test-bench case: a request body in a client format and what its answer text must satisfy. */
export interface BenchCase {
  id: string;
  name: string;
  format: WireFormatId;
  /** The request body as the user wrote it (JSON text); the model is set per run. */
  body: string;
  expectMode: ExpectationMode;
  expected: string;
}

/** The cases live in this browser only: the user's scratch space, not gateway state. */
const CASES_KEY = "omniroute.translator.benchCases";
const MODELS_KEY = "omniroute.translator.benchModels";

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

function isBenchCase(value: unknown): value is BenchCase {
  return (
    isRecord(value) &&
    typeof value.id === "string" &&
    typeof value.name === "string" &&
    typeof value.body === "string" &&
    typeof value.expected === "string" &&
    (WIRE_FORMAT_IDS as readonly unknown[]).includes(value.format) &&
    (EXPECTATION_MODES as readonly unknown[]).includes(value.expectMode)
  );
}

function readJson(key: string): unknown {
  const text = readPreference(key);
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** Saved cases; anything unreadable (another version, a hand edit) is left out rather than breaking the page. */
export function loadBenchCases(): BenchCase[] {
  const saved = readJson(CASES_KEY);
  return Array.isArray(saved) ? saved.filter(isBenchCase) : [];
}

export function saveBenchCases(cases: readonly BenchCase[]): void {
  writePreference(CASES_KEY, JSON.stringify(cases));
}

export function loadBenchModels(): string[] {
  const saved = readJson(MODELS_KEY);
  return Array.isArray(saved) ? saved.filter((item): item is string => typeof item === "string") : [];
}

export function saveBenchModels(models: readonly string[]): void {
  writePreference(MODELS_KEY, JSON.stringify(models));
}

export function newCaseId(): string {
  // crypto.randomUUID needs a secure context; a dashboard opened over plain http on the LAN is not one.
  return `case_${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
}

export type Verdict = { pass: true } | { pass: false; reason: "no-answer" | "mismatch" | "bad-regex" };

/** Whether an answer text meets a case's expectation (null: the request failed, nothing to compare). */
export function judgeAnswer(mode: ExpectationMode, expected: string, answer: string | null): Verdict {
  if (answer === null) return { pass: false, reason: "no-answer" };
  switch (mode) {
    case "contains":
      return answer.includes(expected) ? { pass: true } : { pass: false, reason: "mismatch" };
    case "equals":
      return answer.trim() === expected.trim() ? { pass: true } : { pass: false, reason: "mismatch" };
    case "regex": {
      let pattern: RegExp;
      try {
        pattern = new RegExp(expected);
      } catch {
        return { pass: false, reason: "bad-regex" };
      }
      return pattern.test(answer) ? { pass: true } : { pass: false, reason: "mismatch" };
    }
  }
}

/** The regular expression's own error message, or null when it compiles. */
export function regexError(source: string): string | null {
  try {
    new RegExp(source);
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
