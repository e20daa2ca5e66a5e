/** Shared set-up of the security suite: a gateway with one connection and one client key, routes, raw HTTP. */
import { randomBytes } from "node:crypto";
import { connect } from "node:net";
import { apiRoutes } from "../../src/server/api-routes";
import { jsonReply, startRecordedUpstream, type RecordedReply, type SeenRequest } from "../fakes/recorded-upstream";
import { startTestGateway, type TestGateway } from "../helpers/test-gateway";

/** What the refusing upstream says; a response carrying it was refused upstream, not by the gateway itself. */
export const UPSTREAM_REFUSAL = "fake upstream refuses every request";

export const refuseEverything = (): RecordedReply => jsonReply(400, { error: { message: UPSTREAM_REFUSAL, type: "invalid_request_error", param: null, code: null } });

export interface SecurityGateway {
  gw: TestGateway;
  upstream: ReturnType<typeof startRecordedUpstream>;
  /** The connection's provider key (a recognisable canary). */
  providerKey: string;
  connectionId: string;
  /** Plaintext of the one client API key. */
  clientKey: string;
  clientKeyId: string;
  /** `<alias>/<model>` that routes to the connection. */
  model: string;
  /** Session cookie (`omniroute_session=…`) of a logged-in admin. */
  cookie: string;
  sessionToken: string;
  stop(): Promise<void>;
}

export const randomTag = () => randomBytes(9).toString("hex");

/**
 * The real gateway with one OpenAI-compatible connection (alias `sec`) to a fake upstream answering `reply`
 * (400 to everything by default) and one client API key. Anthropic, Responses and Gemini requests are
 * therefore translated (decoded), Chat requests passed through.
 */
export async function startSecurityGateway(
  options: { reply?: (request: SeenRequest) => RecordedReply; providerKey?: string; env?: Record<string, string>; dataDir?: string } = {},
): Promise<SecurityGateway> {
  const upstream = startRecordedUpstream(options.reply ?? refuseEverything);
  const gw = await startTestGateway({ env: options.env, dataDir: options.dataDir });
  const providerKey = options.providerKey ?? `sk-omniroute-canary-${randomTag()}`;
  const headers = await gw.adminHeaders();
  const created = await fetch(`${gw.url}/api/connections`, {
    method: "POST",
    headers,
    body: JSON.stringify({ providerId: "openai-compatible", alias: "sec", baseUrl: `${upstream.url}/v1`, apiKey: providerKey, models: ["sec-model"] }),
  });
  if (created.status !== 201) throw new Error(`creating the connection failed: ${created.status} ${await created.text()}`);
  const connectionId = ((await created.json()) as { id: string }).id;
  const key = await fetch(`${gw.url}/api/keys`, { method: "POST", headers, body: JSON.stringify({ name: "security-suite" }) });
  if (key.status !== 201) throw new Error(`creating the client key failed: ${key.status} ${await key.text()}`);
  const keyView = (await key.json()) as { id: string; key: string };
  const cookie = headers.cookie!;
  return {
    gw,
    upstream,
    providerKey,
    connectionId,
    clientKey: keyView.key,
    clientKeyId: keyView.id,
    model: "sec/sec-model",
    cookie,
    sessionToken: decodeURIComponent(cookie.slice(cookie.indexOf("=") + 1)),
    async stop() {
      await gw.stop();
      upstream.stop();
    },
  };
}

export interface RegisteredRoute {
  method: string;
  path: string;
}

/** Public client APIs, docs and the dashboard; everything else the server answers is the management plane. */
function isOutsideManagementPlane(path: string): boolean {
  return (
    path === "/v1" || path.startsWith("/v1/") || path === "/v1beta" || path.startsWith("/v1beta/") ||
    path === "/docs" || path.startsWith("/docs/") || path.startsWith("/openapi") ||
    // The dashboard's static files and SPA fallback (one catch-all).
    path === "/*"
  );
}

/**
 * Every management route the server has: the Elysia app's routes plus the Bun native routes ahead of it (a
 * native route never passes the app's guard, so one under /api would be a hole).
 */
export async function managementRoutes(gw: TestGateway): Promise<RegisteredRoute[]> {
  const app = await gw.gateway.loadApp();
  const routes: RegisteredRoute[] = [];
  for (const route of app.routes) {
    if (isOutsideManagementPlane(route.path)) continue;
    routes.push({ method: route.method, path: route.path });
  }
  const native = apiRoutes(gw.gateway.runtime) as Record<string, Record<string, unknown>>;
  for (const [path, methods] of Object.entries(native)) {
    if (isOutsideManagementPlane(path)) continue;
    for (const method of Object.keys(methods)) routes.push({ method, path });
  }
  // "ALL" routes answer any method: probe a read and a write.
  return routes.flatMap((route) => (route.method === "ALL" ? [{ ...route, method: "GET" }, { ...route, method: "POST" }] : [route]));
}

