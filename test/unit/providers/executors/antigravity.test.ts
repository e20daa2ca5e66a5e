import { describe, expect, test } from "bun:test";
import { AntigravityExecutor, MAX_OUTPUT_TOKENS, buildEnvelope, internalUrl } from "../../../../src/providers/executors/antigravity";
import { clientProfile, parseClientProfiles } from "../../../../src/providers/executors/client-profiles";
import type { ShapeInput } from "../../../../src/providers/executors/provider-executor";
import { UnwrappingStreamDecoder } from "../../../../src/pipeline/unwrapping-stream-decoder";
import { geminiAdapter } from "../../../../src/formats/gemini/gemini-adapter";
import type { IRStreamEvent } from "../../../../src/ir/ir-types";

const UA = "antigravity/9.9.9 linux/amd64";
const profile = parseClientProfiles({
  antigravity: { headers: { "user-agent": UA, "x-goog-api-client": "google-cloud-sdk vscode_cloudshelleditor/0.1" }, streamHeaders: { accept: "text/event-stream" } },
}).get("antigravity")!;
const executor = new AntigravityExecutor(profile);

const BASE = "https://daily-cloudcode-pa.googleapis.com";
const CONNECTION_HEADERS = Object.freeze({ "content-type": "application/json", authorization: "Bearer ya29.token" });
const gemini = {
  contents: [{ role: "user", parts: [{ text: "hi" }] }],
  systemInstruction: { parts: [{ text: "be brief" }] },
  generationConfig: { maxOutputTokens: 200_000, temperature: 0.2 },
  safetySettings: [{ category: "HARM_CATEGORY_HATE_SPEECH", threshold: "BLOCK_NONE" }],
};

function input(stream: boolean, body: Record<string, unknown> = gemini, model = "gemini-3-flash", account: Record<string, string> | undefined = { projectId: "useful-fuze-11111" }): ShapeInput {
  return {
    url: `${BASE}/models/${model}:${stream ? "streamGenerateContent?alt=sse" : "generateContent"}`,
    headers: CONNECTION_HEADERS,
    body: JSON.stringify(body),
    clientHeaders: new Headers({ "user-agent": "some-client/1.0" }),
    clientBody: body,
    stream,
    model,
    ...(account ? { account } : {}),
  };
}

