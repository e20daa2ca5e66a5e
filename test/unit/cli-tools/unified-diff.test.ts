import { describe, expect, test } from "bun:test";
import { unifiedDiff } from "../../../src/cli-tools/unified-diff";

describe("unifiedDiff", () => {
  test("equal texts give an empty diff", () => {
    expect(unifiedDiff("/f", "a\nb\n", "a\nb\n")).toBe("");
  });

  test("a new file is all additions from /dev/null", () => {
    expect(unifiedDiff("/home/x/.f", null, "a\nb\n")).toBe("--- /dev/null\n+++ b/home/x/.f\n@@ -0,0 +1,2 @@\n+a\n+b\n");
  });

  test("changes far apart make separate hunks with three lines of context", () => {
    const before = Array.from({ length: 20 }, (_, i) => `line ${i + 1}`).join("\n") + "\n";
    const after = before.replace("line 2\n", "line two\n").replace("line 18\n", "line eighteen\n");
    expect(unifiedDiff("/f", before, after)).toBe(
      [
        "--- a/f",
        "+++ b/f",
        "@@ -1,5 +1,5 @@",
        " line 1",
        "-line 2",
        "+line two",
        " line 3",
        " line 4",
        " line 5",
        "@@ -15,6 +15,6 @@",
        " line 15",
        " line 16",
        " line 17",
        "-line 18",
        "+line eighteen",
        " line 19",
        " line 20",
        "",
      ].join("\n"),
    );
  });

  test("a missing final newline is marked", () => {
    expect(unifiedDiff("/f", "a", "a\nb\n")).toBe("--- a/f\n+++ b/f\n@@ -1 +1,2 @@\n-a\n\\ No newline at end of file\n+a\n+b\n");
  });
});
