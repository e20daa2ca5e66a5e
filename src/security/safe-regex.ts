/**
 * Static cost check for user-written regular expressions that run on request text (the prompt guard's custom
 * patterns). JavaScript's engine backtracks: `(a+)+b` takes exponential time, `a.*z` or `\s+x` quadratic time
 * (measured in Bun on 256 KB of hostile text: 0.6 s for 26 characters of `a`, 63 s and 36 s), so capping the input
 * alone bounds nothing. A pattern is accepted only if it avoids the exponential constructs outright and the number
 * of ways it can try to match from one position stays small; the scanner (prompt-guard.ts) then bounds the input of
 * each match call, which turns whatever cost is left into a small constant per character.
 *
 * The analysis is conservative (it may refuse a harmless pattern, and says how to rewrite it) and approximate for
 * characters beyond the sample alphabet below.
 */

/** Longest stretch of text one match call sees (the scanner's window); an unbounded repetition counts as this. */
export const REGEX_WINDOW_CHARS = 2_048;
/**
 * Most steps one start position may cost (amortised; the estimate is pessimistic). The scanner tries every position
 * of a window, so a pattern at the limit costs at most about four million steps per window, some 10 ms.
 */
export const MAX_REGEX_STEPS = 2_000;

type CharSet = Uint8Array;

/** The characters the overlap tests try: ASCII, and a few of each kind of non-ASCII letter, digit and space. */
const SAMPLE: string[] = [
  ...Array.from({ length: 128 }, (_, code) => String.fromCharCode(code)),
  ..."\u00a0\u00e9\u00df\u0130\u017f\u0416\u4e2d\u0663\u2003\u2028\u2029\u3000\ufeff\u212a\ud83d\ude00",
];

interface Term {
  kind: "atom" | "group" | "assertion";
  /** Characters the atom (or, for a group, its first character) can match. */
  first: CharSet;
  /** Characters a match of this term can end with. */
  last: CharSet;
  nullable: boolean;
  /** `^`: nothing can precede it, so the text before it is no run to rescan. */
  anchor?: boolean;
  min: number;
  max: number;
  alternatives?: Term[][];
}

export type RegexCheck = { ok: true } | { ok: false; reason: string };

class Refused extends Error {}

/**
 * Whether `source` (compiled case-insensitively) is safe to run on hostile text. The reason, when not, says what
 * to change.
 */
export function checkRegexCost(source: string): RegexCheck {
  try {
    new RegExp(source, "i");
  } catch (error) {
    return { ok: false, reason: `not a valid JavaScript regular expression (${(error as Error).message})` };
  }
  try {
    const parser = new Parser(source);
    const alternatives = parser.parseAlternatives(0);
    const steps = stepsPerStart(alternatives);
    if (steps > MAX_REGEX_STEPS) {
      throw new Refused(
        `it can backtrack too much (about ${Math.round(steps)} steps per text position, at most ${MAX_REGEX_STEPS}): an open-ended ` +
          "repetition (*, +, {n,}) meets text it can also match, or several repetitions overlap. Bound repetitions of broad " +
          "classes (`.{0,80}` instead of `.*`) and keep one open-ended repetition per gap",
      );
    }
    return { ok: true };
  } catch (error) {
    if (error instanceof Refused) return { ok: false, reason: error.message };
    throw error;
  }
}

// ---- parsing (the syntax the RegExp constructor already accepted, without the `u` flag) -------------------------

class Parser {
  #at = 0;
  constructor(private readonly source: string) {}

