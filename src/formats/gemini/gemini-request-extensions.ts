import type { IRRequest } from "../../ir/ir-types";
import { isRecord, type JsonObject } from "./gemini-json";

/**
 * What a Gemini request carries that the IR has no place for, kept in `IRRequest.extensions.fields` so a
 * Gemini → Gemini hop sends it back unchanged. The fields mirror the body's shape: top-level keys are
 * restored as they are, `generationConfig` / `toolConfig` are merged into the encoded objects (one level
 * deeper for `thinkingConfig` / `functionCallingConfig`), and `tools` (non-function tools such as
 * googleSearch) are appended after the function declarations.
 *
 * Keys starting with `omr.` are not wire fields but notes on how the client spelled something the IR holds
 * in one normalized form (a Gemini field name never contains a dot).
 */

/** Names of declarations whose schema came as `parameters` (OpenAPI subset) rather than `parametersJsonSchema`. */
export const OPENAPI_PARAMETERS = "omr.openApiParameters";
/** Per declaration name: declaration fields the IR lacks (`response`, `responseJsonSchema`, `behavior`, …). */
export const DECLARATION_EXTRAS = "omr.declarationExtras";
/** The structured-output schema came as `responseSchema` (OpenAPI subset), not `responseJsonSchema`. */
export const OPENAPI_RESPONSE_SCHEMA = "omr.responseSchema";
/** The reasoning effort came from `thinkingLevel` (Gemini 3), so it goes back as a level, not a budget. */
export const THINKING_LEVEL = "omr.thinkingLevel";

const INTERNAL_PREFIX = "omr.";

export function geminiExtensionFields(request: IRRequest): JsonObject | undefined {
  return request.extensions?.format === "gemini" ? request.extensions.fields : undefined;
}

/** Restores the client's extra fields onto an encoded body (see the module comment for the merge rules). */
export function restoreExtensionFields(body: JsonObject, fields: JsonObject): void {
  for (const key of Object.keys(fields)) {
    if (key.startsWith(INTERNAL_PREFIX)) continue;
    const value = fields[key];
    if (key === "tools" && Array.isArray(value)) {
      const tools = Array.isArray(body.tools) ? (body.tools as unknown[]) : [];
      body.tools = [...tools, ...value];
    } else if ((key === "generationConfig" || key === "toolConfig") && isRecord(value)) {
      body[key] = mergeObjects(isRecord(body[key]) ? body[key] : {}, value);
    } else {
      body[key] = value;
    }
  }
}

/** Two-level merge: nested objects present on both sides are merged once more, everything else overrides. */
function mergeObjects(base: JsonObject, extra: JsonObject): JsonObject {
  const merged: JsonObject = { ...base };
  for (const key of Object.keys(extra)) {
    const value = extra[key];
    const current = merged[key];
    merged[key] = isRecord(value) && isRecord(current) ? { ...current, ...value } : value;
  }
  return merged;
}
