import { describe, expect, test } from "bun:test";
import { splitThinkTags, ThinkTagExtractor } from "../../../../src/formats/openai-chat/openai-chat-think-tags";

/** Runs the extractor over the given chunks and returns merged output runs. */
function extract(chunks: string[]): Array<[kind: "thinking" | "text", text: string]> {
  const runs: Array<["thinking" | "text", string]> = [];
  const add = (kind: "thinking" | "text", text: string) => {
    expect(text.length).toBeGreaterThan(0); // never emits empty pieces
    const last = runs[runs.length - 1];
    if (last && last[0] === kind) last[1] += text;
    else runs.push([kind, text]);
  };
  const extractor = new ThinkTagExtractor({ thinking: (t) => add("thinking", t), text: (t) => add("text", t) });
  for (const chunk of chunks) extractor.push(chunk);
  extractor.end();
  return runs;
}

describe("splitThinkTags (non-stream)", () => {
  test("content opening with <think> is split into thinking and the answer (separating whitespace dropped)", () => {
    expect(splitThinkTags("<think>\nLet me add.\n</think>\n\nIt is 4.")).toEqual({ thinking: "\nLet me add.\n", text: "It is 4." });
  });

  test("leading whitespace before the tag is allowed", () => {
    expect(splitThinkTags("\n  <think>plan</think>answer")).toEqual({ thinking: "plan", text: "answer" });
  });

  test("content that does not start with the tag is left alone, even when it mentions one", () => {
    expect(splitThinkTags("Use <think>tags</think> like this")).toEqual({ thinking: null, text: "Use <think>tags</think> like this" });
    expect(splitThinkTags("  indented answer")).toEqual({ thinking: null, text: "  indented answer" });
    expect(splitThinkTags("<thinking>not ours</thinking>")).toEqual({ thinking: null, text: "<thinking>not ours</thinking>" });
    expect(splitThinkTags("<thin")).toEqual({ thinking: null, text: "<thin" });
    expect(splitThinkTags("")).toEqual({ thinking: null, text: "" });
  });

  test("an unterminated think section is all thinking (the model was cut off)", () => {
    expect(splitThinkTags("<think>still going</thi")).toEqual({ thinking: "still going</thi", text: "" });
  });

  test("reasoning only, no answer", () => {
    expect(splitThinkTags("<think>only this</think>\n")).toEqual({ thinking: "only this", text: "" });
  });

  test("two think sections in a row stay thinking, separated by their whitespace", () => {
    expect(splitThinkTags("<think>A</think>\n\n<think>B</think>\n\nAnswer")).toEqual({ thinking: "A\n\nB", text: "Answer" });
  });

  test("a later <think> after the answer started is plain text", () => {
    expect(splitThinkTags("<think>A</think>Answer <think>B</think>")).toEqual({ thinking: "A", text: "Answer <think>B</think>" });
  });
});

describe("ThinkTagExtractor (streaming)", () => {
  const samples = [
    "  <think>reasoning about </th and <think> here</think>\n\nThe answer is <think>x</think>.",
    "<think></think>Just text",
    "<think>A</think> \n<think>B</think>C",
    "plain answer without tags",
    "\n\n<thin but not a tag",
    "<think>never closed </think",
  ];

  for (const sample of samples) {
    test(`every two-chunk split gives the whole-string result: ${JSON.stringify(sample.slice(0, 30))}`, () => {
      const whole = extract([sample]);
      const reference = splitThinkTags(sample);
      const expected: Array<["thinking" | "text", string]> = [];
      if (reference.thinking) expected.push(["thinking", reference.thinking]);
      if (reference.text) expected.push(["text", reference.text]);
      expect(whole).toEqual(expected);
      for (let i = 0; i <= sample.length; i++) expect(extract([sample.slice(0, i), sample.slice(i)])).toEqual(whole);
    });
  }

  test("tags split at every pair of positions (three chunks) and char by char", () => {
    const sample = " <think>abc</think>\n\nxyz";
    const whole = extract([sample]);
    expect(whole).toEqual([
      ["thinking", "abc"],
      ["text", "xyz"],
    ]);
    for (let i = 0; i <= sample.length; i++) {
      for (let j = i; j <= sample.length; j++) {
        expect(extract([sample.slice(0, i), sample.slice(i, j), sample.slice(j)])).toEqual(whole);
      }
    }
    expect(extract([...sample])).toEqual(whole);
  });

  test("thinking is emitted as it arrives, holding back only a possible partial closing tag", () => {
    const seen: string[] = [];
    const extractor = new ThinkTagExtractor({ thinking: (t) => seen.push(`T:${t}`), text: (t) => seen.push(`X:${t}`) });
    extractor.push("<think>first part ");
    expect(seen).toEqual(["T:first part "]);
    extractor.push("more </th");
    expect(seen).toEqual(["T:first part ", "T:more "]);
    extractor.push("ink>done");
    expect(seen).toEqual(["T:first part ", "T:more ", "X:done"]);
  });

  test("plain text passes straight through once it is known not to start with the tag", () => {
    const seen: string[] = [];
    const extractor = new ThinkTagExtractor({ thinking: (t) => seen.push(`T:${t}`), text: (t) => seen.push(`X:${t}`) });
    extractor.push("Hello");
    extractor.push(" <think>");
    expect(seen).toEqual(["X:Hello", "X: <think>"]);
  });

  test("end() flushes held-back whitespace / partial tags, and later content is plain text", () => {
    const seen: string[] = [];
    const extractor = new ThinkTagExtractor({ thinking: (t) => seen.push(`T:${t}`), text: (t) => seen.push(`X:${t}`) });
    extractor.push("\n\n");
    expect(seen).toEqual([]);
    extractor.end();
    extractor.push("<think>x</think>");
    expect(seen).toEqual(["X:\n\n", "X:<think>x</think>"]);
  });
});
