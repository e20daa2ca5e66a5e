import type { KeyPermissions } from "../../api/keys-api";

/** What an allow entry names; the form and the table label entries by it. */
export type PermissionEntryKind = "everything" | "model" | "pattern" | "provider" | "combo";

export const PROVIDER_ENTRY_PREFIX = "provider:";
export const COMBO_ENTRY_PREFIX = "combo:";

/**
 * The shapes the contract allows: `*`, `provider:<id>`, `combo:<name glob>`, `<provider or alias>/<model glob>`
 * (no glob before the slash). The server checks entries again and names the one it refuses.
 */
const ENTRY_SHAPE = /^(?:\*|provider:[A-Za-z0-9][\w.-]*|combo:\S+|[^\s/:*]+\/\S+)$/;

export function isWellFormedEntry(entry: string): boolean {
  return ENTRY_SHAPE.test(entry);
}

export function entryKind(entry: string): PermissionEntryKind {
  if (entry === "*") return "everything";
  if (entry.startsWith(PROVIDER_ENTRY_PREFIX)) return "provider";
  if (entry.startsWith(COMBO_ENTRY_PREFIX)) return "combo";
  return entry.includes("*") ? "pattern" : "model";
}

/** Permissions as the gateway stores a key without rules; also what a view without the fields means. */
export const UNRESTRICTED: KeyPermissions = { allow: null, blockedProviders: [] };

export function samePermissions(a: KeyPermissions, b: KeyPermissions): boolean {
  const sameList = (x: readonly string[], y: readonly string[]) => x.length === y.length && x.every((entry, index) => entry === y[index]);
  if ((a.allow === null) !== (b.allow === null)) return false;
  if (a.allow !== null && b.allow !== null && !sameList(a.allow, b.allow)) return false;
  return sameList(a.blockedProviders, b.blockedProviders);
}
