import { Elysia } from "elysia";
import { WIRE_FORMATS } from "../../formats/wire-formats";
import type { IRRequest } from "../../ir/ir-types";
import { acceptRequestId } from "../../util/ids";
import type { GatewayRuntime } from "../gateway-runtime";
import { authenticateClient } from "../guards/client-auth";
import { countTokensResponse } from "./count-tokens";
import { dispatchInbound, readInbound, surfaceError } from "./inbound-request";

const METHODS = ["generateContent", "streamGenerateContent", "countTokens"] as const;
type GeminiMethod = (typeof METHODS)[number];

/**
 * `<prefix>/models/{model}:{method}`: the model may contain `/` unencoded (Gemini CLI sends
 * `models/mock/mock-model:streamGenerateContent`), so the method is whatever follows the last `:`.
 */
export function parseGeminiModelPath(path: string, prefix: string): { model: string; method: string } | null {
  if (!path.startsWith(prefix)) return null;
  const rest = path.slice(prefix.length);
  const colon = rest.lastIndexOf(":");
  if (colon <= 0) return null;
  let model: string;
  try {
    model = decodeURIComponent(rest.slice(0, colon));
  } catch {
    return null;
  }
  return { model: model.startsWith("models/") ? model.slice(7) : model, method: rest.slice(colon + 1) };
}

function pathAndQuery(url: string): { path: string; query: string } {
  const start = url.indexOf("/", url.indexOf("//") + 2);
  const q = url.indexOf("?", start);
  return q === -1 ? { path: url.slice(start), query: "" } : { path: url.slice(start, q), query: url.slice(q + 1) };
}

export async function handleGeminiModelCall(runtime: GatewayRuntime, request: Request, prefix: string): Promise<Response> {
  const { path, query } = pathAndQuery(request.url);
  const parsed = parseGeminiModelPath(path, prefix);
  if (!parsed || !(METHODS as readonly string[]).includes(parsed.method)) {
    const requestId = acceptRequestId(request.headers.get("x-request-id"));
    return surfaceError("gemini", requestId, 404, `Unknown method in ${path}. OmniRoute serves models/{model}:generateContent, :streamGenerateContent and :countTokens.`, {
      type: "NOT_FOUND",
    });
  }
  const method = parsed.method as GeminiMethod;
  const read = await readInbound(runtime, request, "gemini", method === "countTokens" ? "gemini-count-tokens" : "gemini", 'a JSON object with "contents"');
  if (!read.ok) return read.response;
  const { inbound } = read;
  const adapter = WIRE_FORMATS.gemini.adapter;
  if (method === "countTokens") {
    const inner = inbound.body.generateContentRequest;
    const source = inner && typeof inner === "object" && !Array.isArray(inner) ? (inner as Record<string, unknown>) : inbound.body;
    return countTokensResponse(runtime, {
      format: "gemini",
      request,
      inbound: { ...inbound, body: source },
      model: parsed.model,
      decode: (body) => withModel(adapter.decodeRequest(body), parsed.model),
      render: (tokens) => ({ totalTokens: tokens }),
    });
  }
  if (!Array.isArray(inbound.body.contents)) {
    return inbound.reject(400, "Invalid JSON payload: 'contents' is required and must be an array of {role, parts}.", { param: "contents", type: "INVALID_ARGUMENT" });
  }
  const stream = method === "streamGenerateContent";
  const sse = new URLSearchParams(query).get("alt") === "sse";
  return dispatchInbound(runtime, {
    format: "gemini",
    request,
    inbound,
    model: parsed.model,
    stream,
    decode: (body) => withModel(adapter.decodeRequest(body), parsed.model),
    encoding: { framing: stream && !sse ? "json-array" : "sse" },
    // Pass-through keeps the client's choice between SSE and the streamed JSON array.
    ...(stream && !sse ? { adjustUrl: (url: string) => url.replace("?alt=sse", "") } : {}),
  });
}

function withModel(ir: IRRequest, model: string): IRRequest {
  ir.model = model;
  return ir;
}

/** Gemini's model list shape, for Gemini SDKs and CLIs. */
export function geminiModelList(runtime: GatewayRuntime): { models: Array<Record<string, unknown>> } {
  return {
    models: runtime.router.listModels().map((m) => ({
      name: `models/${m.id}`,
      baseModelId: m.id,
      version: "001",
      displayName: m.id,
      supportedGenerationMethods: ["generateContent", "streamGenerateContent", "countTokens"],
    })),
  };
}

function listModels(runtime: GatewayRuntime, request: Request, path: string): Response {
  const requestId = acceptRequestId(request.headers.get("x-request-id"));
  const auth = authenticateClient(runtime, request.headers, request.url);
  if (!auth.ok) return surfaceError("gemini", requestId, 401, auth.message, { type: "UNAUTHENTICATED" });
  const list = geminiModelList(runtime);
  const prefix = "/v1beta/models/";
  if (path.startsWith(prefix)) {
    const id = decodeURIComponent(path.slice(prefix.length));
    const one = list.models.find((m) => m.baseModelId === id);
    if (!one) return surfaceError("gemini", requestId, 404, `models/${id} is not found. GET /v1beta/models lists the models you can use.`, { type: "NOT_FOUND" });
    return Response.json(one, { headers: { "x-request-id": requestId } });
  }
  return Response.json(list, { headers: { "x-request-id": requestId } });
}

export function geminiSurface(runtime: GatewayRuntime) {
  const detail = (summary: string) => ({
    tags: ["Gemini API"],
    summary,
    description:
      "Gemini `generateContent` / `streamGenerateContent` (`?alt=sse` for SSE, else a streamed JSON array) / `countTokens`. " +
      "The model is in the path and may contain `/`. Key as `x-goog-api-key`, `?key=` or `Authorization: Bearer`. Errors use Gemini's error object.",
  });
  return new Elysia({ name: "surface:gemini" })
    .post(
      "/v1beta/models/*",
      ({ request, server }) => {
        server?.timeout(request, 0);
        return handleGeminiModelCall(runtime, request, "/v1beta/models/");
      },
      { parse: "none", detail: detail("Generate content / count tokens (Gemini format, v1beta)") },
    )
    .post(
      "/v1/models/*",
      ({ request, server }) => {
        server?.timeout(request, 0);
        return handleGeminiModelCall(runtime, request, "/v1/models/");
      },
      { parse: "none", detail: detail("Generate content / count tokens (Gemini format, v1 — @google/genai 3.x)") },
    )
    .get("/v1beta/models", ({ request }) => listModels(runtime, request, "/v1beta/models"), { detail: detail("List models (Gemini shape)") })
    .get("/v1beta/models/*", ({ request }) => listModels(runtime, request, pathAndQuery(request.url).path), { detail: detail("Get one model (Gemini shape)") });
}
