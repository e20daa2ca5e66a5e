import { randomUUID } from "node:crypto";
import type { ClientProfile } from "./client-profiles";
import { toKiroRequest } from "./kiro-request";
import { kiroEventStreamToSse } from "./kiro-stream";
import type { IRError } from "../../ir/ir-types";
import type { ProviderExecutor, ShapedRequest, ShapeInput } from "./provider-executor";
import { lowercaseHeaders } from "./upstream-headers";

/**
 * Kiro (CodeWhisperer `generateAssistantResponse`), providers.md §5.
 *
 * Request: the catalog entry's format is OpenAI Chat, so the gateway's translators hand this an OpenAI Chat body;
 * `shape` replaces it with Kiro's strict `conversationState` body (kiro-request.ts) and adds the Kiro IDE's headers
 * from client-profiles.json plus a fresh `amz-sdk-invocation-id` per call. The pipeline's OpenAI Chat URL
 * `{base}/chat/completions` becomes `{base}/generateAssistantResponse`, Kiro's one generation endpoint.
 *
 * Response: always an `application/vnd.amazon.eventstream` binary stream (`streamsAlways`); `adaptResponse` turns
 * its body into OpenAI Chat SSE (kiro-stream.ts) before the pipeline reads it, so the rest of the translated path —
 * streaming, and the fold into one answer for a non-stream client — is the OpenAI Chat one, unchanged. Error answers
 * (non-2xx JSON) are left alone.
 */
const CHAT_PATH = "/chat/completions";
/** AWS's words for a token it did not take ("The bearer token included in the request is invalid.", "… is expired"). */
const TOKEN_NOT_ACCEPTED = /\btoken\b.*\b(invalid|expired)\b/i;

export class KiroExecutor implements ProviderExecutor {
  readonly providerId = "kiro";
  readonly streamsAlways = true;
  readonly #profile: ClientProfile;

  constructor(profile: ClientProfile) {
    this.#profile = profile;
  }

  shape(input: ShapeInput): ShapedRequest {
    const headers = lowercaseHeaders(input.headers);
    Object.assign(headers, this.#profile.headers);
    headers["amz-sdk-invocation-id"] = randomUUID();
    // Only a generation call carries a conversation (the connection test's OpenAI body is one too).
    if (!input.url.endsWith(CHAT_PATH) || !Array.isArray(input.clientBody.messages)) return { url: input.url, headers, body: input.body };
    const url = `${input.url.slice(0, -CHAT_PATH.length)}/generateAssistantResponse`;
    const body = toKiroRequest(input.clientBody as Record<string, unknown>, input.model, input.account?.profileArn);
    return { url, headers, body: JSON.stringify(body) };
  }

  /** CodeWhisperer refuses an expired or unknown bearer token with 403 AccessDeniedException, not 401. */
  refusedToken(error: IRError): boolean {
    return error.status === 403 && TOKEN_NOT_ACCEPTED.test(error.message);
  }

  adaptResponse(response: Response, model: string): Response {
    if (!response.ok || !response.body || !(response.headers.get("content-type") ?? "").includes("application/vnd.amazon.eventstream")) return response;
    const headers = new Headers(response.headers);
    headers.set("content-type", "text/event-stream");
    headers.delete("content-length");
    return new Response(kiroEventStreamToSse(response.body, model), { status: response.status, headers });
  }
}
