/**
 * The one fetch wrapper for the management API. Every request goes through here so the CSRF header,
 * error shape and 401 handling live in a single place.
 */

export type HttpMethod = "GET" | "POST" | "PATCH" | "PUT" | "DELETE";

/** Codes the UI produces itself, for failures that never reached the server's error body. */
export const NETWORK_ERROR_CODE = "network_error";
export const BAD_RESPONSE_CODE = "bad_response";

export class ApiError extends Error {
  readonly status: number;
  readonly code: string | undefined;

  constructor(message: string, status: number, code?: string) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
  }
}

export interface ApiRequestOptions {
  body?: unknown;
  /** The login call answers 401 for a wrong password; that must not bounce the user to the login page. */
  ignoreUnauthorized?: boolean;
  /** Sees a successful response's headers (e.g. a paging cursor) before its body is read. */
  onHeaders?: (headers: Headers) => void;
}

let unauthorizedListener: (() => void) | undefined;

/** Registers what happens when any call answers 401 (the session store flips to logged-out). */
export function onUnauthorized(listener: () => void): void {
  unauthorizedListener = listener;
}

export async function apiRequest<T>(method: HttpMethod, path: string, options: ApiRequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: "application/json" };
  if (method !== "GET") headers["X-OmniRoute-Request"] = "1";
  if (options.body !== undefined) headers["Content-Type"] = "application/json";

  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      credentials: "same-origin",
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
  } catch (cause) {
    throw new ApiError(cause instanceof Error ? cause.message : String(cause), 0, NETWORK_ERROR_CODE);
  }

  if (response.status === 401 && !options.ignoreUnauthorized) unauthorizedListener?.();

  if (!response.ok) throw await readApiError(response);
  options.onHeaders?.(response.headers);
  if (response.status === 204) return undefined as T;

  try {
    return (await response.json()) as T;
  } catch {
    throw new ApiError(response.statusText || "Invalid JSON", response.status, BAD_RESPONSE_CODE);
  }
}

async function readApiError(response: Response): Promise<ApiError> {
  try {
    const body = (await response.json()) as { error?: { message?: unknown; code?: unknown } };
    const message = typeof body.error?.message === "string" ? body.error.message : response.statusText;
    const code = typeof body.error?.code === "string" ? body.error.code : undefined;
    return new ApiError(message || `HTTP ${response.status}`, response.status, code);
  } catch {
    return new ApiError(response.statusText || `HTTP ${response.status}`, response.status);
  }
}
