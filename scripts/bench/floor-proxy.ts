// The floor: the least a Bun proxy can do. OmniRoute's overhead is judged against this.
// Forwards any method and path (OpenAI /v1/chat/completions, Anthropic /v1/messages, ...) unchanged.
import { parseArgs } from "node:util";

const { values } = parseArgs({ options: { port: { type: "string" }, upstream: { type: "string" } } });
const upstream = values.upstream!; // e.g. http://127.0.0.1:9000

const server = Bun.serve({
  port: Number(values.port ?? 0),
  hostname: "127.0.0.1",
  async fetch(req) {
    const url = new URL(req.url);
    const headers: Record<string, string> = {};
    for (const name of ["content-type", "authorization", "x-api-key", "anthropic-version"]) {
      const value = req.headers.get(name);
      if (value) headers[name] = value;
    }
    const body = req.method === "GET" || req.method === "HEAD" ? undefined : await req.arrayBuffer();
    const res = await fetch(upstream + url.pathname + url.search, { method: req.method, headers, body });
    return new Response(res.body, { status: res.status, headers: res.headers });
  },
});

console.log(`floor-proxy listening on ${server.port}`);
