import { z } from "zod";
import type { ProviderQuirks } from "../../providers/provider-schema";
import { replaceTopLevelStringField } from "../../util/json-splice";

/**
 * Deliberately shallow: the gateway needs `model`, `messages` and `stream`; everything else passes through
 * untouched to the upstream, which validates its own parameters.
 */
export const openAIChatRequestSchema = z.looseObject({
  model: z.string({ error: "'model' is required and must be a string such as 'ds/deepseek-v4-pro'" }).min(1, "'model' must not be empty"),
  messages: z
    .array(z.looseObject({ role: z.string({ error: "every message needs a string 'role'" }) }), {
      error: "'messages' is required and must be an array of message objects",
    })
    .min(1, "'messages' must contain at least one message"),
  stream: z.boolean({ error: "'stream' must be true or false" }).optional(),
  max_tokens: z.number().int().nonnegative().nullish(),
  max_completion_tokens: z.number().int().nonnegative().nullish(),
});
export type OpenAIChatRequest = z.infer<typeof openAIChatRequestSchema>;

const isTokenLimit = (value: unknown) => value === undefined || value === null || (Number.isSafeInteger(value) && (value as number) >= 0);

/**
 * True when the body certainly satisfies `openAIChatRequestSchema`, checked by hand: a zod parse of the loose
 * schema copies every message of the body (≈ 3 % of a pass-through request's CPU for a one-message body, more for
 * an agent's long history). A body this cannot vouch for is parsed by the schema, whose messages stay the only
 * error messages clients see.
 */
export function isWellFormedChatRequest(body: Record<string, unknown>): body is OpenAIChatRequest {
  const { model, messages, stream } = body;
  if (typeof model !== "string" || model.length === 0) return false;
  if (!Array.isArray(messages) || messages.length === 0) return false;
  for (const message of messages) {
    if (message === null || typeof message !== "object" || Array.isArray(message) || typeof (message as { role?: unknown }).role !== "string") return false;
  }
  if (stream !== undefined && typeof stream !== "boolean") return false;
  return isTokenLimit(body.max_tokens) && isTokenLimit(body.max_completion_tokens);
}

/**
 * Builds the upstream body: the model id swapped for the upstream's, plus the provider's quirks.
 * The common case splices the model into the raw text; re-serialising happens only when a quirk rewrites the body.
 */
export function buildUpstreamChatBody(
  raw: string,
  request: OpenAIChatRequest,
  upstreamModel: string,
  quirks: ProviderQuirks,
): string {
  let rewrite = false;
  if (quirks.developerRoleAsSystem && request.messages.some((m) => m.role === "developer")) rewrite = true;
  const needsCompletionTokens =
    request.max_tokens != null &&
    request.max_completion_tokens == null &&
    quirks.maxCompletionTokensModelPrefixes?.some((prefix) => upstreamModel.startsWith(prefix));
  if (needsCompletionTokens) rewrite = true;

  if (!rewrite) {
    if (request.model === upstreamModel) return raw;
    const spliced = replaceTopLevelStringField(raw, "model", request.model, upstreamModel);
    if (spliced !== null) return spliced;
  }
  const body: Record<string, unknown> = { ...request, model: upstreamModel };
  if (quirks.developerRoleAsSystem) {
    body.messages = request.messages.map((m) => (m.role === "developer" ? { ...m, role: "system" } : m));
  }
  if (needsCompletionTokens) {
    body.max_completion_tokens = request.max_tokens;
    delete body.max_tokens;
  }
  return JSON.stringify(body);
}

/** The provider's quirks applied to a Chat body the gateway built itself (translated requests). */
export function applyOpenAIChatQuirks(body: Record<string, unknown>, upstreamModel: string, quirks: ProviderQuirks): void {
  if (quirks.developerRoleAsSystem && Array.isArray(body.messages)) {
    body.messages = (body.messages as Array<Record<string, unknown>>).map((m) => (m.role === "developer" ? { ...m, role: "system" } : m));
  }
  if (
    body.max_tokens != null &&
    body.max_completion_tokens == null &&
    quirks.maxCompletionTokensModelPrefixes?.some((prefix) => upstreamModel.startsWith(prefix))
  ) {
    body.max_completion_tokens = body.max_tokens;
    delete body.max_tokens;
  }
}

/** Whether a streaming chat client asked for the final usage chunk itself (`stream_options.include_usage`). */
export function clientAskedForStreamUsage(body: Record<string, unknown>): boolean {
  const options = body.stream_options;
  return typeof options === "object" && options !== null && (options as { include_usage?: unknown }).include_usage === true;
}

/**
 * The upstream body with `stream_options.include_usage: true`, so the upstream reports usage at the end of the
 * stream. Without stream options in the body the field is spliced in (no re-serialisation); otherwise the
 * client's other stream options are kept.
 */
export function withStreamUsage(upstreamBody: string, body: Record<string, unknown>): string {
  if (body.stream_options === undefined) {
    const open = upstreamBody.indexOf("{");
    return `${upstreamBody.slice(0, open + 1)}"stream_options":{"include_usage":true},${upstreamBody.slice(open + 1)}`;
  }
  const parsed = JSON.parse(upstreamBody) as Record<string, unknown>;
  const options = parsed.stream_options;
  parsed.stream_options = typeof options === "object" && options !== null ? { ...options, include_usage: true } : { include_usage: true };
  return JSON.stringify(parsed);
}
