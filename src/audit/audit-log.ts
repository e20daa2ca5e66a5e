import { createLogger } from "../logging/logger";
import { clientAddressOf } from "../security/client-address";
import { redact } from "../security/redact";
import { SESSION_COOKIE, sessionPublicIdOfToken, sessionTokenOf } from "../services/admin-auth-service";
import type { AuditRepo, NewAuditRow } from "../store/repos/audit-repo";
import { auditActionOf } from "./audit-action";
import { readBounded } from "../util/read-bounded";
import { bodyFieldNames, cleanIds, cleanName, errorCodeOf, MAX_AUDITED_BODY_BYTES, type AuditDetail } from "./audit-detail";

const log = createLogger("audit");

const DAY_MS = 24 * 3600_000;
const PRUNE_EVERY_MS = 3600_000;
/** The first prune waits a minute, so a short CLI command never writes for it. */
const FIRST_PRUNE_MS = 60_000;
/** Rows of callers without a session (refused calls, failed logins) kept per minute; the rest are counted in one row. */
const ANONYMOUS_ROWS_PER_MINUTE = 300;
const MAX_ERROR_BODY_BYTES = 16 * 1024;
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export interface AuditSessions {
  /** The public id of the token's session while it is valid, else null. */
  publicIdOf(token: string | undefined): string | null;
}

export interface AuditLogOptions {
  /** settings.security.auditRetentionDays */
  retentionDays: () => number;
  sessions: AuditSessions;
}

/** What the fetch hook learned before the handler ran: who called, and the body as a copy of it is read. */
export interface AuditedCall {
  at: number;
  actor: string;
  /** The body's text; null when it was too large to keep (or unreadable). */
  body: Promise<string | null> | null;
}

/** A row written directly (CLI commands). */
export interface AuditRecord {
  actor: string;
  action: string;
  method: string;
  path: string;
  status: number;
  ip?: string | null;
  userAgent?: string | null;
  fields?: string[];
  ids?: string[];
  error?: string;
}

/** The path of a URL without its query (which may carry a credential). */
function pathOf(url: string): string {
  const start = url.indexOf("/", url.indexOf("//") + 2);
  if (start === -1) return "/";
  const query = url.indexOf("?", start);
  return query === -1 ? url.slice(start) : url.slice(start, query);
}

/**
 * The audit log of the management plane: who (session, anonymous or CLI), what (an action named from the route),
 * when, from where, with which outcome. Records every state-changing /api call, every login attempt, and every
 * /api call refused for want of a session or permission. Never stores a value from a body — only field names,
 * ids from the path and error codes, all redacted.
 */
export class AuditLog {
  readonly #repo: AuditRepo;
  readonly #options: AuditLogOptions;
  readonly #pending = new Set<Promise<void>>();
  #now: () => number = Date.now;
  #stopped = false;
  #timers: Array<ReturnType<typeof setTimeout>> = [];
  #anonymous = { windowStart: 0, rows: 0, dropped: 0 };