describe("Antigravity executor", () => {
  test("the shipped profile parses and names the IDE", () => {
    expect(clientProfile("antigravity").headers["user-agent"]).toStartWith("antigravity/");
  });

  test("stream: v1internal:streamGenerateContent?alt=sse, the envelope with project, model, agent request id, session", () => {
    const shaped = executor.shape(input(true));
    expect(shaped.url).toBe(`${BASE}/v1internal:streamGenerateContent?alt=sse`);
    expect(shaped.headers).toMatchObject({ authorization: "Bearer ya29.token", "user-agent": UA, accept: "text/event-stream", "x-goog-api-client": "google-cloud-sdk vscode_cloudshelleditor/0.1" });
    const body = JSON.parse(shaped.body) as Record<string, any>;
    expect(body).toMatchObject({ project: "useful-fuze-11111", model: "gemini-3-flash", userAgent: "antigravity", requestType: "agent" });
    expect(body.requestId).toMatch(/^agent-[0-9a-f-]{36}$/);
    expect(Object.keys(body.request).sort()).toEqual(["contents", "generationConfig", "sessionId", "systemInstruction"]);
    expect(body.request.generationConfig).toEqual({ maxOutputTokens: MAX_OUTPUT_TOKENS, temperature: 0.2 });
    expect(body.request.sessionId).toMatch(/^-\d+$/);
    expect(body.contents).toBeUndefined();
  });

  test("non-stream: v1internal:generateContent; the session id is stable for a conversation, the request id is not", () => {
    const a = JSON.parse(executor.shape(input(false)).body) as Record<string, any>;
    const b = JSON.parse(executor.shape(input(false)).body) as Record<string, any>;
    expect(executor.shape(input(false)).url).toBe(`${BASE}/v1internal:generateContent`);
    expect(a.request.sessionId).toBe(b.request.sessionId);
    expect(a.requestId).not.toBe(b.requestId);
  });

  test("tools get the VALIDATED calling mode unless the client chose one", () => {
    const tools = [{ functionDeclarations: [{ name: "get_weather", parameters: { type: "object" } }] }];
    const validated = buildEnvelope({ ...gemini, tools }, "gemini-3-flash", "p") as Record<string, any>;
    expect(validated.request.toolConfig).toEqual({ functionCallingConfig: { mode: "VALIDATED" } });
    const chosen = buildEnvelope({ ...gemini, tools, toolConfig: { functionCallingConfig: { mode: "NONE" } } }, "gemini-3-flash", "p") as Record<string, any>;
    expect(chosen.request.toolConfig).toEqual({ functionCallingConfig: { mode: "NONE" } });
  });

  test("Claude models: thought-only parts and turns dropped, function responses in user turns, signatures kept", () => {
    const contents = [
      { role: "user", parts: [{ text: "weather?" }] },
      { role: "model", parts: [{ thought: true, text: "thinking" }, { functionCall: { name: "w", args: {} }, thoughtSignature: "sig-1" }] },
      { role: "function", parts: [{ functionResponse: { name: "w", response: { ok: true } } }] },
      { role: "model", parts: [{ thought: true, text: "only thinking" }] },
    ];
    const envelope = buildEnvelope({ contents }, "claude-sonnet-4-6", "p") as Record<string, any>;
    expect(envelope.request.contents).toEqual([
      { role: "user", parts: [{ text: "weather?" }] },
      { role: "model", parts: [{ functionCall: { name: "w", args: {} }, thoughtSignature: "sig-1" }] },
      { role: "user", parts: [{ functionResponse: { name: "w", response: { ok: true } } }] },
    ]);
    // Gemini models keep their thoughts as sent.
    expect((buildEnvelope({ contents }, "gemini-3-flash", "p") as Record<string, any>).request.contents).toEqual(contents);
  });

  test("without a project the envelope has none; accountReady says so", () => {
    const body = JSON.parse(executor.shape(input(false, gemini, "gemini-3-flash", {})).body) as Record<string, unknown>;
    expect(body.project).toBeUndefined();
    expect(executor.accountReady({})).toBe(false);
    expect(executor.accountReady({ projectId: "p" })).toBe(true);
  });

  test("other URLs (count tokens) are left as built", () => {
    expect(internalUrl(`${BASE}/models/gemini-3-flash:countTokens`)).toBeNull();
    const shaped = executor.shape({ ...input(false), url: `${BASE}/models/gemini-3-flash:countTokens` });
    expect(shaped.url).toBe(`${BASE}/models/gemini-3-flash:countTokens`);
  });

  test("unwrapChunk takes the Gemini value out of {response}; other values as they are", () => {
    expect(executor.unwrapChunk({ response: { candidates: [] }, traceId: "t" })).toEqual({ candidates: [] });
    const error = { error: { code: 429, message: "quota" } };
    expect(executor.unwrapChunk(error)).toBe(error);
    expect(executor.unwrapChunk([1])).toEqual([1]);
  });
});

describe("UnwrappingStreamDecoder", () => {
  test("wrapped SSE events, split anywhere, decode like the plain Gemini stream", () => {
    const events = [
      { candidates: [{ content: { role: "model", parts: [{ text: "Hel" }] } }] },
      { candidates: [{ content: { role: "model", parts: [{ text: "lo" }] }, finishReason: "STOP" }], usageMetadata: { promptTokenCount: 3, candidatesTokenCount: 2, totalTokenCount: 5 } },
    ];
    const wrapped = events.map((e) => `data: ${JSON.stringify({ response: e, traceId: "x" })}\r\n\r\n`).join("");
    const plain = events.map((e) => `data: ${JSON.stringify(e)}\n\n`).join("");
    const run = (decoder: { push(t: string, e: (ev: IRStreamEvent) => void): void; end(e: (ev: IRStreamEvent) => void): void }, text: string, step: number) => {
      const out: IRStreamEvent[] = [];
      for (let i = 0; i < text.length; i += step) decoder.push(text.slice(i, i + step), (ev) => out.push(ev));
      decoder.end((ev) => out.push(ev));
      return out;
    };
    const expected = run(geminiAdapter.createStreamDecoder(), plain, 1000);
    const got = run(new UnwrappingStreamDecoder(geminiAdapter.createStreamDecoder(), (c) => executor.unwrapChunk(c)), wrapped, 7);
    expect(got).toEqual(expected);
    expect(got.filter((e) => e.type === "text_delta").map((e) => (e as { text: string }).text).join("")).toBe("Hello");
  });
});
