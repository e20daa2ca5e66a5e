import { WIRE_FORMATS } from "../formats/wire-formats";
import type { IRRequest } from "../ir/ir-types";
import { redact } from "../security/redact";
import { FORMAT_ENDPOINTS } from "./format-endpoints";
import type { ConnectionRuntime } from "../services/connection-service";
import { callUpstream, UpstreamFailure } from "../upstream/call-upstream";

export interface ConnectionTestResult {
  ok: boolean;
  latencyMs: number;
  method: "models" | "chat";
  modelCount?: number;
  /** Model ids the upstream reported (models method only). */
  models?: string[];
  error?: string;
}

const TEST_TIMEOUTS = { connectMs: 5_000, firstByteMs: 20_000, idleMs: 20_000 };

/**
 * Proves a connection works: `GET /models` where the provider has it (cheap, no tokens spent), else — or when
 * that endpoint is missing — a one-token chat completion.
 */
export async function testConnection(connection: ConnectionRuntime): Promise<ConnectionTestResult> {
  const started = performance.now();
  const secrets = connection.apiKey ? [connection.apiKey] : [];
  const elapsed = () => Math.round(performance.now() - started);
  try {
    if (!connection.provider.quirks.noModelsEndpoint) {
      const shaped = shapeTest(connection, connection.modelsUrl, "", {});
      const { response, deadline } = await callUpstream({ url: shaped.url, method: "GET", headers: shaped.headers, timeouts: TEST_TIMEOUTS });
      const text = await response.text();
      deadline.finish();
      if (response.ok) {
        const models = parseModelIds(connection, text);
        if (models) return { ok: true, latencyMs: elapsed(), method: "models", modelCount: models.length, models };
      }
      if (response.status !== 404 && response.status !== 405) {
        return { ok: false, latencyMs: elapsed(), method: "models", error: describe(connection, response.status, text, secrets) };
      }
    }
    const model = connection.models[0];
    if (!model) return { ok: false, latencyMs: elapsed(), method: "chat", error: "No model to test with: add a model id to this connection." };
    // The smallest real generation, in the upstream's own format.
    const ping: IRRequest = { model, system: [], messages: [{ role: "user", content: [{ type: "text", text: "ping" }] }], tools: [], maxTokens: 1, stream: false };
    const encoded = WIRE_FORMATS[connection.provider.format].adapter.encodeRequest(ping);
    const shaped = shapeTest(connection, connection.generateUrl(model, false), JSON.stringify(encoded), encoded, model);
    const { response, deadline } = await callUpstream({ url: shaped.url, headers: shaped.headers, body: shaped.body, timeouts: TEST_TIMEOUTS });
    const text = await response.text();
    deadline.finish();
    if (response.ok) return { ok: true, latencyMs: elapsed(), method: "chat" };
    return { ok: false, latencyMs: elapsed(), method: "chat", error: describe(connection, response.status, text, secrets) };
  } catch (error) {
    const message = error instanceof UpstreamFailure ? error.message : (error as Error).message;
    return { ok: false, latencyMs: elapsed(), method: "models", error: redact(`${connection.provider.name} ${message}`, secrets) };
  }
}

/** The test's call as the provider's executor shapes it (subscription providers refuse bare calls), else as it is. */
function shapeTest(connection: ConnectionRuntime, url: string, body: string, parsed: Record<string, unknown>, model = "") {
  if (!connection.executor) return { url, headers: connection.headers, body };
  return connection.executor.shape({ url, headers: connection.headers, body, clientHeaders: undefined, clientBody: parsed, stream: false, model, ...(connection.oauth ? { account: connection.oauth.extra } : {}) });
}

function parseModelIds(connection: ConnectionRuntime, text: string): string[] | null {
  try {
    return FORMAT_ENDPOINTS[connection.provider.format].readModelIds(JSON.parse(text));
  } catch {
    return null;
  }
}

function describe(connection: ConnectionRuntime, status: number, text: string, secrets: string[]): string {
  return redact(`HTTP ${status}: ${WIRE_FORMATS[connection.provider.format].adapter.decodeError(status, text).message}`, secrets);
}
