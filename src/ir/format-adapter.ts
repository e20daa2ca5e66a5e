import type { IRError, IRFormat, IRRequest, IRResponse, IRStreamEvent } from "./ir-types";

/** A client request that cannot be expressed in the IR; rendered as a 400 in the client's own format. */
export class FormatRequestError extends Error {
  override name = "FormatRequestError";
  constructor(
    message: string,
    /** Dotted path of the offending field, e.g. `messages.2.content`. */
    readonly param: string | null = null,
  ) {
    super(message);
  }
}

/** What encoders toward the client need besides the IR itself. */
export interface ClientEncodeContext {
  /** The gateway's request id (used where a format wants an id and the upstream gave none). */
  requestId: string;
  /** Model id to report to the client: what answered, as the client can name it (`<alias>/<model>`). */
  model: string;
  /** Id for the response object where the format shows one of ours (Responses `resp_…`, Anthropic `msg_…`). */
  responseId?: string;
  /** OpenAI Chat clients get a final usage chunk only when they asked (`stream_options.include_usage`). */
  includeUsage?: boolean;
  /** Tool name → the namespace the client declared it in (OpenAI Responses `namespace` tools, Codex). */
  toolNamespaces?: Record<string, string>;
  /** Gemini clients choose SSE (`alt=sse`) or one streamed JSON array; other formats always use SSE. */
  framing?: "sse" | "json-array";
}

/** Upstream stream text → IR events. Stateful; one per response. */
export interface StreamDecoder {
  /** Feeds the next piece of the upstream body (any split, even mid-line). */
  push(text: string, emit: (event: IRStreamEvent) => void): void;
  /**
   * The upstream body ended. Emits whatever is still owed so the sequence is complete (open block_stop,
   * a finish if the upstream never sent one, and `end`).
   */
  end(emit: (event: IRStreamEvent) => void): void;
}

/** IR events → client stream text. Stateful; one per response. Returns "" when an event has no wire form. */
export interface StreamEncoder {
  encode(event: IRStreamEvent): string;
}

/**
 * One wire format, both directions. Surfaces use the decodeRequest / encodeResponse / createStreamEncoder /
 * encodeError side; upstream calls use encodeRequest / decodeResponse / createStreamDecoder / decodeError.
 * Every function is pure data transformation: no I/O, no routing, no HTTP.
 */
export interface FormatAdapter {
  readonly format: IRFormat;

  /** Client body → IR. Throws FormatRequestError for input the format itself forbids. */
  decodeRequest(body: Record<string, unknown>): IRRequest;
  /** IR → upstream body (the model goes in the body, or the URL for Gemini). */
  encodeRequest(request: IRRequest): Record<string, unknown>;

  /** Upstream non-stream body → IR. */
  decodeResponse(body: unknown): IRResponse;
  /** IR → client non-stream body. */
  encodeResponse(response: IRResponse, context: ClientEncodeContext): Record<string, unknown> | unknown[];

  createStreamDecoder(): StreamDecoder;
  createStreamEncoder(context: ClientEncodeContext): StreamEncoder;

  /** Upstream error body (any shape) → IR error. */
  decodeError(status: number, bodyText: string): IRError;
  /** IR error → client error body (JSON text) in this format's shape. */
  encodeError(error: IRError, requestId: string): string;
}