  constructor(repo: AuditRepo, options: AuditLogOptions) {
    this.#repo = repo;
    this.#options = options;
    const first = setTimeout(() => {
      this.#pruneQuietly();
      const hourly = setInterval(() => this.#pruneQuietly(), PRUNE_EVERY_MS);
      hourly.unref?.();
      this.#timers.push(hourly);
    }, FIRST_PRUNE_MS);
    first.unref?.();
    this.#timers.push(first);
  }

  /**
   * The server's fetch hook around the management app: hands back the app's response untouched, and audits the
   * call when it is one to record. Anything outside /api costs one prefix test.
   */
  around(request: Request, handle: (request: Request) => Response | Promise<Response>): Response | Promise<Response> {
    const url = request.url;
    const pathStart = url.indexOf("/", url.indexOf("//") + 2);
    if (!url.startsWith("/api/", pathStart)) return handle(request);
    const call = this.begin(request);
    return Promise.resolve(handle(request)).then((response) => {
      this.observe(request, response, call);
      return response;
    });
  }

  /**
   * Before the handler runs: the caller's session (a logout or revocation ends it) and a copy of the body (the
   * handler consumes the original). Null for reads, which are audited only when refused.
   */
  begin(request: Request): AuditedCall | null {
    if (this.#stopped || SAFE_METHODS.has(request.method)) return null;
    try {
      const length = Number(request.headers.get("content-length") ?? 0);
      // A body too large to parse for its field names is not copied. The copy is read alongside the handler, so it
      // never holds more than the limit (reading stops there) and nothing is left buffered once the call is done.
      const body = length > MAX_AUDITED_BODY_BYTES ? null : readBounded(request.clone().body, MAX_AUDITED_BODY_BYTES).catch(() => null);
      return { at: this.#now(), actor: this.#actorOf(request), body };
    } catch (error) {
      log.warn("could not prepare an audit record", { error });
      return null;
    }
  }

  /**
   * After the response: records the call when it is state-changing or was refused (401 / 403). Runs off the
   * response's way: bodies are read from copies, the row is written when they are.
   */
  observe(request: Request, response: Response, call: AuditedCall | null = null): void {
    if (this.#stopped) return;
    const method = request.method;
    const status = response.status;
    if (SAFE_METHODS.has(method) && status !== 401 && status !== 403) return;
    const at = call?.at ?? this.#now();
    const actor = call?.actor ?? (status === 401 ? "anonymous" : this.#actorOf(request));
    const path = pathOf(request.url);
    const { action, ids } = auditActionOf(method, path, status);
    const { ip } = clientAddressOf(request);
    const userAgent = request.headers.get("user-agent");
    const errorCopy = status >= 400 && (response.headers.get("content-type") ?? "").includes("json") ? response.clone() : null;
    const newSession = action === "auth.login" ? sessionOfSetCookie(response.headers.get("set-cookie")) : undefined;
    const work = (async () => {
      const bodyText = call?.body ? await call.body : null;
      const errorText = errorCopy ? await readBounded(errorCopy.body, MAX_ERROR_BODY_BYTES) : null;
      const detail: AuditDetail = {};
      const fields = bodyText ? bodyFieldNames(bodyText) : null;
      if (fields && fields.length > 0) detail.fields = fields;
      if (ids.length > 0) detail.ids = cleanIds(ids);
      const error = errorText ? errorCodeOf(errorText) : undefined;
      if (error) detail.error = error;
      if (newSession) detail.session = newSession;
      this.#write({ at, actor, ip, userAgent, action, method, path, status, detail });
    })()
      .catch((error) => log.warn("could not write an audit record", { action, error }))
      .finally(() => this.#pending.delete(work));
    this.#pending.add(work);
  }

  /** Writes one row for an action outside HTTP (the CLI). */
  record(entry: AuditRecord): void {
    if (this.#stopped) return;
    const detail: AuditDetail = {};
    if (entry.fields?.length) detail.fields = entry.fields.map((name) => cleanName(name, 64));
    if (entry.ids?.length) detail.ids = cleanIds(entry.ids);
    if (entry.error) detail.error = cleanName(entry.error, 64);
    this.#write({ at: this.#now(), ...entry, ip: entry.ip ?? null, userAgent: entry.userAgent ?? null, detail });
  }

  /** Deletes rows older than settings.security.auditRetentionDays; returns how many. */
  prune(): number {
    if (this.#stopped) return 0;
    this.#flushSuppressed(this.#now());
    return this.#repo.pruneOlderThan(this.#now() - this.#options.retentionDays() * DAY_MS);
  }

  /** Resolves when every observed call is written (tests; shutdown). */
  async settled(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all([...this.#pending]);
  }

  /** Tests only: the clock rows are stamped and pruned by. */
  setClock(now: () => number): void {
    this.#now = now;
  }

  /** Stops the prune timer; later calls record nothing. Rows still being read are dropped. */
  stop(): void {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers = [];
    if (!this.#stopped) {
      try {
        this.#flushSuppressed(this.#now());
      } catch (error) {
        log.warn("could not write an audit record", { error });
      }
    }
    this.#stopped = true;
  }

  #actorOf(request: Request): string {
    const token = sessionTokenOf(request);
    const id = token ? this.#options.sessions.publicIdOf(token) : null;
    return id ? `session:${id}` : "anonymous";
  }

  #write(entry: {
    at: number;
    actor: string;
    ip: string | null;
    userAgent: string | null;
    action: string;
    method: string;
    path: string;
    status: number;
    detail: AuditDetail;
  }): void {
    if (this.#stopped) return;
    if (entry.actor === "anonymous" && !this.#admitAnonymous(entry.at)) return;
    const row: NewAuditRow = {
      at: entry.at,
      actor: entry.actor,
      ip: entry.ip === null ? null : cleanName(entry.ip, 64),
      userAgent: entry.userAgent === null ? null : cut(redact(entry.userAgent), 200),
      action: entry.action,
      method: cut(entry.method, 16),
      path: cut(redact(entry.path), 300),
      status: entry.status,
      detailJson: Object.keys(entry.detail).length > 0 ? JSON.stringify(entry.detail) : null,
    };
    this.#repo.insert(row);
  }

  /** The anonymous-row cap: unauthenticated callers must not be able to flood the table. */
  #admitAnonymous(at: number): boolean {
    const window = this.#anonymous;
    if (at - window.windowStart >= 60_000 || at < window.windowStart) {
      this.#flushSuppressed(at);
      window.windowStart = at;
      window.rows = 0;
    }
    if (window.rows >= ANONYMOUS_ROWS_PER_MINUTE) {
      window.dropped += 1;
      return false;
    }
    window.rows += 1;
    return true;
  }

  #flushSuppressed(at: number): void {
    const dropped = this.#anonymous.dropped;
    if (dropped === 0) return;
    this.#anonymous.dropped = 0;
    const detail: AuditDetail = { suppressed: dropped };
    this.#repo.insert({ at, actor: "anonymous", ip: null, userAgent: null, action: "audit.suppressed", method: "-", path: "-", status: 0, detailJson: JSON.stringify(detail) });
  }

  #pruneQuietly(): void {
    try {
      const pruned = this.prune();
      if (pruned > 0) log.debug(`pruned ${pruned} audit row(s) past the retention`);
    } catch (error) {
      log.warn("could not prune the audit log", { error });
    }
  }
}

function cut(text: string, max: number): string {
  return text.length > max ? text.slice(0, max) : text;
}

/** The public id of the session a login's Set-Cookie opened. */
function sessionOfSetCookie(header: string | null): string | undefined {
  const prefix = `${SESSION_COOKIE}=`;
  if (!header?.startsWith(prefix)) return undefined;
  const end = header.indexOf(";");
  const token = header.slice(prefix.length, end === -1 ? undefined : end);
  return token ? sessionPublicIdOfToken(token) : undefined;
}
