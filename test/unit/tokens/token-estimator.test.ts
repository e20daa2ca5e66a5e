import { describe, expect, test } from "bun:test";
import type { IRMessage, IRPart, IRRequest, IRTool } from "../../../src/ir/ir-types";
import { REDACTED_THINKING_ITEM } from "../../../src/ir/ir-types";
import { loadO200kCounter } from "../../../src/tokens/o200k-counter";
import { estimateInputTokens, estimateTextTokens } from "../../../src/tokens/token-estimator";

function request(messages: IRMessage[], extra: Partial<IRRequest> = {}): IRRequest {
  return { model: "gpt-4o", system: [], messages, tools: [], stream: false, ...extra };
}
const user = (...content: IRPart[]): IRMessage => ({ role: "user", content });
const assistant = (...content: IRPart[]): IRMessage => ({ role: "assistant", content });
const text = (t: string): IRPart => ({ type: "text", text: t });

function pngBase64(width: number, height: number): string {
  const b = Buffer.alloc(33);
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(b, 0);
  b.writeUInt32BE(13, 8);
  b.write("IHDR", 12, "latin1");
  b.writeUInt32BE(width, 16);
  b.writeUInt32BE(height, 20);
  return b.toString("base64");
}

const weatherTool: IRTool = {
  name: "get_weather",
  description: "Current weather for a city.",
  parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
};

describe("the lazy tokenizer", () => {
  test("is loaded once and cached", async () => {
    const first = loadO200kCounter();
    expect(loadO200kCounter()).toBe(first);
    const count = await first;
    expect(count("hello world")).toBe(2);
    expect(count("")).toBe(0);
  });

  test("text that contains special-token markers is plain text, not an error", async () => {
    const count = await loadO200kCounter();
    expect(count("before <|endoftext|> after")).toBeGreaterThan(3);
  });
});

