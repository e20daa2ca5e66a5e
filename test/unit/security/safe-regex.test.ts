import { describe, expect, test } from "bun:test";
import { REGEX_WINDOW_CHARS, checkRegexCost } from "../../../src/security/safe-regex";

/** Patterns an admin would write for a prompt guard, all of which must be accepted. */
const ACCEPTED = [
  "bluebird",
  String.raw`\bproject\s+bluebird\b`,
  String.raw`ignore\s+(?:all\s+)?previous\s+instructions`,
  String.raw`(?:send|post|upload)\s{1,3}(?:the\s{1,3})?(?:api\s?keys?|secrets|credentials)`,
  String.raw`curl [^|\n]{0,200}\|\s{0,3}(?:ba)?sh`,
  String.raw`foo.{0,200}bar`,
  String.raw`^\s*#{1,6}\s*system\s*:`,
  String.raw`colou?r`,
  String.raw`<\|im_start\|>`,
  String.raw`[a-z0-9._%+-]{1,64}@evil\.example`,
  String.raw`(?<word>secret)-\d{4}`,
  String.raw`(?:ab){1,20}c`,
];

/** Each refused pattern and a word its reason must contain. */
const REFUSED: Array<[string, string]> = [
  ["(unclosed", "not a valid JavaScript regular expression"],
  ["a{2,1}", "not a valid JavaScript regular expression"],
  ["(a+)+$", "exponential"],
  ["(a*)*b", "exponential"],
  ["(x|xy)*z", "exponential"],
  ["(?:a|b){2,}c", "exponential"],
  ["(\\w+\\s?)+$", "exponential"],
  ["(\\w)\\1", "backreferences"],
  ["(?<q>['\"]).*\\k<q>", "backreferences"],
  ["(?=.*password)", "lookaround"],
  ["(?<!no )secret", "lookaround"],
  ["a.*z", "backtrack too much"],
  ["ignore.*instructions", "backtrack too much"],
  ["\\s+x", "backtrack too much"],
  ["x{2,}y", "backtrack too much"],
  [".*a.*b", "backtrack too much"],
  ["\\w+\\w+!", "backtrack too much"],
  [".{0,500}x.{0,500}y", "backtrack too much"],
];

describe("checkRegexCost", () => {
  test("accepts the patterns a guard needs", () => {
    for (const pattern of ACCEPTED) expect({ pattern, check: checkRegexCost(pattern) }).toEqual({ pattern, check: { ok: true } });
  });

  test("refuses invalid, exponential, backreferencing, lookaround and quadratic patterns, saying why", () => {
    for (const [pattern, reason] of REFUSED) {
      const check = checkRegexCost(pattern);
      expect({ pattern, ok: check.ok }).toEqual({ pattern, ok: false });
      if (!check.ok) expect({ pattern, reason: check.reason }).toEqual({ pattern, reason: expect.stringContaining(reason) });
    }
  });

  test("refused patterns really are slow, and accepted ones stay fast, on hostile text of one window", () => {
    const cpuMs = (fn: () => unknown) => {
      const start = process.cpuUsage();
      fn();
      const used = process.cpuUsage(start);
      return (used.user + used.system) / 1000;
    };
    /** Runs of every character the pattern names, and of common ones: what drives a backtracking engine. */
    const hostileTexts = (pattern: string) => {
      const chars = new Set([..."a x\n<#", ...pattern.replace(/\\[a-z]/gi, "")].filter((char) => /[\w <>#|@.\n-]/.test(char)));
      const words = pattern.match(/[a-z]{2,}/gi) ?? [];
      return [...chars, ...words, words.join(" ")].map((unit) => unit.repeat(Math.ceil(REGEX_WINDOW_CHARS / unit.length)).slice(0, REGEX_WINDOW_CHARS));
    };
    for (const pattern of ACCEPTED) {
      const regex = new RegExp(pattern, "i");
      const ms = cpuMs(() => {
        for (const text of hostileTexts(pattern)) for (let i = 0; i < 5; i++) regex.test(text);
      });
      expect({ pattern, fast: ms < 200 }).toEqual({ pattern, fast: true });
    }
    // The same harness does see a quadratic pattern: a window of 'a' costs it far more than any accepted one. Each
    // side is timed five times, interleaved, and the best run counts: process CPU time also holds the runtime's GC and
    // JIT threads, which made a single reading of the linear side swing by several times on a loaded machine.
    const quadratic = new RegExp("a.*z", "i");
    const linear = new RegExp("a.{0,80}z", "i");
    const window = "a".repeat(REGEX_WINDOW_CHARS);
    const slowRuns: number[] = [];
    const fastRuns: number[] = [];
    for (let run = 0; run < 5; run++) {
      slowRuns.push(cpuMs(() => {
        for (let i = 0; i < 20; i++) quadratic.test(window);
      }));
      fastRuns.push(cpuMs(() => {
        for (let i = 0; i < 20; i++) linear.test(window);
      }));
    }
    expect(Math.min(...slowRuns)).toBeGreaterThan(Math.min(...fastRuns) * 3);
  });
});
