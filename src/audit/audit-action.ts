/**
 * The audit log's name for a management call: `<resource>[.<sub>…].<verb>` from the method and the path with the ids
 * taken out (`PATCH /api/keys/key_1` → `keys.update`, ids `["key_1"]`), plus a few names chosen by hand.
 */

/**
 * Path segments that are part of a route, not an id. A segment not listed here counts as an id, so a new route
 * word missing from the list shows up as an id (test/e2e/audit-log.test.ts checks every registered route).
 */
const ROUTE_WORDS = new Set([
  // resources
  "analytics", "audit", "auth", "budgets", "cache", "cli-tools", "combos", "config", "connections", "health", "keys", "logs",
  "models", "monitor", "oauth", "pricing", "providers", "quota", "security", "sessions", "settings", "status", "translate",
  // sub-resources and verbs
  "apply", "complete", "console", "details", "export", "export.csv", "flows", "import", "login", "logout", "network", "password", "preview",
  "prompt-guard", "reconnect", "reset", "revoke-others", "round-trip", "routing", "schema", "session", "start", "stream", "templates", "test",
  "timeseries",
]);

const METHOD_VERBS: Record<string, string> = { GET: "read", HEAD: "read", POST: "create", PUT: "update", PATCH: "update", DELETE: "delete" };

/** Names that read better than the generic ones (a key is revoked, not deleted). */
const EXPLICIT: Record<string, string> = {
  "DELETE keys": "keys.revoke",
  "DELETE auth.sessions": "auth.sessions.revoke",
  "POST auth.password": "auth.password.change",
  "DELETE cache": "cache.clear",
  "POST translate": "translate.run",
};

export interface AuditAction {
  action: string;
  /** The ids the path named, in order (decoded). */
  ids: string[];
}

/** `path` is the URL path (no query), starting with `/api/`. `status` tells a failed login from a good one. */
export function auditActionOf(method: string, path: string, status: number): AuditAction {
  const segments = path.slice("/api/".length).split("/").filter((segment) => segment !== "").map(decodeSegment);
  const words: string[] = [];
  const ids: string[] = [];
  if (segments[0] === "combos" && segments.length > 1 && !(segments.length === 2 && ROUTE_WORDS.has(segments[1]!))) {
    // A combo's name may hold "/": it is the rest of the path, less a final "/test" on a POST.
    words.push("combos");
    const rest = segments.slice(1);
    if (method === "POST" && rest.length > 1 && rest[rest.length - 1] === "test") words.push(rest.pop()!);
    ids.push(rest.join("/"));
  } else {
    for (const [index, segment] of segments.entries()) {
      if (index === 0 || ROUTE_WORDS.has(segment)) words.push(segment);
      else ids.push(segment);
    }
  }
  const last = segments[segments.length - 1];
  const endsWithId = words[0] === "combos" ? ids.length > 0 && words.length === 1 : last !== undefined && !ROUTE_WORDS.has(last) && segments.length > 1;
  const base = words.map((word) => word.replace(/[-.]/g, "_")).join(".") || "api";
  const login = method === "POST" && base === "auth.login";
  if (login) return { action: status < 400 ? "auth.login" : "auth.login_failed", ids };
  const explicit = EXPLICIT[`${method} ${base}`];
  if (explicit) return { action: explicit, ids };
  const verb = METHOD_VERBS[method] ?? method.toLowerCase().replace(/[^a-z]/g, "");
  // POST /api/health/reset, /api/connections/:id/test: the last word is already the verb.
  if (method === "POST" && !endsWithId && words.length > 1) return { action: base, ids };
  return { action: `${base}.${verb}`, ids };
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