  parseAlternatives(depth: number): Term[][] {
    const alternatives: Term[][] = [[]];
    while (this.#at < this.source.length) {
      const char = this.source[this.#at]!;
      if (char === ")") {
        if (depth === 0) throw new Refused("unbalanced ')'");
        return alternatives;
      }
      if (char === "|") {
        this.#at++;
        alternatives.push([]);
        continue;
      }
      const term = this.#parseTerm(depth);
      this.#parseQuantifier(term);
      alternatives[alternatives.length - 1]!.push(term);
    }
    return alternatives;
  }

  #parseTerm(depth: number): Term {
    const source = this.source;
    const start = this.#at;
    const char = source[this.#at++]!;
    if (char === "^") return { ...assertion(), anchor: true };
    if (char === "$") return assertion();
    if (char === "(") {
      if (source.startsWith("?=", this.#at) || source.startsWith("?!", this.#at) || source.startsWith("?<=", this.#at) || source.startsWith("?<!", this.#at)) {
        throw new Refused("lookaround ((?=, (?!, (?<=, (?<!) is not supported; match the text itself");
      }
      if (source.startsWith("?:", this.#at)) this.#at += 2;
      else if (source.startsWith("?<", this.#at)) this.#at = source.indexOf(">", this.#at) + 1;
      const alternatives = this.parseAlternatives(depth + 1);
      this.#at++; // ")"
      return group(alternatives);
    }
    if (char === "[") {
      // A class ends at the first unescaped "]" ("[]" is the empty class, "[^]" any character).
      if (source[this.#at] === "^") this.#at++;
      while (this.#at < source.length && source[this.#at] !== "]") this.#at += source[this.#at] === "\\" ? 2 : 1;
      this.#at++;
      return atom(source.slice(start, this.#at));
    }
    if (char === "\\") {
      const escaped = source[this.#at++] ?? "";
      if (/[1-9]/.test(escaped)) throw new Refused("backreferences (\\1 …) are not supported");
      if (escaped === "k" && source[this.#at] === "<") throw new Refused("named backreferences (\\k<…>) are not supported");
      if (escaped === "b" || escaped === "B") return assertion();
      if (escaped === "x") this.#at += 2;
      else if (escaped === "u") this.#at += 4;
      else if (escaped === "c") this.#at += 1;
      return atom(source.slice(start, this.#at));
    }
    if (char === "{" && quantifierAt(source, start)) throw new Refused("a quantifier needs something to repeat");
    return atom(source.slice(start, this.#at));
  }

  #parseQuantifier(term: Term): void {
    const source = this.source;
    const char = source[this.#at];
    let min: number;
    let max: number;
    if (char === "*") [min, max] = [0, Infinity];
    else if (char === "+") [min, max] = [1, Infinity];
    else if (char === "?") [min, max] = [0, 1];
    else if (char === "{" && quantifierAt(source, this.#at)) {
      const match = quantifierAt(source, this.#at)!;
      min = Number(match[1]);
      max = match[2] === undefined ? min : match[2] === "" ? Infinity : Number(match[2]);
      this.#at += match[0].length - 1;
    } else return;
    this.#at++;
    if (source[this.#at] === "?") this.#at++; // lazy: the same paths, tried in another order
    if (term.kind === "assertion") throw new Refused("an assertion cannot be repeated");
    if (term.kind === "group" && max > 1 && hasVariableParts(term)) {
      throw new Refused(
        "a repeated group contains a repetition or an alternative (like `(a+)+` or `(a|b)*`), which can take exponential time; " +
          "repeat a character class instead (`[ab]{0,40}`)",
      );
    }
    term.min = min;
    term.max = max;
    term.nullable = term.nullable || min === 0;
  }
}

function quantifierAt(source: string, at: number): RegExpExecArray | null {
  return /^\{(\d+)(?:,(\d*))?\}/.exec(source.slice(at, at + 24));
}

function charSetOf(atomSource: string): CharSet {
  const test = new RegExp(`^(?:${atomSource})$`, "i");
  return Uint8Array.from(SAMPLE, (char) => (test.test(char) ? 1 : 0));
}

function union(a: CharSet, b: CharSet): CharSet {
  return a.map((bit, i) => bit | b[i]!);
}

function overlaps(a: CharSet, b: CharSet): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] && b[i]) return true;
  return false;
}

const EMPTY: CharSet = new Uint8Array(SAMPLE.length);

function atom(source: string): Term {
  const chars = charSetOf(source);
  return { kind: "atom", first: chars, last: chars, nullable: false, min: 1, max: 1 };
}

function assertion(): Term {
  return { kind: "assertion", first: EMPTY, last: EMPTY, nullable: true, min: 1, max: 1 };
}

function group(alternatives: Term[][]): Term {
  let first = EMPTY;
  let last = EMPTY;
  let nullable = false;
  for (const sequence of alternatives) {
    first = union(first, firstOf(sequence, 0));
    last = union(last, lastOf(sequence, sequence.length));
    nullable ||= sequence.every((term) => term.nullable);
  }
  return { kind: "group", first, last, nullable, min: 1, max: 1, alternatives };
}

function hasVariableParts(term: Term): boolean {
  if (!term.alternatives) return false;
  if (term.alternatives.length > 1) return true;
  return term.alternatives.some((sequence) => sequence.some((inner) => inner.min !== inner.max || hasVariableParts(inner)));
}

/** Characters the rest of `sequence` from `from` can start with (until a term that cannot be skipped). */
function firstOf(sequence: Term[], from: number): CharSet {
  let chars = EMPTY;
  for (let i = from; i < sequence.length; i++) {
    chars = union(chars, sequence[i]!.first);
    if (!sequence[i]!.nullable) break;
  }
  return chars;
}

/** Characters the part of `sequence` before `until` can end with (back to a term that cannot be skipped). */
function lastOf(sequence: Term[], until: number): CharSet {
  let chars = EMPTY;
  for (let i = until - 1; i >= 0; i--) {
    chars = union(chars, sequence[i]!.last);
    if (!sequence[i]!.nullable) break;
  }
  return chars;
}

// ---- cost ------------------------------------------------------------------------------------------------------

/**
 * What surrounds a sequence: the characters that may follow it ("end": the match succeeds there) and that may
 * precede it ("start": the match may begin there, so a scan tries it at every position).
 */
interface Context {
  follow: CharSet | "end";
  prefix: CharSet | "start";
}

/** Match paths leaving a term, and the steps spent in it per path that enters (amortised over start positions). */
interface Cost {
  paths: number;
  steps: number;
}

const TOP: Context = { follow: "end", prefix: "start" };

/**
 * Steps one start position costs, amortised: the scanner tries every position of a window, so a pattern is cheap
 * when this is small. Unbounded repetitions count as a whole window.
 */
function stepsPerStart(alternatives: Term[][]): number {
  return costOfAlternatives(alternatives, TOP).steps;
}

function costOfAlternatives(alternatives: Term[][], context: Context): Cost {
  const costs = alternatives.map((sequence) => costOfSequence(sequence, context));
  const exclusive = alternatives.every((a, i) => alternatives.every((b, j) => j <= i || excludeEachOther(a, b)));
  if (exclusive) {
    // At most one alternative gets past the position where they differ; the others fail there.
    return { paths: Math.max(...costs.map((c) => c.paths)), steps: Math.max(...costs.map((c) => c.steps)) + alternatives.length };
  }
  return { paths: costs.reduce((sum, c) => sum + c.paths, 0), steps: costs.reduce((sum, c) => sum + c.steps, 0) };
}

/** Two alternatives cannot both match at one position: at some place before any repetition they need different characters. */
function excludeEachOther(a: Term[], b: Term[]): boolean {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x.kind !== "atom" || y.kind !== "atom" || x.min !== 1 || x.max !== 1 || y.min !== 1 || y.max !== 1) return false;
    if (!overlaps(x.first, y.first)) return true;
  }
  return false;
}

function costOfSequence(sequence: Term[], context: Context): Cost {
  let paths = 1;
  let steps = 0;
  for (let i = 0; i < sequence.length; i++) {
    const rest = firstOf(sequence, i + 1);
    const restNullable = sequence.slice(i + 1).every((t) => t.nullable);
    const follow: CharSet | "end" = restNullable ? (context.follow === "end" ? "end" : union(rest, context.follow)) : rest;
    let prefix: CharSet | "start" = EMPTY;
    if (!sequence.slice(0, i).some((t) => t.anchor)) {
      const before = lastOf(sequence, i);
      prefix = sequence.slice(0, i).every((t) => t.nullable) ? (context.prefix === "start" ? "start" : union(before, context.prefix)) : before;
    }
    const cost = costOfTerm(sequence[i]!, { follow, prefix });
    steps += paths * cost.steps;
    paths *= cost.paths;
    if (steps > MAX_REGEX_STEPS) break;
  }
  return { paths, steps };
}

function costOfTerm(term: Term, context: Context): Cost {
  if (term.kind === "assertion") return { paths: 1, steps: 1 };
  if (term.max === 1 && term.min === 1) return term.alternatives ? costOfAlternatives(term.alternatives, context) : { paths: 1, steps: 1 };
  // A repeated group has no inner choices (the parser refused those): one pass costs its length.
  const inner = term.alternatives ? costOfAlternatives(term.alternatives, term.max > 1 ? { follow: "end", prefix: EMPTY } : context) : { paths: 1, steps: 1 };
  if (term.max === 1) {
    // Optional: taking it and skipping it both go on only if what follows can start like the term does.
    const clash = context.follow === "end" || overlaps(term.first, context.follow);
    return { paths: clash ? inner.paths + 1 : Math.max(inner.paths, 1), steps: inner.steps + 1 };
  }
  const longest = Math.min(term.max, REGEX_WINDOW_CHARS);
  // Each count can continue only if what follows may begin with a character the repetition also matches.
  const paths = context.follow !== "end" && overlaps(term.first, context.follow) ? longest - term.min + 1 : 1;
  // The greedy scan is paid again from each start inside a run of the repeated characters, unless the text before
  // the repetition cannot be one of them (then the runs scanned from different starts do not overlap).
  const rescans = context.prefix === "start" || overlaps(term.first, context.prefix);
  return { paths, steps: rescans ? longest * inner.steps : inner.steps * Math.max(term.min, 1) };
}
