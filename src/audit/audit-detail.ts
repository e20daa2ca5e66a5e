import { redact } from "../security/redact";

/**
 * What an audit row may say about a call besides its route: the top-level field names of its JSON body (never a
 * value), the ids in its path, the error code of a refusal. Everything here is cut and passed through redact(),
 * so a secret pasted where a name belongs still never reaches the table.
 */
export interface AuditDetail {
  fields?: string[];
  ids?: string[];
  error?: string;
  /** A successful login: the public id of the session it opened. */
  session?: string;
  /** Rows left out by the anonymous-row cap (an `audit.suppressed` row). */
  suppressed?: number;
}

const MAX_FIELDS = 50;
const MAX_IDS = 10;
const FIELD_NAME = /^[A-Za-z0-9_.-]{1,64}$/;
const ERROR_CODE = /^[a-z0-9_]{1,64}$/;
/** Bodies larger than this are not parsed for their field names (config imports can be; names are then left out). */
export const MAX_AUDITED_BODY_BYTES = 1024 * 1024;
const MASK = "[REDACTED]";

/** A name or id as it may appear in the table: redacted, and wholly masked if redaction found anything in it. */
export function cleanName(text: string, maxLength: number): string {
  const cut = text.length > maxLength ? `${text.slice(0, maxLength)}…` : text;
  return redact(cut) === cut ? cut : MASK;
}

/** The top-level field names of a JSON object body; null for anything else (not JSON, not an object). */
export function bodyFieldNames(text: string): string[] | null {
  const trimmed = text.trimStart();
  if (!trimmed.startsWith("{")) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(trimmed);
  } catch {
    return null;
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) return null;
  // Names that do not look like field names (a pasted key as a name) are masked, not kept.
  return Object.keys(parsed)
    .slice(0, MAX_FIELDS)
    .map((name) => (FIELD_NAME.test(name) ? cleanName(name, 64) : MASK));
}

export function cleanIds(ids: readonly string[]): string[] {
  return ids.slice(0, MAX_IDS).map((id) => cleanName(id, 200));
}

/** The `error.code` of a management API error body, when it is one. */
export function errorCodeOf(text: string): string | undefined {
  try {
    const code = (JSON.parse(text) as { error?: { code?: unknown } } | null)?.error?.code;
    return typeof code === "string" && ERROR_CODE.test(code) ? code : undefined;
  } catch {
    return undefined;
  }
}

