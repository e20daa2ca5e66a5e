import { copyOwnClientHeaders, headersBesideOwnClient, isOwnClient, type ClientProfile } from "./client-profiles";
import type { ProviderExecutor, ShapedRequest, ShapeInput } from "./provider-executor";
import { lowercaseHeaders } from "./upstream-headers";

/**
 * OpenAI Codex (ChatGPT subscription) requests, Responses format, to chatgpt.com/backend-api/codex/responses.
 *
 * Headers: the Codex CLI's set from client-profiles.json (user-agent, originator, version, OpenAI-Beta, Accept),
 * `chatgpt-account-id` from the account's token set (never from the client), and `session_id` — the upstream's
 * prompt-cache affinity — from the conversation: the client's `prompt_cache_key`, else its own session /
 * conversation header. Never the account id: one id for every conversation of an account caps cache hits (#1643).
 * When the inbound client is the Codex CLI itself, its own identifying headers go up as it sent them.
 *
 * Body: the backend accepts only stateless streamed requests — `store: false`, `stream: true` always (the pipeline
 * folds the stream into one JSON answer when the client asked for none: `streamsAlways`), `instructions` present,
 * encrypted reasoning included so reasoning survives across turns without server state — and refuses the sampling
 * and bookkeeping fields the public API takes (providers.md §2), which are dropped.
 *
 * Deliberately not done: Codex's own system prompt is not injected (a short neutral default stands in when the
 * client sent none), and nothing of the client is disguised.
 */

/** Sent when the client gave no instructions (the backend requires the field to be non-empty). */
export const DEFAULT_INSTRUCTIONS = "You are a helpful assistant.";

/** Fields the Codex backend refuses (400 "Unsupported parameter") or that mean nothing there. */
const STRIPPED_FIELDS = [
  "temperature",
  "top_p",
  "frequency_penalty",
  "presence_penalty",
  "logprobs",
  "top_logprobs",
  "n",
  "seed",
  "max_tokens",
  "max_output_tokens",
  "max_completion_tokens",
  "user",
  "metadata",
  "stream_options",
  "safety_identifier",
  "prompt_cache_retention",
] as const;

const ENCRYPTED_REASONING = "reasoning.encrypted_content";
/** A session id usable as a header value: printable ASCII without spaces, bounded. */
const SESSION_ID = /^[\x21-\x7e]{1,256}$/;
/** Client headers that name its conversation (the Codex CLI sends `session_id` and `conversation_id`). */
const CLIENT_SESSION_HEADERS = ["session_id", "conversation_id", "x-session-id"] as const;

export class CodexExecutor implements ProviderExecutor {
  readonly providerId = "codex";
  readonly streamsAlways = true;
  readonly #profile: ClientProfile;
  /** The profile's headers minus those that are the client's own to send when the client is the Codex CLI. */
  readonly #profileOwnClientBase: Record<string, string>;

  constructor(profile: ClientProfile) {
    this.#profile = profile;
    this.#profileOwnClientBase = headersBesideOwnClient(profile);
  }

  shape(input: ShapeInput): ShapedRequest {
    const profile = this.#profile;
    const client = input.clientHeaders;
    const headers = lowercaseHeaders(input.headers);
    const own = isOwnClient(profile, client);
    if (own) {
      Object.assign(headers, this.#profileOwnClientBase);
      copyOwnClientHeaders(profile, client, headers);
    } else {
      Object.assign(headers, profile.headers);
      Object.assign(headers, profile.streamHeaders);
    }
    // The account is ours to name, whoever the client is.
    delete headers["chatgpt-account-id"];
    const accountId = input.account?.accountId;
    if (accountId) headers["chatgpt-account-id"] = accountId;
    // Always a stream upstream, whatever the client asked for.
    headers.accept = "text/event-stream";

    const body = parseObject(input.body);
    if (!body) return { url: input.url, headers, body: input.body };
    // The Codex CLI names its session itself (header names with '_' are not profile data: handled here).
    const session = (own ? headerSession(client) : null) ?? sessionIdOf(body, client);
    if (session) {
      headers.session_id = session;
      // The same key in the body keeps the backend's cache routing and the session header in agreement.
      if (typeof body.prompt_cache_key !== "string" || body.prompt_cache_key === "") body.prompt_cache_key = session;
    }
    shapeBody(body);
    return { url: input.url, headers, body: JSON.stringify(body) };
  }
}

function parseObject(text: string): Record<string, unknown> | null {
  if (text === "") return null;
  try {
    const parsed = JSON.parse(text) as unknown;
    return parsed && typeof parsed === "object" && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** The conversation's id: the body's prompt_cache_key, else the client's session / conversation header. */
function sessionIdOf(body: Readonly<Record<string, unknown>>, client: Headers | undefined): string | null {
  const key = body.prompt_cache_key;
  if (typeof key === "string" && SESSION_ID.test(key)) return key;
  return headerSession(client);
}

function headerSession(client: Headers | undefined): string | null {
  if (!client) return null;
  for (const name of CLIENT_SESSION_HEADERS) {
    const value = client.get(name)?.trim();
    if (value && SESSION_ID.test(value)) return value;
  }
  return null;
}

/** The body rules of the Codex backend, applied in place (exported for tests). */
export function shapeBody(body: Record<string, unknown>): void {
  body.store = false;
  body.stream = true;
  if (typeof body.instructions !== "string" || body.instructions.trim() === "") body.instructions = DEFAULT_INSTRUCTIONS;
  for (const field of STRIPPED_FIELDS) delete body[field];
  const include = Array.isArray(body.include) ? body.include.filter((item): item is string => typeof item === "string") : [];
  if (!include.includes(ENCRYPTED_REASONING)) include.push(ENCRYPTED_REASONING);
  body.include = include;
  // The backend takes a list of input items only; a bare string is the user's one message.
  if (typeof body.input === "string") {
    body.input = [{ type: "message", role: "user", content: [{ type: "input_text", text: body.input }] }];
  }
}
