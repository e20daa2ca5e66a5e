import type { IRError } from "../../ir/ir-types";

/**
 * Request shaping for a provider whose upstream wants more than the catalog's data can say: the official client's
 * headers, billing hints, body fixes. One module per provider (src/providers/executors/<provider-id>.ts), looked up
 * by provider id (executors/index.ts) into the connection runtime; API-key providers have none, so the hot path
 * pays one null check. Called just before the upstream call on every path that reaches the provider (pass-through,
 * translated, count tokens, the connection test).
 */
export interface ShapeInput {
  /** The upstream URL the pipeline chose (generation, count tokens or models). */
  url: string;
  /**
   * Upstream headers so far: the connection's (auth, content type, provider extras) plus the client's forwarded
   * feature flags, keyed lowercase. May be the connection's shared object: never mutate it, return a new one.
   */
  headers: Readonly<Record<string, string>>;
  /** The upstream body text ("" for a GET). */
  body: string;
  /** The inbound client's request headers (absent for calls the gateway makes itself, e.g. the connection test). */
  clientHeaders: Headers | undefined;
  /**
   * The parsed form of what is being sent, so a shaper can read it without parsing `body` again: the client's own
   * body on pass-through (it differs from `body` only by the model id and quirks), the encoded upstream body when
   * translated, `{}` for a GET.
   */
  clientBody: Readonly<Record<string, unknown>>;
  stream: boolean;
  /** The upstream model id. */
  model: string;
  /**
   * The OAuth account's provider values (TokenSet `extra`, e.g. Codex `accountId`); absent for API-key connections
   * and for callers that have none to give.
   */
  account?: Readonly<Record<string, string>>;
}

export interface ShapedRequest {
  url: string;
  headers: Record<string, string>;
  /** The same string as the input's when the body is unchanged (pass-through keeps its bytes). */
  body: string;
}

export interface ProviderExecutor {
  readonly providerId: string;
  /**
   * The upstream answers with a stream only (Codex): the executor sets `stream: true` on every request, and a client
   * that asked for one JSON answer is served through the translated path, which folds the upstream stream into it.
   */
  readonly streamsAlways?: boolean;
  /**
   * The upstream meters and rate-limits each model on its own (Antigravity): a 429 or quota refusal closes the
   * account for that model only (the quota tracker's per-model closure), and the account keeps serving the others.
   */
  readonly limitsPerModel?: boolean;
  shape(input: ShapeInput): ShapedRequest;
  /**
   * The upstream wraps each answer and each stream event in an envelope (Antigravity: `{response: …}`): one parsed
   * answer or event → the format's own value, applied before the format's decoders. An executor with this is always
   * served through the translated path (the client's format cannot pass through the envelope byte for byte).
   */
  unwrapChunk?(chunk: unknown): unknown;
  /**
   * Whether the account holds what a request needs (Antigravity: its Cloud Code project). When not, the request path
   * refreshes the account first (the OAuth module re-discovers the value then). Absent: always ready.
   */
  accountReady?(account: Readonly<Record<string, string>>): boolean;
  /**
   * The upstream's successful answer is not in its format's own framing (Kiro: AWS event-stream binary frames): the
   * executor returns the answer in that framing (Kiro: OpenAI Chat SSE), before any decoder reads it.
   * An executor with this is always served through the translated path. `model` is the upstream model id.
   */
  adaptResponse?(response: Response, model: string): Response;
  /**
   * Whether this refusal means the access token was not accepted, beyond the 401 every provider uses for that
   * (Kiro: CodeWhisperer answers an expired bearer token with 403). The request path refreshes the token and tries
   * the same account once more on such a refusal, as it does on a 401.
   */
  refusedToken?(error: IRError): boolean;
}

/** Whether an upstream refusal means the account's token was not accepted (401, or the executor's own signal). */
export function isTokenRefusal(executor: ProviderExecutor | null, error: IRError): boolean {
  return error.status === 401 || (executor?.refusedToken?.(error) ?? false);
}

/**
 * Whether a request to this executor's provider must go through the IR even when the client speaks the provider's
 * format: an upstream that only streams serves a non-stream client by having its stream folded into one answer
 * (`streamsAlways`, Codex); an upstream that wraps its answers (`unwrapChunk`, Antigravity's `{response: …}`) or
 * converts them (`adaptResponse`, Kiro's event stream → Chat SSE) cannot pass bytes through.
 */
export function executorNeedsTranslation(executor: ProviderExecutor, clientStream: boolean): boolean {
  return executor.unwrapChunk !== undefined || executor.adaptResponse !== undefined || (!clientStream && executor.streamsAlways === true);
}
