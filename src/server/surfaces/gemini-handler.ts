/** The Gemini model-call endpoints without the web framework: the native API routes call these directly. */
import { WIRE_FORMATS } from "../../formats/wire-formats";
import type { IRRequest } from "../../ir/ir-types";
import { acceptRequestId } from "../../util/ids";
import type { GatewayRuntime } from "../gateway-runtime";
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

export function pathAndQuery(url: string): { path: string; query: string } {
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
