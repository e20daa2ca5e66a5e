import { readFileSync } from "node:fs";
import { join } from "node:path";

export const FIXTURES = join(import.meta.dir, "..", "..", "..", "shared", "fixtures");

export function fixtureBytes(relativePath: string): Uint8Array<ArrayBuffer> {
  return new Uint8Array(readFileSync(join(FIXTURES, relativePath)));
}

export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}

export type MockReply = (request: Request, body: string) => Response | Promise<Response>;

/**
 * A fake OpenAI-compatible upstream on a random loopback port. Each test scripts replies per path; every
 * request is recorded so tests can assert exactly what the gateway sent.
 */
export function startOpenAIMockUpstream(routes: Record<string, MockReply> = {}) {
  const requests: RecordedRequest[] = [];
  let aborted = 0;
  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    idleTimeout: 0,
    async fetch(request) {
      const url = new URL(request.url);
      const body = request.method === "GET" ? "" : await request.text();
      requests.push({ method: request.method, path: url.pathname, headers: Object.fromEntries(request.headers), body });
      request.signal.addEventListener("abort", () => aborted++);
      const route = routes[`${request.method} ${url.pathname}`];
      if (route) return route(request, body);
      if (url.pathname === "/v1/models") {
        return Response.json({ object: "list", data: [{ id: "gpt-4o", object: "model" }, { id: "gpt-4o-mini", object: "model" }] });
      }
      return new Response(JSON.stringify({ error: { message: "no such route in mock", type: "invalid_request_error" } }), { status: 404 });
    },
  });
  return {
    url: `http://127.0.0.1:${server.port}`,
    baseUrl: `http://127.0.0.1:${server.port}/v1`,
    requests,
    get aborted() {
      return aborted;
    },
    stop: () => server.stop(true),
  };
}

/** Streams bytes in the given pieces with an optional pause between them, like a real SSE upstream. */
export function streamedBody(pieces: Uint8Array[], delayMs = 0, onCancel?: () => void): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (i > 0 && delayMs) await Bun.sleep(delayMs);
      if (i >= pieces.length) return controller.close();
      controller.enqueue(pieces[i++]!);
    },
    cancel() {
      onCancel?.();
    },
  });
}

/** Splits SSE bytes at event boundaries so the mock sends one event per write. */
export function splitSseEvents(bytes: Uint8Array): Uint8Array[] {
  const text = new TextDecoder().decode(bytes);
  return text
    .split(/(?<=\n\n)/)
    .filter((part) => part.length > 0)
    .map((part) => new TextEncoder().encode(part));
}
