// Mock OpenAI upstream for the benchmark: replays recorded fixture bytes with no delay,
// so any time measured above it belongs to whatever sits between client and mock.
import { parseArgs } from "node:util";

const FIXTURES = process.env.BENCH_FIXTURES ?? "/work/shared/fixtures/openai-chat";

const { values } = parseArgs({ options: { port: { type: "string", default: "0" } } });

// Read once at start: the hot path only hands out the same bytes.
const nonStream = new Uint8Array(await Bun.file(`${FIXTURES}/text-nonstream.response.json`).arrayBuffer());
const stream = new Uint8Array(await Bun.file(`${FIXTURES}/tool-stream-usage.turn1.sse`).arrayBuffer());
const models = JSON.stringify({
  object: "list",
  data: [
    { id: "gpt-4o-mini", object: "model", created: 1721172741, owned_by: "system" },
    { id: "gpt-4o", object: "model", created: 1715367049, owned_by: "system" },
  ],
});

async function chat(req: Request): Promise<Response> {
  const body = (await req.json().catch(() => ({}))) as { stream?: boolean };
  if (body.stream === true) {
    return new Response(stream, { headers: { "content-type": "text/event-stream" } });
  }
  return new Response(nonStream, { headers: { "content-type": "application/json" } });
}

const server = Bun.serve({
  port: Number(values.port),
  hostname: "127.0.0.1",
  fetch(req) {
    const path = new URL(req.url).pathname;
    if (req.method === "POST" && path === "/v1/chat/completions") return chat(req);
    if (req.method === "GET" && path === "/v1/models") {
      return new Response(models, { headers: { "content-type": "application/json" } });
    }
    // Lets the harness self-check time a floor proxy's cold start the same way as the gateway's.
    if (req.method === "GET" && path === "/api/health") return Response.json({ status: "ok" });
    return new Response("not found", { status: 404 });
  },
});

console.log(`mock-upstream listening on ${server.port}`);
