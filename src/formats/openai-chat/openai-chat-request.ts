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