/** Plausible values for path parameters, by name; anything else gets a generic id. */
const PARAM_SAMPLES: Record<string, string> = {
  id: "01JABCDEF0123456789XYZ",
  connectionId: "01JABCDEF0123456789XYZ",
  name: "coding",
};

/** A concrete path for a route pattern: `:param` and `*` replaced by plausible values. */
export function concretePath(pattern: string, ids: Record<string, string> = {}): string {
  return pattern
    .replace(/:(\w+)\??/g, (_, name: string) => encodeURIComponent(ids[name] ?? PARAM_SAMPLES[name] ?? "sample-id"))
    .replace(/\*/g, ids["*"] ?? "coding");
}

export const isStateChanging = (method: string) => method !== "GET" && method !== "HEAD" && method !== "OPTIONS";

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * Sends bytes as they are over TCP and reads one response (`Connection: close` expected in `request`): fetch
 * would normalise the path and refuse odd headers, which is exactly what these tests must not let happen.
 */
export function rawHttp(baseUrl: string, request: string | Uint8Array, timeoutMs = 5_000): Promise<RawResponse> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    // write, not end: Bun takes a half-closed socket for a client that went away and drops the answer.
    const socket = connect({ host: hostname, port: Number(port) }, () => socket.write(request));
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no complete answer within ${timeoutMs} ms to ${JSON.stringify(String(request).slice(0, 200))}`));
    }, timeoutMs);
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    socket.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.on("close", () => {
      clearTimeout(timer);
      try {
        resolve(parseRawResponse(Buffer.concat(chunks).toString("latin1")));
      } catch (error) {
        reject(error);
      }
    });
  });
}

function parseRawResponse(text: string): RawResponse {
  const headEnd = text.indexOf("\r\n\r\n");
  if (headEnd === -1) throw new Error(`not an HTTP response: ${JSON.stringify(text.slice(0, 300))}`);
  const [statusLine, ...lines] = text.slice(0, headEnd).split("\r\n");
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine!)?.[1]);
  if (!status) throw new Error(`bad status line: ${statusLine}`);
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(":");
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  let body = text.slice(headEnd + 4);
  if (headers["transfer-encoding"]?.includes("chunked")) body = dechunk(body);
  return { status, headers, body: Buffer.from(body, "latin1").toString("utf8") };
}

function dechunk(text: string): string {
  let out = "";
  let at = 0;
  while (at < text.length) {
    const lineEnd = text.indexOf("\r\n", at);
    if (lineEnd === -1) break;
    const size = Number.parseInt(text.slice(at, lineEnd), 16);
    if (!size) break;
    out += text.slice(lineEnd + 2, lineEnd + 2 + size);
    at = lineEnd + 2 + size + 2;
  }
  return out;
}

/** Signs of a leaked stack trace or source location in a response body. */
export const STACK_TRACE_SIGNS: Array<[string, RegExp]> = [
  ["stack frame", /\bat .+:\d+:\d+/],
  ["node_modules path", /node_modules/],
  ["/work/ path", /\/work\//],
  ["src/ path", /\bsrc\//],
];

/** The first stack-trace sign found in `text`, or null. */
export function stackTraceSign(text: string): string | null {
  for (const [name, pattern] of STACK_TRACE_SIGNS) if (pattern.test(text)) return name;
  return null;
}

/**
 * A secret as it could appear in bytes at rest or on the wire: plaintext, hex, and base64 (both alphabets) at
 * each of the three byte alignments it could have inside a longer encoded blob (the edge groups, which mix in
 * neighbouring bytes, left out).
 */
export function secretForms(secret: string): Array<[string, string]> {
  const bytes = Buffer.from(secret, "utf8");
  const forms: Array<[string, string]> = [
    ["plaintext", secret],
    ["hex", bytes.toString("hex")],
    ["HEX", bytes.toString("hex").toUpperCase()],
  ];
  for (let offset = 0; offset < 3; offset++) {
    const shifted = Buffer.concat([Buffer.alloc(offset), bytes]);
    for (const alphabet of ["base64", "base64url"] as const) {
      const encoded = shifted.toString(alphabet).replace(/=+$/, "");
      forms.push([`${alphabet}+${offset}`, encoded.slice(offset === 0 ? 0 : 4, encoded.length - 4)]);
    }
  }
  return forms;
}
