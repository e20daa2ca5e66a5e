// Mock upstream for the benchmark, speaking OpenAI Chat and Anthropic Messages: replays recorded
// fixture bytes with no delay, so any time measured above it belongs to whatever sits between client and mock.
import { existsSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { parseArgs } from "node:util";

/**
 * The shared fixtures root (holding openai-chat/, anthropic/, ...): BENCH_FIXTURES if set, else
 * ../shared/fixtures next to the repo (as in a fresh clone). BENCH_FIXTURES used to name the
 * openai-chat folder itself; that still works.
 */
function fixturesRoot(): string {
  const env = process.env.BENCH_FIXTURES;
  if (env) return basename(env) === "openai-chat" && !existsSync(join(env, "openai-chat")) ? dirname(env) : env;
  return join(import.meta.dir, "..", "..", "..", "shared", "fixtures");
}
const FIXTURES = fixturesRoot();

const { values } = parseArgs({ options: { port: { type: "string", default: "0" } } });

async function bytes(rel: string): Promise<Uint8Array<ArrayBuffer>> {
  const file = Bun.file(join(FIXTURES, rel));
  if (!(await file.exists())) throw new Error(`fixture ${join(FIXTURES, rel)} not found (set BENCH_FIXTURES to the shared fixtures folder)`);
  return new Uint8Array(await file.arrayBuffer());
}

// Read once at start: the hot path only hands out the same bytes.
const openai = {
  nonStream: await bytes("openai-chat/text-nonstream.response.json"),
  stream: await bytes("openai-chat/tool-stream-usage.turn1.sse"),
};
// A plain text reply (message_start, ping, 4 text deltas, message_delta with usage, message_stop):
// the common case, comparable in size to the OpenAI stream above. thinking-stream-raw.sse (110 deltas,
// 16 KB) would mostly measure per-event cost on an extended-thinking reply.
const anthropic = {
  nonStream: await bytes("anthropic/text-nonstream.response.json"),
  stream: await bytes("anthropic/text-stream-raw.sse"),
};
const models = JSON.stringify({
  object: "list",
  data: [
    { id: "gpt-4o-mini", object: "model", created: 1721172741, owned_by: "system" },
    { id: "gpt-4o", object: "model", created: 1715367049, owned_by: "system" },
  ],
});

async function reply(req: Request, fixture: { nonStream: Uint8Array<ArrayBuffer>; stream: Uint8Array<ArrayBuffer> }): Promise<Response> {
  const body = (await req.json().catch(() => ({}))) as { stream?: boolean };
  if (body.stream === true) {
    return new Response(fixture.stream, { headers: { "content-type": "text/event-stream" } });
  }
  return new Response(fixture.nonStream, { headers: { "content-type": "application/json" } });
}

const server = Bun.serve({
  port: Number(values.port),
  hostname: "127.0.0.1",
  fetch(req) {
    const path = new URL(req.url).pathname;
    if (req.method === "POST" && path === "/v1/chat/completions") return reply(req, openai);
    if (req.method === "POST" && path === "/v1/messages") return reply(req, anthropic);
    if (req.method === "GET" && path === "/v1/models") {
      return new Response(models, { headers: { "content-type": "application/json" } });
    }
    // Lets the harness self-check time a floor proxy's cold start the same way as the gateway's.
    if (req.method === "GET" && path === "/api/health") return Response.json({ status: "ok" });
    return new Response("not found", { status: 404 });
  },
});

console.log(`mock-upstream listening on ${server.port} (fixtures: ${FIXTURES})`);
