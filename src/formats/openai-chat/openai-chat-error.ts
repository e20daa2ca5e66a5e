/** OpenAI's error object: `{ error: { message, type, param, code } }`. */
export interface OpenAIErrorFields {
  message: string;
  type: string;
  param: string | null;
  code: string | null;
}

export function openAIErrorTypeForStatus(status: number): string {
  if (status === 401) return "authentication_error";
  if (status === 403) return "permission_error";
  if (status === 404) return "invalid_request_error";
  if (status === 429) return "rate_limit_error";
  if (status >= 500) return "server_error";
  return "invalid_request_error";
}

export function openAIErrorBody(
  status: number,
  message: string,
  fields: { type?: string; code?: string | null; param?: string | null } = {},
): string {
  const error: OpenAIErrorFields = {
    message,
    type: fields.type ?? openAIErrorTypeForStatus(status),
    param: fields.param ?? null,
    code: fields.code ?? null,
  };
  return JSON.stringify({ error });
}

/**
 * Best-effort reading of an upstream error body in whatever shape the provider used
 * (OpenAI object, `{error: "text"}`, `{message}`, `{detail}`, plain text), keeping OpenAI fields when present.
 */
export function readUpstreamError(status: number, bodyText: string): OpenAIErrorFields {
  const fallback = (message: string): OpenAIErrorFields => ({
    message,
    type: openAIErrorTypeForStatus(status),
    param: null,
    code: null,
  });
  const trimmed = bodyText.trim();
  if (!trimmed) return fallback(`Upstream returned HTTP ${status} with an empty body.`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(trimmed);
  } catch {
    return fallback(trimmed.slice(0, 2000));
  }
  const body = Array.isArray(parsed) ? parsed[0] : parsed;
  if (body && typeof body === "object") {
    const record = body as Record<string, unknown>;
    const error = record.error;
    if (error && typeof error === "object") {
      const e = error as Record<string, unknown>;
      const message = typeof e.message === "string" ? e.message : JSON.stringify(error).slice(0, 2000);
      return {
        message,
        type: typeof e.type === "string" ? e.type : typeof e.status === "string" ? e.status : openAIErrorTypeForStatus(status),
        param: typeof e.param === "string" ? e.param : null,
        code: typeof e.code === "string" ? e.code : typeof e.code === "number" ? String(e.code) : null,
      };
    }
    if (typeof error === "string") return fallback(error);
    if (typeof record.message === "string") return fallback(record.message);
    if (typeof record.detail === "string") return fallback(record.detail);
  }
  return fallback(trimmed.slice(0, 2000));
}
