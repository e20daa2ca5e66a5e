/**
 * A unified diff (`diff -u` style, 3 lines of context) of two small text files, for the CLI tools preview.
 * Config files are small, so a plain LCS over the lines between the common prefix and suffix is enough; a middle
 * too large for that is shown as removed and re-added.
 */

const CONTEXT = 3;
/** Cells of the LCS table above which the middle part is shown as a whole replacement. */
const MAX_LCS_CELLS = 4_000_000;

type Op = { kind: " " | "-" | "+"; line: string };

/** A last line without a newline differs from the same line with one: it carries this mark while diffing. */
const NO_EOL = "\u0000";

function splitLines(text: string): string[] {
  if (text === "") return [];
  if (text.endsWith("\n")) return text.slice(0, -1).split("\n");
  const lines = text.split("\n");
  lines[lines.length - 1] += NO_EOL;
  return lines;
}

function diffOps(a: string[], b: string[]): Op[] {
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const ops: Op[] = a.slice(0, start).map((line) => ({ kind: " ", line }));
  const midA = a.slice(start, endA);
  const midB = b.slice(start, endB);
  if ((midA.length + 1) * (midB.length + 1) > MAX_LCS_CELLS) {
    for (const line of midA) ops.push({ kind: "-", line });
    for (const line of midB) ops.push({ kind: "+", line });
  } else {
    // lcs[i][j] = length of the LCS of midA[i..] and midB[j..], in one flat array.
    const width = midB.length + 1;
    const lcs = new Uint32Array((midA.length + 1) * width);
    for (let i = midA.length - 1; i >= 0; i--) {
      for (let j = midB.length - 1; j >= 0; j--) {
        lcs[i * width + j] = midA[i] === midB[j] ? lcs[(i + 1) * width + j + 1]! + 1 : Math.max(lcs[(i + 1) * width + j]!, lcs[i * width + j + 1]!);
      }
    }
    let i = 0;
    let j = 0;
    while (i < midA.length || j < midB.length) {
      if (i < midA.length && j < midB.length && midA[i] === midB[j]) {
        ops.push({ kind: " ", line: midA[i]! });
        i++;
        j++;
      } else if (i < midA.length && (j === midB.length || lcs[(i + 1) * width + j]! >= lcs[i * width + j + 1]!)) {
        // Removals before additions, as diff -u shows a replaced line.
        ops.push({ kind: "-", line: midA[i]! });
        i++;
      } else {
        ops.push({ kind: "+", line: midB[j]! });
        j++;
      }
    }
  }
  for (const line of a.slice(endA)) ops.push({ kind: " ", line });
  return ops;
}

/** `--- a` / `+++ b` headers and hunks; an empty string when the texts are equal. `before` null: a new file. */
export function unifiedDiff(path: string, before: string | null, after: string): string {
  if (before === after) return "";
  const ops = diffOps(splitLines(before ?? ""), splitLines(after));

  const out: string[] = [`--- ${before === null ? "/dev/null" : `a${path}`}`, `+++ b${path}`];
  const changed = ops.map((op, index) => (op.kind === " " ? -1 : index)).filter((index) => index !== -1);
  let cursor = 0;
  while (cursor < changed.length) {
    const first = changed[cursor]!;
    let last = first;
    // Extend the hunk while the next change is close enough for the contexts to touch.
    while (cursor + 1 < changed.length && changed[cursor + 1]! - last <= CONTEXT * 2 + 1) last = changed[++cursor]!;
    cursor++;
    const from = Math.max(0, first - CONTEXT);
    const to = Math.min(ops.length - 1, last + CONTEXT);
    let oldLine = 0;
    let newLine = 0;
    for (let k = 0; k < from; k++) {
      if (ops[k]!.kind !== "+") oldLine++;
      if (ops[k]!.kind !== "-") newLine++;
    }
    const lines: string[] = [];
    let oldCount = 0;
    let newCount = 0;
    for (let k = from; k <= to; k++) {
      const op = ops[k]!;
      if (op.line.endsWith(NO_EOL)) lines.push(op.kind + op.line.slice(0, -1), "\\ No newline at end of file");
      else lines.push(op.kind + op.line);
      if (op.kind !== "+") oldCount++;
      if (op.kind !== "-") newCount++;
    }
    const range = (start: number, count: number) => (count === 0 ? `${start},0` : count === 1 ? `${start + 1}` : `${start + 1},${count}`);
    out.push(`@@ -${range(oldLine, oldCount)} +${range(newLine, newCount)} @@`, ...lines);
  }
  return out.join("\n") + "\n";
}
