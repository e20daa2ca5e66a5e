import { readBounded } from "../util/read-bounded";

export type BodyReadResult = { ok: true; text: string } | { ok: false; reason: "too-large" | "aborted" | "timeout" };

/**
 * Reads a request body as text, refusing it as soon as it exceeds `limit` bytes — from Content-Length when
 * present, else while streaming — so an oversized upload is never buffered whole. A body that has not arrived
 * whole within `timeoutMs` is refused too: a client dripping bytes must not hold a socket and a buffer forever.
 */
export async function readBodyText(request: Request, limit: number, timeoutMs = 60_000): Promise<BodyReadResult> {
  const declared = request.headers.get("content-length");
  if (declared !== null && Number(declared) > limit) return { ok: false, reason: "too-large" };
  if (declared === null && !request.body) return { ok: true, text: "" };
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<BodyReadResult>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, reason: "timeout" }), timeoutMs);
  });
  try {
    return await Promise.race([declared !== null ? readDeclared(request) : readStreamed(request, limit), timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

async function readDeclared(request: Request): Promise<BodyReadResult> {
  try {
    return { ok: true, text: await request.text() };
  } catch {
    return { ok: false, reason: "aborted" };
  }
}

async function readStreamed(request: Request, limit: number): Promise<BodyReadResult> {
  try {
    const text = await readBounded(request.body, limit);
    return text === null ? { ok: false, reason: "too-large" } : { ok: true, text };
  } catch {
    return { ok: false, reason: "aborted" };
  }
}
