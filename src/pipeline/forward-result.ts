import type { IRError } from "../ir/ir-types";
import type { UpstreamDeadline } from "../upstream/upstream-deadline";
import { UpstreamFailure } from "../upstream/call-upstream";
import { UpstreamTimeoutError } from "../upstream/upstream-deadline";

/**
 * What one attempt at one upstream came to. `failed` means nothing has reached the client yet, so the caller
 * may try another target; `answered` is final (an answer, a stream under way, or an error that is the
 * client's own — the next target would refuse it too).
 */
export type ForwardResult =
  | { kind: "answered"; response: Response }
  | { kind: "failed"; error: IRError; headers: Record<string, string> };

export const answered = (response: Response): ForwardResult => ({ kind: "answered", response });

export const failed = (error: IRError, headers: Record<string, string> = {}): ForwardResult => ({ kind: "failed", error, headers });

export type FirstChunk =
  | { ok: true; reader: ReadableStreamDefaultReader<Uint8Array>; first: Uint8Array }
  | { ok: false; clientClosed: boolean; error: IRError };

/**
 * Reads a streamed body's first chunk before anything is sent to the client: until then the upstream can still
 * be swapped for another (a reset, a stall past the first-byte deadline or an empty body is a failed attempt,
 * not a broken stream).
 */
export async function readFirstChunk(body: ReadableStream<Uint8Array>, deadline: UpstreamDeadline, providerName: string): Promise<FirstChunk> {
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) {
        deadline.finish();
        return { ok: false, clientClosed: false, error: { status: 502, type: "api_error", code: "upstream_empty_response", message: `Provider ${providerName} answered with an empty body.` } };
      }
      if (value.byteLength > 0) {
        deadline.firstByte();
        return { ok: true, reader, first: value };
      }
    }
  } catch (error) {
    const reason = deadline.signal.aborted ? deadline.signal.reason : error;
    deadline.finish();
    if (reason instanceof UpstreamFailure && reason.kind === "client-closed") return { ok: false, clientClosed: true, error: { status: 499, type: "client_closed", message: "client closed the request" } };
    const timeout = reason instanceof UpstreamTimeoutError;
    return {
      ok: false,
      clientClosed: false,
      error: {
        status: timeout ? 504 : 502,
        type: timeout ? "timeout_error" : "api_error",
        code: timeout ? "upstream_timeout" : "upstream_broken_response",
        message: `Provider ${providerName} ${timeout ? reason.message : "broke off before its first byte"}.`,
      },
    };
  }
}
