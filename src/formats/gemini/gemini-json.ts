/**
 * Small JSON-boundary helpers for Gemini bodies. The API accepts every field in camelCase or snake_case
 * (proto JSON), so readers look a key up under both spellings — but only for the API's own field names,
 * never inside user data (functionCall.args, functionResponse.response, schemas).
 */

export type JsonObject = Record<string, unknown>;

export function isRecord(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const snakeCache = new Map<string, string>();

/** `maxOutputTokens` → `max_output_tokens` (memoized: the set of field names is small and fixed). */
export function snakeCase(camel: string): string {
  let snake = snakeCache.get(camel);
  if (snake === undefined) {
    snake = camel.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
    snakeCache.set(camel, snake);
  }
  return snake;
}

/** `max_output_tokens` → `maxOutputTokens`; camelCase input comes back unchanged. */
export function camelCase(key: string): string {
  return key.includes("_") ? key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase()) : key;
}

/** Reads an API field under its camelCase name, or its snake_case spelling. */
export function field(object: JsonObject, camel: string): unknown {
  const value = object[camel];
  if (value !== undefined) return value;
  return object[snakeCase(camel)];
}

export function stringField(object: JsonObject, camel: string): string | undefined {
  const value = field(object, camel);
  return typeof value === "string" ? value : undefined;
}

export function numberField(object: JsonObject, camel: string): number | undefined {
  const value = field(object, camel);
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

export function recordField(object: JsonObject, camel: string): JsonObject | undefined {
  const value = field(object, camel);
  return isRecord(value) ? value : undefined;
}

/** Parses JSON text that should hold an object; anything else (invalid JSON, arrays, scalars) → undefined. */
export function parseJsonObject(text: string): JsonObject | undefined {
  const trimmed = text.trim();
  if (trimmed.charCodeAt(0) !== 123 /* { */) return undefined;
  try {
    const parsed: unknown = JSON.parse(trimmed);
    return isRecord(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}
