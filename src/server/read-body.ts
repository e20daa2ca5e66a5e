export type BodyReadResult = { ok: true; text: string } | { ok: false; reason: "too-large" | "aborted" };

/**
 * Reads a request body as text, refusing it as soon as it exceeds `limit` bytes — from Content-Length when
 * present, else while streaming — so an oversized upload is never buffered whole.
 */
export async function readBodyText(request: Request, limit: number): Promise<BodyReadResult> {
  const declared = request.headers.get("content-length");
  if (declared !== null) {
    if (Number(declared) > limit) return { ok: false, reason: "too-large" };
    try {
      return { ok: true, text: await request.text() };
    } catch {
      return { ok: false, reason: "aborted" };
    }
  }
  if (!request.body) return { ok: true, text: "" };
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limit) {
        await reader.cancel().catch(() => {});
        return { ok: false, reason: "too-large" };
      }
      chunks.push(value);
    }
  } catch {
    return { ok: false, reason: "aborted" };
  }
  return { ok: true, text: Buffer.concat(chunks).toString("utf8") };
}
