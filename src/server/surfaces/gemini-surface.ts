import { modelsVisibleTo } from "./scoped-models";
import { Elysia } from "elysia";
import { acceptRequestId } from "../../util/ids";
import type { GatewayRuntime } from "../gateway-runtime";
import { authenticateClient } from "../guards/client-auth";
import { surfaceError } from "./inbound-request";
import { handleGeminiModelCall, pathAndQuery } from "./gemini-handler";
export { handleGeminiModelCall };

export function geminiModelList(runtime: GatewayRuntime, keyId: string | null): { models: Array<Record<string, unknown>> } {
  const scope = runtime.services.apiKeys.scopeOf(keyId);
  return {
    models: (scope ? modelsVisibleTo(runtime, scope) : runtime.router.listModels()).map((m) => ({
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
  const list = geminiModelList(runtime, auth.keyId);
  const prefix = "/v1beta/models/";
  if (path.startsWith(prefix)) {
    let id: string;
    try {
      id = decodeURIComponent(path.slice(prefix.length));
    } catch {
      return surfaceError("gemini", requestId, 400, "The model id in the path is not valid percent-encoding. GET /v1beta/models lists the models you can use.", {
        type: "INVALID_ARGUMENT",
      });
    }
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
