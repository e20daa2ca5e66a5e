import { Elysia } from "elysia";
import { z } from "zod";
import { newRequestId } from "../../util/ids";
import type { GatewayRuntime } from "../gateway-runtime";
import { dispatchInbound, surfaceError, type Inbound } from "../surfaces/inbound-request";
import { RequestRecord } from "../../pipeline/request-record";
import { ApiError } from "./api-error";

/** The one message a combo test sends: short, so the answer is cheap and quick on any model. */
export const COMBO_TEST_PROMPT = "This is a connection test from the OmniRoute dashboard. Reply with one short sentence.";
/** How the test's request is named in the request log, analytics and metrics. */
export const COMBO_TEST_SURFACE = "combo-test";
const TEST_SUFFIX = "/test";

const testResultSchema = z.object({
  ok: z.boolean(),
  status: z.number().describe("HTTP status the gateway answered the test request with"),
  latencyMs: z.number(),
  requestId: z.string().describe("The test request's id in the request log"),
  provider: z.string().nullable().describe("Provider of the target that answered (x-omniroute-provider)"),
  model: z.string().nullable().describe("`<alias>/<model>` of the target that answered, or of the last one tried (x-omniroute-model)"),
  route: z.string().nullable().describe("x-omniroute-route: set when an attempt failed or no target was available"),
  reply: z.string().nullable().describe("The answer's text"),
  error: z.object({ message: z.string(), code: z.string().nullable() }).nullable(),
});
export type ComboTestResult = z.infer<typeof testResultSchema>;

/** `team/fast/test` → `team/fast`; the name may be percent-encoded (`team%2Ffast/test`). */
function comboNameOf(rest: string): string {
  if (!rest.endsWith(TEST_SUFFIX) || rest.length === TEST_SUFFIX.length) {
    throw new ApiError(404, `Unknown management endpoint POST /api/combos/${rest}. To test a combo: POST /api/combos/{name}/test.`, "not_found");
  }
  const raw = rest.slice(0, -TEST_SUFFIX.length);
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new ApiError(400, `"${raw}" is not a valid percent-encoded combo name.`, "invalid_request");
  }
}

function errorOf(body: unknown): { message: string; code: string | null } | null {
  const error = (body as { error?: { message?: unknown; code?: unknown } } | null)?.error;
  if (!error || typeof error !== "object") return null;
  return { message: typeof error.message === "string" ? error.message : "Unknown error", code: typeof error.code === "string" ? error.code : null };
}

function replyOf(body: unknown): string | null {
  const choices = (body as { choices?: Array<{ message?: { content?: unknown } }> } | null)?.choices;
  const content = Array.isArray(choices) ? choices[0]?.message?.content : undefined;
  return typeof content === "string" ? content : null;
}

/**
 * Sends one short, non-streamed chat request with the combo as model through the gateway's own dispatcher — the
 * same routing, failover, logging and accounting as `POST /v1/chat/completions` — for the signed-in admin. It runs
 * in process, so it works whether or not client API keys exist (the session is the credential, as for every
 * `/api` route); the request is logged without a key under the surface `combo-test`. The response cache is
 * bypassed: a test must reach a target.
 */
export async function testCombo(runtime: GatewayRuntime, name: string, signal?: AbortSignal): Promise<ComboTestResult> {
  const body = { model: name, messages: [{ role: "user", content: COMBO_TEST_PROMPT }], stream: false };
  const raw = JSON.stringify(body);
  const request = new Request("http://omniroute.internal/v1/chat/completions", {
    method: "POST",
    headers: { "content-type": "application/json", "cache-control": "no-cache" },
    body: raw,
    ...(signal ? { signal } : {}),
  });
  const record = new RequestRecord(newRequestId(), COMBO_TEST_SURFACE);
  record.clientFormat = "openai-chat";
  record.clientBody = body;
  const inbound: Inbound = {
    record,
    raw,
    body,
    reject(status, message, fields = {}) {
      runtime.logWriter.push(record.finish(status, message));
      return surfaceError("openai-chat", record.id, status, message, fields);
    },
  };
  const started = performance.now();
  const response = await dispatchInbound(runtime, { format: "openai-chat", request, inbound, model: name, stream: false });
  const text = await response.text();
  const latencyMs = Math.round(performance.now() - started);
  let parsed: unknown = null;
  try {
    parsed = JSON.parse(text);
  } catch {
    // A pass-through upstream may answer with anything; the status and the text still say what happened.
  }
  const headers = response.headers;
  const ok = response.ok;
  const error = ok ? null : (errorOf(parsed) ?? { message: text.slice(0, 500) || `HTTP ${response.status}`, code: null });
  return {
    ok,
    status: response.status,
    latencyMs,
    requestId: headers.get("x-request-id") ?? record.id,
    provider: headers.get("x-omniroute-provider"),
    model: headers.get("x-omniroute-model"),
    route: headers.get("x-omniroute-route"),
    reply: ok ? replyOf(parsed) : null,
    error,
  };
}

export function comboTestRoutes(runtime: GatewayRuntime) {
  return new Elysia({ name: "admin:combo-test", detail: { tags: ["Combos"] } }).post(
    // The name may contain "/", so it is the rest of the path up to the final "/test" (`/api/combos/team/fast/test`).
    "/api/combos/*",
    async ({ params, request, server }) => {
      const name = comboNameOf(params["*"]);
      if (!runtime.services.combos.get(name)) throw new ApiError(404, `Combo "${name}" does not exist.`, "not_found");
      // A test may wait through timeouts and failover: exempt it from the server's idle timeout.
      server?.timeout(request, 0);
      return testCombo(runtime, name, request.signal);
    },
    {
      params: z.object({ "*": z.string().min(1).max(220) }),
      response: testResultSchema,
      detail: {
        summary: "Test a combo: one short chat request through the gateway with the combo as model (POST /api/combos/{name}/test)",
        description:
          "Runs through the same routing and failover as POST /v1/chat/completions, for the dashboard session (no client key needed), " +
          "and is logged with surface `combo-test`. Answers 200 whether the test passed or not: `ok`, the serving target, latency, reply or error.",
      },
    },
  );
}
