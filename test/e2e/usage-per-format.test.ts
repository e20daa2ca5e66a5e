import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { translateDocument } from "../../src/formats/translate-document";
import type { IRFormat, IRResponse, IRStreamEvent, IRUsage } from "../../src/ir/ir-types";
import { StreamCollector } from "../../src/ir/stream-collector";
import { costOfUsage } from "../../src/usage/price-book";
import { FIXTURES } from "../fakes/openai-mock-upstream";
import { connectFormat, fixtureReply, startRecordedUpstream, type SeenRequest } from "../fakes/recorded-upstream";
import { startTestGateway, type TestGateway } from "../helpers/test-gateway";

/**
 * Usage and cost for every upstream format, streamed and not, read from recorded provider answers — passed through
 * to a client of the same format and translated for a client of another. The expected figures come from decoding
 * the whole recording with the format's adapter, independently of the byte scan the gateway runs on the hot path.
 */
const CASES: Record<IRFormat, { nonstream: string; stream: string }> = {
  "openai-chat": { nonstream: "text-nonstream", stream: "tool-stream-usage.turn1" },
  anthropic: { nonstream: "text-nonstream", stream: "text-stream-raw" },
  gemini: { nonstream: "text-nonstream", stream: "text-stream-raw" },
  "openai-responses": { nonstream: "instructions-nonstream", stream: "reasoning-summary-stream-raw" },
};
const PRICE = { input: 1000, output: 2000, cachedInput: 100, cacheWrite: 1250 };

let gw: TestGateway;
let upstream: ReturnType<typeof startRecordedUpstream>;
const models = {} as Record<IRFormat, string>;

function upstreamFormatOf(seen: SeenRequest): IRFormat {
  if (seen.path.endsWith("/chat/completions")) return "openai-chat";
  if (seen.path.endsWith("/messages")) return "anthropic";
  if (seen.path.endsWith("/responses")) return "openai-responses";
  return "gemini";
}

function isStream(seen: SeenRequest): boolean {
  return seen.path.includes(":streamGenerateContent") || (JSON.parse(seen.body || "{}") as { stream?: boolean }).stream === true;
}

async function expectedUsage(format: IRFormat, stream: boolean): Promise<IRUsage> {
  const base = join(FIXTURES, format, CASES[format][stream ? "stream" : "nonstream"]);
  if (!stream) return ((await translateDocument(format, format, "response", JSON.parse(readFileSync(`${base}.response.json`, "utf8")))).ir as IRResponse).usage!;
  const events = (await translateDocument(format, format, "stream", readFileSync(`${base}.sse`, "utf8"))).ir as IRStreamEvent[];
  const collector = new StreamCollector();
  for (const event of events) collector.push(event);
  return collector.usage!;
}

/** A minimal request in the client's own format, for `model`. */
function clientRequest(format: IRFormat, model: string, stream: boolean, id: string): Request {
  const headers = { "content-type": "application/json", "x-request-id": id };
  const post = (path: string, body: unknown) => new Request(`${gw.url}${path}`, { method: "POST", headers, body: JSON.stringify(body) });
  const messages = [{ role: "user", content: "hi" }];
  if (format === "openai-chat") return post("/v1/chat/completions", { model, messages, stream });
  if (format === "anthropic") return post("/v1/messages", { model, max_tokens: 200, messages, stream });
  if (format === "openai-responses") return post("/v1/responses", { model, input: "hi", stream });
  return post(`/v1beta/models/${model}:${stream ? "streamGenerateContent?alt=sse" : "generateContent"}`, { contents: [{ role: "user", parts: [{ text: "hi" }] }] });
}

async function logRow(id: string): Promise<Record<string, unknown>> {
  for (let i = 0; i < 100; i++) {
    const rows = (await (await fetch(`${gw.url}/api/logs?limit=200`, { headers: await gw.adminHeaders() })).json()) as Array<Record<string, unknown>>;
    const row = rows.find((r) => r.id === id);
    if (row) return row;
    await Bun.sleep(20);
  }
  throw new Error(`no log row ${id}`);
}

beforeAll(async () => {
  upstream = startRecordedUpstream((seen) => {
    const format = upstreamFormatOf(seen);
    return fixtureReply(format, CASES[format][isStream(seen) ? "stream" : "nonstream"]).reply;
  });
  gw = await startTestGateway();
  for (const format of Object.keys(CASES) as IRFormat[]) models[format] = await connectFormat(gw, format, upstream.url, "usage-model");
  const patched = await fetch(`${gw.url}/api/settings`, { method: "PATCH", headers: await gw.adminHeaders(), body: JSON.stringify({ pricing: { models: { "usage-model": PRICE } } }) });
  expect(patched.status).toBe(200);
});

afterAll(async () => {
  await gw.stop();
  upstream.stop();
});

const CLIENTS: Array<[string, (upstream: IRFormat) => IRFormat]> = [
  ["passed through to a client of the same format", (format) => format],
  ["translated for a client of another format", (format) => (format === "openai-chat" ? "anthropic" : "openai-chat")],
];

describe("usage and cost from every upstream format", () => {
  for (const format of Object.keys(CASES) as IRFormat[]) {
    for (const stream of [false, true]) {
      for (const [how, clientOf] of CLIENTS) {
        test(`${format} ${stream ? "stream" : "non-stream"}, ${how}`, async () => {
          const client = clientOf(format);
          const id = `usage-${format}-${stream}-${client}-${Date.now()}`;
          const response = await fetch(clientRequest(client, models[format], stream, id));
          expect(response.status).toBe(200);
          await response.arrayBuffer();
          const expected = await expectedUsage(format, stream);
          expect(expected.inputTokens + expected.outputTokens).toBeGreaterThan(0);
          const row = await logRow(id);
          expect(row.usageEstimated).toBe(false);
          expect(row.tokensIn).toBe(expected.inputTokens);
          expect(row.tokensOut).toBe(expected.outputTokens);
          expect((row.tokensCached as number | null) ?? 0).toBe(expected.cachedInputTokens ?? 0);
          expect((row.tokensReasoning as number | null) ?? 0).toBe(expected.reasoningTokens ?? 0);
          expect(row.costUsd as number).toBeCloseTo(costOfUsage(expected, PRICE), 9);
        });
      }
    }
  }
});
