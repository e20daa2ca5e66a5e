/** Pieces every mock OAuth server in test/fakes shares. */

/** Tokens of a mock: unguessable enough to be unique, shaped like the real ones (so redaction sees them too). */
export function mockToken(prefix: string, counter: number): string {
  return `${prefix}${String(counter).padStart(4, "0")}${crypto.randomUUID().replace(/-/g, "")}`;
}

/** An RFC 6749 §5.2 error answer. */
export const oauthError = (status: number, error: string, description?: string) =>
  Response.json({ error, ...(description ? { error_description: description } : {}) }, { status });

/** The credential of an `Authorization: <scheme> <value>` header, or null. */
export const bearer = (headers: Record<string, string>, scheme: "bearer" | "token"): string | null => {
  const match = new RegExp(`^${scheme}\\s+(.+)$`, "i").exec(headers.authorization ?? "");
  return match ? match[1]!.trim() : null;
};
