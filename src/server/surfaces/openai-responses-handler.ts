/** `POST /v1/responses` without the web framework: the native API routes call this directly. */
import { responsesToolNamespaces } from "../../formats/openai-responses/openai-responses-layout";
import type { GatewayRuntime } from "../gateway-runtime";
import { dispatchInbound, readInbound } from "./inbound-request";

/**
 * `POST /v1/responses` (OpenAI Responses). `previous_response_id` is honoured for responses this gateway
 * produced (kept in memory, see ResponseStore); unknown ids go to an OpenAI Responses upstream untouched, which
 * may know them, and are refused clearly for any other upstream.
 */
export async function handleResponses(runtime: GatewayRuntime, request: Request): Promise<Response> {
  const read = await readInbound(runtime, request, "openai-responses", "openai-responses", 'a JSON object with "model" and "input"');
  if (!read.ok) return read.response;
  const { inbound } = read;
  const { model, stream, input, previous_response_id: previousId, store } = inbound.body;
  if (typeof model !== "string" || model === "") {
    return inbound.reject(400, "Missing required parameter: 'model' (a string such as 'ds/deepseek-v4-pro'; see GET /v1/models).", { param: "model", code: "missing_required_parameter" });
  }
  if (input !== undefined && typeof input !== "string" && !Array.isArray(input)) {
    return inbound.reject(400, "Invalid 'input': expected a string or an array of input items.", { param: "input", code: "invalid_type" });
  }
  if (stream !== undefined && typeof stream !== "boolean") return inbound.reject(400, "Invalid 'stream': expected a boolean.", { param: "stream", code: "invalid_type" });
  if (previousId !== undefined && typeof previousId !== "string") {
    return inbound.reject(400, "Invalid 'previous_response_id': expected a string.", { param: "previous_response_id", code: "invalid_type" });
  }
  const history = typeof previousId === "string" ? runtime.responseStore.history(previousId, inbound.record.apiKeyId) : null;
  const responseId = `resp_${inbound.record.id.replace(/^req_/, "")}`;
  const keep = store !== false;
  const encoding: { responseId: string; toolNamespaces?: Record<string, string> } = { responseId };
  return dispatchInbound(runtime, {
    format: "openai-responses",
    request,
    inbound,
    model,
    stream: stream === true,
    // A stored conversation has to be spliced in, which needs the IR even toward a Responses upstream.
    forceTranslate: history !== null,
    prepare(ir, target) {
      // Codex declares tools inside namespaces; calls must come back naming theirs.
      const namespaces = responsesToolNamespaces(ir);
      if (namespaces) encoding.toolNamespaces = namespaces;
      if (typeof previousId !== "string") return null;
      if (history) {
        ir.messages = [...history, ...ir.messages];
        delete ir.previousResponseId;
        const fields = ir.extensions?.format === "openai-responses" ? ir.extensions.fields : null;
        if (fields) delete fields.previous_response_id;
        return null;
      }
      if (target.connection.provider.format === "openai-responses") return null;
      return inbound.reject(
        400,
        `Previous response with id '${previousId}' not found. OmniRoute keeps responses it produced for ${runtime.responseStore.retentionHours} hours (in memory, not across restarts); send the full conversation in 'input' instead.`,
        { param: "previous_response_id", code: "previous_response_not_found" },
      );
    },
    encoding,
    ...(keep ? { onAnswer: (ir, answer) => runtime.responseStore.save(responseId, inbound.record.apiKeyId, ir.messages, answer) } : {}),
  });
}
