import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { IRFormat } from "../../src/ir/ir-types";
import type { TestGateway } from "../helpers/test-gateway";
import { FIXTURES, streamedBody } from "./openai-mock-upstream";

/** What the fake upstream sends back for one call. */
export interface RecordedReply {
  status: number;
  contentType: string;
  /** Body pieces, written one by one (SSE events split as the real upstream sent them). */
  pieces: Uint8Array[];
  headers?: Record<string, string>;
  /** Headers go out at once, the body only after this long (a stall before the first byte). */
  firstByteDelayMs?: number;
  /** After this many pieces the connection breaks (a reset mid-body) instead of ending. */
  breakAfterPieces?: number;
}

export interface SeenRequest {
  method: string;
  path: string;
  query: string;
  headers: Record<string, string>;
  body: string;
}

const encoder = new TextEncoder();

/**
 * A fake upstream of any format on a random loopback port. It answers every generation path (Chat, Messages,
 * Responses, Gemini) with whatever `reply` returns for the request, and records what it was sent.
 */
export function startRecordedUpstream(reply: (request: SeenRequest) => RecordedReply) {
  const requests: SeenRequest[] = [];
  let aborted = 0;
  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    idleTimeout: 0,
    async fetch(request) {
      const url = new URL(request.url);
      const body = request.method === "GET" ? "" : await request.text();
      const seen: SeenRequest = { method: request.method, path: url.pathname, query: url.search, headers: Object.fromEntries(request.headers), body };
      requests.push(seen);
      request.signal.addEventListener("abort", () => aborted++);
      const answer = reply(seen);
      const replyBody =
        answer.breakAfterPieces !== undefined
          ? brokenBody(answer.pieces, answer.breakAfterPieces)
          : answer.firstByteDelayMs
            ? delayedBody(answer.pieces, answer.firstByteDelayMs)
            : streamedBody(answer.pieces, 1);
      return new Response(replyBody, {
        status: answer.status,
        headers: { "content-type": answer.contentType, ...answer.headers },
      });
    },
  });
  return {
    url: `http://127.0.0.1:${server.port}`,
    requests,
    get aborted() {
      return aborted;
    },
    stop: () => server.stop(true),
  };
}

/** Silence for `delayMs`, then the pieces one by one (a stall before the first byte only). */
function delayedBody(pieces: Uint8Array[], delayMs: number): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      await Bun.sleep(i === 0 ? delayMs : 1);
      if (i >= pieces.length) return controller.close();
      controller.enqueue(pieces[i++]!);
    },
  });
}

/** The first `count` pieces, then a broken connection (the body errors instead of ending). */
function brokenBody(pieces: Uint8Array[], count: number): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      await Bun.sleep(1);
      if (i < Math.min(count, pieces.length)) controller.enqueue(pieces[i++]!);
      else controller.error(new Error("connection reset by the fake upstream"));
    },
  });
}

/** A JSON answer of the fake upstream. */
export function jsonReply(status: number, body: unknown, headers: Record<string, string> = {}): RecordedReply {
  return { status, contentType: "application/json", headers, pieces: [encoder.encode(JSON.stringify(body))] };
}

/** An OpenAI 429 with Retry-After, as a rate-limited account answers. */
export function rateLimitedReply(retryAfterSeconds: number): RecordedReply {
  return jsonReply(429, { error: { message: "Rate limit reached", type: "rate_limit_error", code: "rate_limit_exceeded" } }, { "retry-after": String(retryAfterSeconds) });
}

/** A minimal OpenAI chat completion answering "ok" for `model`, with 10 prompt and 2 completion tokens. */
export function chatCompletionReply(model: string, id = "chatcmpl-fake"): RecordedReply {
  return jsonReply(200, {
    id,
    object: "chat.completion",
    created: 1_700_000_000,
    model,
    choices: [{ index: 0, message: { role: "assistant", content: "ok" }, finish_reason: "stop" }],
    usage: { prompt_tokens: 10, completion_tokens: 2, total_tokens: 12 },
  });
}

