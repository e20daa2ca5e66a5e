/**
 * Calibration against real recorded traffic: every fixture case with both a request body and an
 * upstream-reported input token count. The estimate must not undercount by more than 10% (clients such as
 * Claude Code compact their context based on it); overcounting is allowed and reported.
 */
import { describe, expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { anthropicAdapter } from "../../../src/formats/anthropic/anthropic-adapter";
import { geminiAdapter } from "../../../src/formats/gemini/gemini-adapter";
import { openAIChatAdapter } from "../../../src/formats/openai-chat/openai-chat-adapter";
import { openAIResponsesAdapter } from "../../../src/formats/openai-responses/openai-responses-adapter";
import type { FormatAdapter } from "../../../src/ir/format-adapter";
import { estimateInputTokens, type TokenFamily } from "../../../src/tokens/token-estimator";
import { FIXTURES } from "../../fakes/openai-mock-upstream";

const FORMATS: Array<{ dir: string; family: TokenFamily; adapter: FormatAdapter }> = [
  { dir: "anthropic", family: "anthropic", adapter: anthropicAdapter },
  { dir: "gemini", family: "gemini", adapter: geminiAdapter },
  { dir: "openai-chat", family: "openai", adapter: openAIChatAdapter },
  { dir: "openai-responses", family: "openai", adapter: openAIResponsesAdapter },
];

/**
 * Cases the estimator deliberately does not meet, with the reason. Each must still be an undercount (so the
 * list cannot go stale silently).
 */
const KNOWN_UNDERCOUNTS: Record<string, string> = {
  "openai-responses/tool-stream-raw.turn1":
    "recorded 2025-03-27 on the then-new Responses API with instructions:\"\": ≈230 hidden prompt tokens that later recordings do not show",
  "openai-responses/tool-stream-raw.turn2": "same recording session as turn1",
};

type Json = Record<string, unknown>;

/** The upstream-reported input tokens in one response payload, in the IR convention (input includes cache). */
function reportedInput(dir: string, payload: unknown): number | undefined {
  if (!payload || typeof payload !== "object") return undefined;
  const o = payload as Json;
  const num = (v: unknown) => (typeof v === "number" ? v : 0);
  if (dir === "anthropic") {
    const usage = (o.usage ?? (o.message as Json | undefined)?.usage) as Json | undefined;
    if (typeof usage?.input_tokens !== "number") return undefined;
    return usage.input_tokens + num(usage.cache_read_input_tokens) + num(usage.cache_creation_input_tokens);
  }
  if (dir === "gemini") {
    const meta = o.usageMetadata as Json | undefined;
    if (typeof meta?.promptTokenCount !== "number") return undefined;
    return meta.promptTokenCount + num(meta.toolUsePromptTokenCount);
  }
  const usage = (o.usage ?? (o.response as Json | undefined)?.usage) as Json | undefined;
  if (typeof usage?.prompt_tokens === "number") return usage.prompt_tokens;
  if (typeof usage?.input_tokens === "number") return usage.input_tokens;
  return undefined;
}

/** Reported input tokens of a recorded case: non-stream body, SSE stream, or Gemini JSON-array stream. */
function reportedForCase(dir: string, base: string): number | undefined {
  const path = join(FIXTURES, dir, base);
  if (existsSync(`${path}.response.json`)) return reportedInput(dir, JSON.parse(readFileSync(`${path}.response.json`, "utf8")));
  if (existsSync(`${path}.json-array-stream.json`)) {
    let last: number | undefined;
    for (const chunk of JSON.parse(readFileSync(`${path}.json-array-stream.json`, "utf8")) as unknown[]) {
      last = reportedInput(dir, chunk) ?? last;
    }
    return last;
  }
  if (existsSync(`${path}.sse`)) {
    // Anthropic: message_start carries the input count (a later message_delta may repeat it); the others
    // report it cumulatively, so the last one wins.
    let found: number | undefined;
    for (const line of readFileSync(`${path}.sse`, "utf8").split(/\r?\n/)) {
      if (!line.startsWith("data:")) continue;
      let payload: unknown;
      try {
        payload = JSON.parse(line.slice(5));
      } catch {
        continue;
      }
      const value = reportedInput(dir, payload);
      if (value !== undefined && (found === undefined || dir !== "anthropic")) found = value;
    }
    return found;
  }
  return undefined;
}

interface Row {
  name: string;
  reported: number;
  estimate: number;
  ratio: number;
}

const rows: Row[] = [];
for (const { dir, family, adapter } of FORMATS) {
  const files = readdirSync(join(FIXTURES, dir))
    .filter((f) => f.endsWith(".request.json"))
    .sort();
  for (const file of files) {
    const base = file.slice(0, -".request.json".length);
    const reported = reportedForCase(dir, base);
    if (reported === undefined) continue; // error cases: no usage to compare against
    const body = JSON.parse(readFileSync(join(FIXTURES, dir, file), "utf8")) as Record<string, unknown>;
    const estimate = await estimateInputTokens(adapter.decodeRequest(body), family);
    rows.push({ name: `${dir}/${base}`, reported, estimate, ratio: estimate / reported });
  }
}

const table = [
  `${"case".padEnd(56)} ${"reported".padStart(8)} ${"estimate".padStart(8)}  ratio`,
  ...rows.map(
    (r) =>
      `${r.name.padEnd(56)} ${String(r.reported).padStart(8)} ${String(r.estimate).padStart(8)}  ${r.ratio.toFixed(2)}` +
      (KNOWN_UNDERCOUNTS[r.name] ? "  (known undercount)" : ""),
  ),
  `cases: ${rows.length}, min ratio ${Math.min(...rows.map((r) => r.ratio)).toFixed(2)}, max ratio ${Math.max(...rows.map((r) => r.ratio)).toFixed(2)}`,
].join("\n");
console.log(`\nToken estimate calibration\n${table}\n`);

describe("token estimate vs upstream-reported input tokens", () => {
  test("every recorded case with usage was found and decoded", () => {
    expect(rows.length).toBeGreaterThanOrEqual(45);
    for (const name of Object.keys(KNOWN_UNDERCOUNTS)) expect(rows.some((r) => r.name === name)).toBe(true);
  });

  for (const row of rows) {
    const known = KNOWN_UNDERCOUNTS[row.name];
    if (known) {
      test(`${row.name} is a documented undercount (${known})`, () => {
        expect(row.estimate).toBeLessThan(0.9 * row.reported);
      });
      continue;
    }
    test(`${row.name}: estimate ≥ 90% of reported`, () => {
      expect(row.estimate).toBeGreaterThanOrEqual(0.9 * row.reported);
      // Overcounting is allowed but bounded: the worst is a URL image of unknown size priced at the maximum.
      expect(row.ratio).toBeLessThan(6);
    });
  }
});
