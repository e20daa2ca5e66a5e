/** An error the management API reports as `{ error: { message, code } }` with the given status. */
export class ApiError extends Error {
  override name = "ApiError";
  constructor(
    readonly status: number,
    message: string,
    readonly code = "error",
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export function apiErrorResponse(status: number, message: string, code: string, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify({ error: { message, code } }), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
}