/** Splits SSE text at event boundaries (LF or CRLF framing), keeping every byte. */
export function splitSse(text: string): Uint8Array[] {
  return text
    .split(/(?<=\r\n\r\n|\n\n)/)
    .filter((part) => part.length > 0)
    .map((part) => encoder.encode(part));
}

function read(path: string): string {
  return readFileSync(join(FIXTURES, path), "utf8");
}

/** Replays a recorded `.chunks.jsonl` (one SSE data payload per line) in its format's framing. */
export function framedChunks(format: IRFormat, jsonl: string): string {
  const lines = jsonl.split("\n").filter((line) => line.trim().length > 0);
  const named = format === "anthropic" || format === "openai-responses";
  let text = "";
  for (const line of lines) {
    if (named) text += `event: ${(JSON.parse(line) as { type: string }).type}\ndata: ${line}\n\n`;
    else text += `data: ${line}\n\n`;
  }
  if (format === "openai-chat") text += "data: [DONE]\n\n";
  return text;
}

export type FixtureMode = "stream" | "nonstream";

/** The recorded upstream answer for a fixture case (`<format>/<case>`), byte-exact where the recording is. */
export function fixtureReply(format: IRFormat, caseName: string): { mode: FixtureMode; reply: RecordedReply } {
  const base = `${format}/${caseName}`;
  const status = existsSync(join(FIXTURES, `${base}.meta.json`)) ? ((JSON.parse(read(`${base}.meta.json`)) as { status?: number }).status ?? 200) : 200;
  if (existsSync(join(FIXTURES, `${base}.sse`))) {
    return { mode: "stream", reply: { status, contentType: "text/event-stream", pieces: splitSse(read(`${base}.sse`)) } };
  }
  if (existsSync(join(FIXTURES, `${base}.chunks.jsonl`))) {
    return { mode: "stream", reply: { status: 200, contentType: "text/event-stream", pieces: splitSse(framedChunks(format, read(`${base}.chunks.jsonl`))) } };
  }
  if (existsSync(join(FIXTURES, `${base}.json-array-stream.json`))) {
    const bytes = encoder.encode(read(`${base}.json-array-stream.json`));
    return { mode: "stream", reply: { status, contentType: "application/json", pieces: [bytes] } };
  }
  const body = read(`${base}.response.json`);
  const errorStatus = /^error-(\d{3})/.exec(caseName);
  return { mode: "nonstream", reply: { status: errorStatus ? Number(errorStatus[1]) : status, contentType: "application/json", pieces: [encoder.encode(body)] } };
}

/** How each format's fake upstream is connected, and the model prefix clients then use. */
const CONNECTIONS: Record<IRFormat, { providerId: string; path: string; alias?: string; prefix: string }> = {
  "openai-chat": { providerId: "openai-compatible", path: "/v1", alias: "mock-chat", prefix: "mock-chat" },
  anthropic: { providerId: "anthropic-compatible", path: "/v1", alias: "mock-anthropic", prefix: "mock-anthropic" },
  "openai-responses": { providerId: "openai-responses", path: "/v1", prefix: "oair" },
  gemini: { providerId: "gemini", path: "/v1beta", prefix: "google" },
};

/** Adds a connection of `format` pointing at a fake upstream; returns the model id clients should send. */
export async function connectFormat(gw: TestGateway, format: IRFormat, upstreamUrl: string, model = "test-model"): Promise<string> {
  const spec = CONNECTIONS[format];
  const response = await fetch(`${gw.url}/api/connections`, {
    method: "POST",
    headers: await gw.adminHeaders(),
    body: JSON.stringify({
      providerId: spec.providerId,
      baseUrl: upstreamUrl + spec.path,
      apiKey: `sk-${format}-upstream-secret`,
      models: [model],
      ...(spec.alias ? { alias: spec.alias } : {}),
    }),
  });
  if (response.status !== 201) throw new Error(`connecting ${format} failed: ${response.status} ${await response.text()}`);
  return `${spec.prefix}/${model}`;
}
