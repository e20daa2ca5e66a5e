import type { ClientProfile } from "./client-profiles";
import type { ProviderExecutor, ShapedRequest, ShapeInput } from "./provider-executor";
import { lowercaseHeaders } from "./upstream-headers";

type Message = Readonly<Record<string, unknown>>;

/**
 * GitHub Copilot chat requests (OpenAI Chat format): the editor's header set (client-profiles.json), the premium-request
 * billing hint, the vision flag, and no trailing assistant turn. `max_tokens` → `max_completion_tokens` for the
 * reasoning families is the catalog's `maxCompletionTokensModelPrefixes` quirk, applied by the pipeline before this.
 */
export class GitHubCopilotExecutor implements ProviderExecutor {
  readonly providerId = "github-copilot";

  constructor(private readonly profile: ClientProfile) {}

  shape(input: ShapeInput): ShapedRequest {
    const headers = lowercaseHeaders(input.headers);
    Object.assign(headers, this.profile.headers);
    if (input.stream) Object.assign(headers, this.profile.streamHeaders);
    let body = input.body;
    let messages = messagesOf(input.clientBody);
    // A trailing assistant turn (a prefill) is refused upstream: it goes, and the request is the human turn before it.
    // Rare, so re-serialising here costs nothing on ordinary requests.
    const drop = trailingAssistantTurns(messages);
    if (drop > 0) {
      const parsed = JSON.parse(body) as Record<string, unknown>;
      const sent = messagesOf(parsed);
      if (sent.length === messages.length) {
        messages = sent.slice(0, sent.length - drop);
        body = JSON.stringify({ ...parsed, messages });
      }
    }
    // Billing: a tool continuation is the agent's turn (no premium request), anything else the user's. Decided on the
    // messages actually sent; the client's own header wins (it knows who spoke).
    const initiator = clientInitiator(input.clientHeaders) ?? (messages.length > 0 ? initiatorOf(messages) : null);
    if (initiator) headers["x-initiator"] = initiator;
    if (hasImage(messages)) headers["copilot-vision-request"] = "true";
    return { url: input.url, headers, body };
  }
}

function messagesOf(body: Readonly<Record<string, unknown>>): Message[] {
  const messages = body.messages;
  return Array.isArray(messages) ? (messages.filter((m) => typeof m === "object" && m !== null) as Message[]) : [];
}

/** `agent` when the last message is an assistant or tool turn (a tool continuation), else `user`. */
export function initiatorOf(messages: readonly Message[]): "user" | "agent" {
  const role = messages.at(-1)?.role;
  return role === "assistant" || role === "tool" ? "agent" : "user";
}

function clientInitiator(headers: Headers | undefined): "user" | "agent" | null {
  const value = headers?.get("x-initiator")?.trim().toLowerCase();
  return value === "user" || value === "agent" ? value : null;
}

/**
 * How many plain assistant messages (no tool calls) end the conversation, when dropping them leaves a user or tool
 * turn last; 0 otherwise (nothing safe to drop: the upstream answers the request as it is).
 */
function trailingAssistantTurns(messages: readonly Message[]): number {
  let end = messages.length;
  while (end > 0 && messages[end - 1]!.role === "assistant" && !hasToolCalls(messages[end - 1]!)) end--;
  if (end === messages.length || end === 0) return 0;
  const last = messages[end - 1]!.role;
  return last === "user" || last === "tool" ? messages.length - end : 0;
}

function hasToolCalls(message: Message): boolean {
  return Array.isArray(message.tool_calls) && message.tool_calls.length > 0;
}

/** Copilot serves images only to requests flagged as vision requests. */
function hasImage(messages: readonly Message[]): boolean {
  for (const message of messages) {
    const content = message.content;
    if (!Array.isArray(content)) continue;
    for (const part of content) if ((part as { type?: unknown } | null)?.type === "image_url") return true;
  }
  return false;
}
