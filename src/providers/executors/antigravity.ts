import { createHash, randomUUID } from "node:crypto";
import type { ClientProfile } from "./client-profiles";
import type { ProviderExecutor, ShapedRequest, ShapeInput } from "./provider-executor";
import { lowercaseHeaders } from "./upstream-headers";

/**
 * Google Antigravity requests (Gemini format inside the Cloud Code envelope), providers.md §4c.
 *
 * Request: the pipeline encodes a Gemini generateContent body for `{base}/models/{model}:…`; this moves it to
 * `{base}/v1internal:streamGenerateContent?alt=sse` (or `:generateContent`) inside the envelope
 * `{project, model, userAgent:"antigravity", requestType:"agent", requestId:"agent-<uuid>", request:{contents,
 * systemInstruction, tools, toolConfig, generationConfig, sessionId}}`, with the IDE's headers from
 * client-profiles.json. The project is the account's (`extra.projectId`, found by the OAuth module's bootstrap).
 * `maxOutputTokens` is capped (the backend refuses more), tools get the IDE's `VALIDATED` calling mode unless the
 * client chose one, and for the Claude models it serves thought-only parts are dropped and function responses sit
 * in user turns. Thought signatures the client kept go up as they are; none is ever invented.
 *
 * Response: every answer and every SSE event is `{response: {…gemini…}}`: `unwrapChunk` takes the Gemini value out
 * before the Gemini decoders see it. Because a Gemini client's bytes could not pass through unchanged, every request
 * to this provider goes through the translated path (src/server/surfaces/inbound-request.ts).
 *
 * Deliberately not done: no client-fingerprint forging, no system-prompt rewriting, no default thought signatures.
 */

/** The largest maxOutputTokens the backend takes (Claude models on Antigravity stop at 64k). */
export const MAX_OUTPUT_TOKENS = 64_000;

/** The `request` fields the backend takes; the rest of a Gemini body (safetySettings, cachedContent, …) stays out. */
const REQUEST_FIELDS = ["contents", "systemInstruction", "tools", "toolConfig", "generationConfig"] as const;

type Json = Record<string, unknown>;

export class AntigravityExecutor implements ProviderExecutor {
  readonly providerId = "antigravity";
  /** Each model has its own quota (fetchAvailableModels) and its own 429s. */
  readonly limitsPerModel = true;
  readonly #profile: ClientProfile;

  constructor(profile: ClientProfile) {
    this.#profile = profile;
  }

  /** The request needs the account's project; without it the request path first re-discovers it (a refresh). */
  accountReady(account: Readonly<Record<string, string>>): boolean {
    return typeof account.projectId === "string" && account.projectId !== "";
  }

  /** `{response: X}` → X (answers and stream events alike); anything else (an error object) as it is. */
  unwrapChunk(chunk: unknown): unknown {
    if (chunk && typeof chunk === "object" && !Array.isArray(chunk)) {
      const inner = (chunk as { response?: unknown }).response;
      if (inner && typeof inner === "object") return inner;
    }
    return chunk;
  }

  shape(input: ShapeInput): ShapedRequest {
    const headers = lowercaseHeaders(input.headers);
    Object.assign(headers, this.#profile.headers);
    if (input.stream) Object.assign(headers, this.#profile.streamHeaders);
    const url = internalUrl(input.url);
    // Not a generation call (count tokens, models): left as the pipeline built it.
    if (url === null) return { url: input.url, headers, body: input.body };
    const body = parseObject(input.body);
    if (!body) return { url, headers, body: input.body };
    const envelope = buildEnvelope(body, input.model, input.account?.projectId);
    return { url, headers, body: JSON.stringify(envelope) };
  }
}

/** `{base}/models/{model}:streamGenerateContent?alt=sse` → `{base}/v1internal:streamGenerateContent?alt=sse`. */
export function internalUrl(url: string): string | null {
  const at = url.lastIndexOf("/models/");
  if (at === -1) return null;
  const base = url.slice(0, at);
  const rest = url.slice(at);
  if (rest.includes(":streamGenerateContent")) return `${base}/v1internal:streamGenerateContent?alt=sse`;
  if (rest.includes(":generateContent")) return `${base}/v1internal:generateContent`;
  return null;
}

/** The Cloud Code envelope around a Gemini generateContent body (exported for tests). */
export function buildEnvelope(gemini: Json, model: string, projectId: string | undefined): Json {
  const request: Json = {};
  for (const field of REQUEST_FIELDS) if (gemini[field] !== undefined) request[field] = gemini[field];
  const generationConfig = request.generationConfig as Json | undefined;
  if (generationConfig && typeof generationConfig.maxOutputTokens === "number" && generationConfig.maxOutputTokens > MAX_OUTPUT_TOKENS) {
    request.generationConfig = { ...generationConfig, maxOutputTokens: MAX_OUTPUT_TOKENS };
  }
  if (Array.isArray(request.tools) && request.tools.length > 0 && request.toolConfig === undefined) {
    request.toolConfig = { functionCallingConfig: { mode: "VALIDATED" } };
  }
  if (model.startsWith("claude") && Array.isArray(request.contents)) request.contents = forClaude(request.contents);
  request.sessionId = sessionIdOf(request.contents);
  return {
    ...(projectId ? { project: projectId } : {}),
    model,
    userAgent: "antigravity",
    requestType: "agent",
    requestId: `agent-${randomUUID()}`,
    request,
  };
}

/**
 * The conversation's id, stable across its turns (the backend's cache affinity): a hash of its first turn. The IDE
 * sends a signed decimal; the same shape here.
 */
function sessionIdOf(contents: unknown): string {
  const first = Array.isArray(contents) && contents.length > 0 ? JSON.stringify(contents[0]) : "";
  const digest = createHash("sha256").update(first).digest();
  return `-${digest.readBigUInt64BE(0) & 0x7fffffffffffffffn}`;
}

/** Claude models behind Antigravity: no thought-only parts, function responses in user turns. */
function forClaude(contents: unknown[]): unknown[] {
  const out: unknown[] = [];
  for (const content of contents) {
    const turn = content as Json | null;
    if (!turn || typeof turn !== "object" || !Array.isArray(turn.parts)) {
      out.push(content);
      continue;
    }
    const parts = (turn.parts as unknown[]).filter((part) => {
      const p = part as Json | null;
      return !(p && p.thought === true && p.functionCall === undefined);
    });
    // A turn that was only thinking goes altogether (an empty turn is refused).
    if (parts.length === 0) continue;
    const responds = parts.some((part) => (part as Json | null)?.functionResponse !== undefined);
    out.push({ ...turn, ...(responds ? { role: "user" } : {}), parts });
  }
  return out;
}

function parseObject(text: string): Json | null {
  if (text === "") return null;
  try {
    const parsed = JSON.parse(text) as unknown;
    return parsed && typeof parsed === "object" && !Array.isArray(parsed) ? (parsed as Json) : null;
  } catch {
    return null;
  }
}