describe("estimateInputTokens", () => {
  test("plain text: o200k count × family factor + framing", async () => {
    const req = request([user(text("hello world"))]);
    // openai: 2 tokens × 1.1 + 3 (request) + 4 (message) = 9.2 → 10
    expect(await estimateInputTokens(req, "openai")).toBe(10);
    // Claude tokenizer counts more than o200k, and the newer one more still.
    const legacy = await estimateInputTokens({ ...req, model: "claude-sonnet-4-5" }, "anthropic");
    const newer = await estimateInputTokens({ ...req, model: "claude-opus-4-8" }, "anthropic");
    expect(legacy).toBeGreaterThanOrEqual(7);
    expect(newer).toBeGreaterThanOrEqual(legacy);
  });

  test("an empty request still costs the fixed framing and never throws", async () => {
    for (const family of ["anthropic", "openai", "gemini"] as const) {
      const n = await estimateInputTokens(request([]), family);
      expect(n).toBeGreaterThanOrEqual(0);
      expect(Number.isInteger(n)).toBe(true);
    }
  });

  test("every kind of content adds tokens", async () => {
    const base = request([user(text("What is the weather in Paris?"))], { model: "claude-sonnet-4-5" });
    const b = await estimateInputTokens(base, "anthropic");

    const withSystem = { ...base, system: [{ type: "text" as const, text: "You are a terse assistant." }] };
    expect(await estimateInputTokens(withSystem, "anthropic")).toBeGreaterThan(b);

    const withThinking = {
      ...base,
      messages: [...base.messages, assistant({ type: "thinking", text: "The user wants the weather; call the tool." })],
    };
    expect(await estimateInputTokens(withThinking, "anthropic")).toBeGreaterThan(b);

    const withReasoning = { ...base, reasoning: { enabled: true, budgetTokens: 2048 } };
    expect(await estimateInputTokens(withReasoning, "anthropic")).toBeGreaterThan(b);

    const withSchema = {
      ...base,
      responseFormat: { type: "json_schema" as const, name: "w", schema: { type: "object", properties: { t: { type: "number" } } } },
    };
    expect(await estimateInputTokens(withSchema, "anthropic")).toBeGreaterThan(b);
  });

  test("Anthropic adds its tool-use system prompt once, plus each definition", async () => {
    const base = request([user(text("Weather in Paris?"))], { model: "claude-sonnet-4-5" });
    const none = await estimateInputTokens(base, "anthropic");
    const one = await estimateInputTokens({ ...base, tools: [weatherTool] }, "anthropic");
    const two = await estimateInputTokens({ ...base, tools: [weatherTool, { ...weatherTool, name: "get_time" }] }, "anthropic");
    expect(one - none).toBeGreaterThan(450);
    expect(two - one).toBeGreaterThan(10);
    expect(two - one).toBeLessThan(100);
    // OpenAI renders tools into a compact namespace: no large fixed prompt.
    const openaiNone = await estimateInputTokens({ ...base, model: "gpt-4o" }, "openai");
    const openaiOne = await estimateInputTokens({ ...base, model: "gpt-4o", tools: [weatherTool] }, "openai");
    expect(openaiOne - openaiNone).toBeLessThan(60);
  });

  test("tool calls and results: names, arguments, content; ids only where the prompt shows them (Anthropic)", async () => {
    const id = "toolu_01LtHJmixrs9NcWQkK8hu8hj";
    const history = (callId: string) =>
      request([
        user(text("Weather in Paris?")),
        assistant({ type: "tool_call", id: callId, name: "get_weather", arguments: '{"city":"Paris"}' }),
        user({ type: "tool_result", toolCallId: callId, content: "18°C and sunny" }),
      ]);
    const shortId = history("a");
    const longId = history(id);
    expect(await estimateInputTokens(longId, "anthropic")).toBeGreaterThan(await estimateInputTokens(shortId, "anthropic"));
    expect(await estimateInputTokens(longId, "openai")).toBe(await estimateInputTokens(shortId, "openai"));
    const question = await estimateInputTokens(request([user(text("Weather in Paris?"))]), "openai");
    expect(await estimateInputTokens(shortId, "openai")).toBeGreaterThan(question + 10);
  });

  test("tool results with image parts count the image", async () => {
    const result = (content: IRPart[]) =>
      request([user({ type: "tool_result", toolCallId: "t1", content: content as never })], { model: "claude-sonnet-4-5" });
    const plain = await estimateInputTokens(result([text("screenshot:")]), "anthropic");
    const withImage = await estimateInputTokens(
      result([text("screenshot:"), { type: "image", source: { kind: "base64", mediaType: "image/png", data: pngBase64(1000, 1000) } }]),
      "anthropic",
    );
    expect(withImage - plain).toBe(1334);
  });

  test("images: sized from base64 headers, maximum when only a URL is known", async () => {
    const image = (source: IRPart) => request([user(text("What is this?"), source)], { model: "claude-sonnet-4-5" });
    const noImage = await estimateInputTokens(request([user(text("What is this?"))], { model: "claude-sonnet-4-5" }), "anthropic");
    const small = await estimateInputTokens(
      image({ type: "image", source: { kind: "base64", mediaType: "image/png", data: pngBase64(200, 200) } }),
      "anthropic",
    );
    const url = await estimateInputTokens(image({ type: "image", source: { kind: "url", url: "https://x/y.jpg" } }), "anthropic");
    const dataUrl = await estimateInputTokens(
      image({ type: "image", source: { kind: "url", url: `data:image/png;base64,${pngBase64(200, 200)}` } }),
      "anthropic",
    );
    expect(small - noImage).toBe(54);
    expect(dataUrl).toBe(small);
    expect(url - noImage).toBe(1600);
    const low = await estimateInputTokens(
      request([user({ type: "image", source: { kind: "url", url: "https://x/y.jpg" }, detail: "low" })]),
      "openai",
    );
    expect(low).toBeLessThan(100);
  });

  test("files: text is tokenized, PDFs priced per page, unseen files get defaults", async () => {
    const file = (part: IRPart, family: "anthropic" | "gemini" = "anthropic", model = "claude-sonnet-4-5") =>
      estimateInputTokens(request([user(part)], { model }), family);
    const empty = await file(text(""));
    const words = "lorem ipsum dolor sit amet ".repeat(200);
    const textFile = await file({
      type: "file",
      source: { kind: "base64", mediaType: "text/plain", data: Buffer.from(words).toString("base64") },
    });
    expect(textFile - empty).toBeGreaterThan(1000);
    expect(textFile - empty).toBeLessThan(2500);

    const pdf = Buffer.from("%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Kids [3 0 R 4 0 R] /Type /Pages /Count 2 >> endobj\n");
    const pdfCost = await file({ type: "file", source: { kind: "base64", mediaType: "application/pdf", data: pdf.toString("base64") } });
    expect(pdfCost - empty).toBe(2 * 3000);
    const pdfGemini2 = await file(
      { type: "file", source: { kind: "base64", mediaType: "application/pdf", data: pdf.toString("base64") } },
      "gemini",
      "gemini-2.5-flash",
    );
    expect(pdfGemini2).toBeGreaterThanOrEqual(2 * 258);

    const unseenPdf = await file({ type: "file", source: { kind: "file-id", fileId: "file_123" }, mediaType: "application/pdf" });
    expect(unseenPdf - empty).toBe(3 * 3000);
    const video = await file(
      { type: "file", source: { kind: "url", url: "https://youtube.com/watch?v=x" }, mediaType: "video/mp4" },
      "gemini",
      "gemini-2.5-flash",
    );
    expect(video).toBeGreaterThan(15_000);
  });

  test("replayed reasoning signatures: own format re-expanded, foreign ones ignored", async () => {
    const sig = "A".repeat(6500);
    const withSig = (format: "gemini" | "anthropic" | "openai-responses", itemId?: string) =>
      request([
        user(text("hi")),
        assistant({ type: "tool_call", id: "c1", name: "f", arguments: "{}", signature: { format, value: sig, itemId } }),
      ]);
    const gemini = await estimateInputTokens(withSig("gemini"), "gemini");
    const foreign = await estimateInputTokens(withSig("anthropic"), "gemini");
    expect(gemini - foreign).toBe(1000);

    // Responses encrypted reasoning: the larger of summary and re-expanded reasoning, not both.
    const reasoning = (summary: string) =>
      request([
        user(text("hi")),
        assistant({ type: "thinking", text: summary, signature: { format: "openai-responses", value: sig, itemId: "rs_1" } }),
      ]);
    const shortSummary = await estimateInputTokens(reasoning("Planning."), "openai");
    const noReasoning = await estimateInputTokens(request([user(text("hi")), assistant()]), "openai");
    expect(shortSummary - noReasoning).toBe(1300);

    // One reasoning item split into several summary parts that share its signature is billed once.
    const split = await estimateInputTokens(
      request([
        user(text("hi")),
        assistant(
          { type: "thinking", text: "Step one.", signature: { format: "openai-responses", value: sig, itemId: "rs_1" } },
          { type: "thinking", text: "Step two.", signature: { format: "openai-responses", value: sig, itemId: "rs_1" } },
        ),
      ]),
      "openai",
    );
    expect(split).toBe(shortSummary);

    // Claude: a visible thinking block's signature is not billed, a redacted block's data is.
    const thinking = await estimateInputTokens(
      request([user(text("hi")), assistant({ type: "thinking", text: "", signature: { format: "anthropic", value: sig } })]),
      "anthropic",
    );
    const redacted = await estimateInputTokens(
      request([
        user(text("hi")),
        assistant({ type: "thinking", text: "", signature: { format: "anthropic", value: sig, itemId: REDACTED_THINKING_ITEM } }),
      ]),
      "anthropic",
    );
    expect(redacted - thinking).toBe(1084);
  });

  test("large requests are fast once the tokenizer is loaded", async () => {
    await loadO200kCounter();
    const big = "function add(a, b) { return a + b; } // a line of code\n".repeat(20_000); // ≈1.1 MB
    const started = performance.now();
    const n = await estimateInputTokens(request([user(text(big))], { model: "claude-sonnet-4-5" }), "anthropic");
    const elapsed = performance.now() - started;
    expect(n).toBeGreaterThan(200_000);
    expect(elapsed).toBeLessThan(3000);
  });
});

describe("estimateTextTokens", () => {
  test("scales o200k by the family factor", async () => {
    expect(await estimateTextTokens("hello world", "openai")).toBe(3);
    expect(await estimateTextTokens("hello world", "anthropic", "claude-opus-4-8")).toBe(4);
  });
});
