/**
 * The "fields changed" cell of an audit row, read from its `detail`: the names of the fields an action set
 * (never their values, which may be secrets). Undefined when the action changed no named field.
 */
export function changedFieldsOf(detail: unknown): string | undefined {
  if (detail === null || typeof detail !== "object") return undefined;
  const record = detail as Record<string, unknown>;
  const listed = record.fields ?? record.changed;
  if (Array.isArray(listed)) {
    const names = listed.filter((name): name is string => typeof name === "string");
    return names.length > 0 ? names.join(", ") : undefined;
  }
  return undefined;
}

/** The error code of a refused call (`invalid_network_rule`), shown beside its status. */
export function errorCodeOf(detail: unknown): string | undefined {
  if (detail === null || typeof detail !== "object") return undefined;
  const code = (detail as Record<string, unknown>).error;
  return typeof code === "string" && code !== "" ? code : undefined;
}
