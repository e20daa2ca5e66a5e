import type { ClientEncodeContext } from "../../ir/format-adapter";
import { signatureForClient, wrapSignature } from "../../ir/foreign-signature";
import type { IRFinishReason, IRResponse, IRSignature, IRUsage } from "../../ir/ir-types";
import type { JsonObject } from "../shared/json";
import { statusForFinish } from "./openai-responses-status";
import { encodeResponsesUsage } from "./openai-responses-usage";

/**
 * What a Responses client encoder may also be told. `toolNamespaces` (function name → namespace, see
 * responsesToolNamespaces) puts the `namespace` field back on function_call items for functions the client
 * declared inside a namespace tool (Codex), since IR tool names are the bare function names.
 */
export interface ResponsesClientEncodeContext extends ClientEncodeContext {
  toolNamespaces?: Record<string, string>;
}

/** The response id a client sees: the upstream's own `resp_…`, else ours. */
export function responseIdFor(irId: string, context: ClientEncodeContext): string {
  return irId.startsWith("resp_") ? irId : (context.responseId ?? `resp_${context.requestId}`);
}

/** Item ids derived from the response id: unique within and across responses, stable for the same input. */
export function itemId(prefix: "msg" | "rs" | "fc", responseId: string, index: number): string {
  const base = responseId.startsWith("resp_") ? responseId.slice(5) : responseId;
  return `${prefix}_${base}_${index}`;
}

/**
 * The `encrypted_content` for a reasoning item shown under `shownId`. A Responses signature is given raw only
 * when the item keeps its real id (OpenAI pairs the two); under an id of ours it is wrapped so the real id comes
 * back with it. Foreign signatures are always wrapped (signatureForClient).
 */
export function encryptedContentFor(signature: IRSignature, shownId: string): string {
  if (signature.format === "openai-responses" && signature.itemId !== undefined && signature.itemId !== shownId) return wrapSignature(signature);
  return signatureForClient("openai-responses", signature);
}

export function reasoningItem(id: string, text: string, signature: IRSignature | undefined): JsonObject {
  const item: JsonObject = { id, type: "reasoning", summary: text ? [{ type: "summary_text", text }] : [] };
  if (signature) item.encrypted_content = encryptedContentFor(signature, id);
  return item;
}

export function messageItem(id: string, status: string, part: JsonObject): JsonObject {
  return { id, type: "message", status, content: [part], role: "assistant" };
}

export function outputTextPart(text: string): JsonObject {
  return { type: "output_text", annotations: [], logprobs: [], text };
}

export function functionCallItem(id: string, status: string, callId: string, name: string, args: string, namespace: string | undefined): JsonObject {
  const item: JsonObject = { id, type: "function_call", status, arguments: args, call_id: callId };
  if (namespace) item.namespace = namespace;
  item.name = name;
  return item;
}

export interface ResponseObjectFields {
  id: string;
  createdAt: number;
  model: string;
  status: "in_progress" | "completed" | "incomplete" | "failed";
  output: unknown[];
  /** null while in progress; always a full object once finished. */
  usage: IRUsage | undefined | null;
  incompleteDetails?: { reason: string } | null;
  error?: { code: string; message: string } | null;
}

/**
 * A complete Response object with the echo fields SDK types require (values we do not know are their
 * neutral defaults: no instructions, no tools, auto tool choice).
 */
export function responseObject(fields: ResponseObjectFields): JsonObject {
  return {
    id: fields.id,
    object: "response",
    created_at: fields.createdAt,
    status: fields.status,
    background: false,
    completed_at: fields.status === "completed" ? fields.createdAt : null,
    error: fields.error ?? null,
    incomplete_details: fields.incompleteDetails ?? null,
    instructions: null,
    max_output_tokens: null,
    model: fields.model,
    output: fields.output,
    parallel_tool_calls: true,
    previous_response_id: null,
    reasoning: { effort: null, summary: null },
    store: false,
    temperature: null,
    text: { format: { type: "text" } },
    tool_choice: "auto",
    tools: [],
    top_p: null,
    truncation: "disabled",
    usage: fields.usage === null ? null : encodeResponsesUsage(fields.usage),
    user: null,
    metadata: {},
  };
}

/** The `error` of a failed response. */
export function failedError(reason: IRFinishReason | undefined, message?: string, code?: string | null): { code: string; message: string } | null {
  if (reason !== "error" && message === undefined) return null;
  return { code: code ?? "server_error", message: message ?? "The upstream model failed to generate a response." };
}

/** IR → Responses object for a non-streaming client. */
export function encodeResponsesResponse(response: IRResponse, context: ResponsesClientEncodeContext): Record<string, unknown> {
  const id = responseIdFor(response.id, context);
  const output: unknown[] = [];
  response.content.forEach((part, index) => {
    if (part.type === "text") {
      output.push(messageItem(itemId("msg", id, index), "completed", outputTextPart(part.text)));
    } else if (part.type === "thinking") {
      const signature = part.signature;
      const shownId = signature?.format === "openai-responses" && signature.itemId ? signature.itemId : itemId("rs", id, index);
      output.push(reasoningItem(shownId, part.text, signature));
    } else {
      const args = part.arguments.trim() === "" ? "{}" : part.arguments;
      output.push(functionCallItem(part.itemId ?? itemId("fc", id, index), "completed", part.id, part.name, args, context.toolNamespaces?.[part.name]));
    }
  });
  if (response.refusal !== undefined) {
    output.push(messageItem(itemId("msg", id, response.content.length), "completed", { type: "refusal", refusal: response.refusal }));
  }
  const { status, incomplete_details } = statusForFinish(response.finishReason, response.refusal !== undefined);
  return responseObject({
    id,
    createdAt: response.created || Math.floor(Date.now() / 1000),
    model: context.model,
    status,
    output,
    usage: response.usage,
    incompleteDetails: incomplete_details,
    error: status === "failed" ? failedError(response.finishReason) : null,
  });
}
