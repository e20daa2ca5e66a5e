import { createHash, randomBytes } from "node:crypto";
import { addressGroupOf } from "../security/cidr";
import type { AdminSessionRow, AdminSessionsRepo } from "../store/repos/admin-sessions-repo";
import type { SettingsRepo } from "../store/repos/settings-repo";

const PASSWORD_KEY = "admin.passwordHash";
const SESSION_TTL_MS = 7 * 24 * 3600_000;
/** Failed logins from all addresses together may reach this many times the per-address limit in one window. */
const GLOBAL_FAILURE_FACTOR = 10;
/** Above this many tracked addresses, stale entries are swept on the next failure. */
const SWEEP_AT = 1_000;

/** settings.security.login */
export interface LoginLimits {
  maxFailures: number;
  windowMinutes: number;
}

const DEFAULT_LOGIN_LIMITS: LoginLimits = { maxFailures: 10, windowMinutes: 15 };

/** Why logins are refused for now: too many failures from this address, or from all addresses together. */
export interface Lockout {
  scope: "address" | "global";
  retryAfterSeconds: number;
}

/** A dashboard session as the sessions API shows it: a public id that cannot be turned back into the cookie. */
export interface AdminSessionView {
  id: string;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
  ip: string | null;
  userAgent: string | null;
  current: boolean;
}

interface FailureWindow {
  count: number;
  firstAt: number;
}

const sha256 = (value: string) => createHash("sha256").update(value).digest("hex");

/** The cookie that carries a dashboard session's token. */
export const SESSION_COOKIE = "omniroute_session";

export function readCookie(header: string | null, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq !== -1 && part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        // A malformed escape is no token of ours.
        return undefined;
      }
    }
  }
  return undefined;
}

/** The dashboard session token a request carries, if any. */
export function sessionTokenOf(request: Request): string | undefined {
  return readCookie(request.headers.get("cookie"), SESSION_COOKIE);
}

/**
 * The id shown for a session (sessions API, audit actor): a domain-separated hash of the stored id, itself the
 * SHA-256 of the cookie token — so neither the list nor the audit log can be turned back into a cookie.
 */
export function sessionPublicId(storedId: string): string {
  return createHash("sha256").update("omniroute-session-public-id\0").update(storedId).digest("hex").slice(0, 16);
}

/** The public id of the session a cookie token opens (whether or not it is still valid). */
export function sessionPublicIdOfToken(token: string): string {
  return sessionPublicId(sha256(token));
}

export function generatePassword(): string {
  return randomBytes(15).toString("base64url");
}

/** Dashboard login: one admin password (argon2id), cookie sessions stored hashed, lock-out after repeated failures. */
export class AdminAuthService {
  #failures = new Map<string, FailureWindow>();
  #globalFailures: FailureWindow | null = null;
  /** First-start hashing runs in the background (argon2id takes ~150 ms); logins wait for it. */
  #pendingHash: Promise<void> | null = null;

  constructor(
    private readonly settings: SettingsRepo,
    private readonly sessions: AdminSessionsRepo,
    private readonly loginLimits: () => LoginLimits = () => DEFAULT_LOGIN_LIMITS,
  ) {}

  hasPassword(): boolean {
    return this.#pendingHash !== null || this.settings.get<string>(PASSWORD_KEY) !== undefined;
  }

  /**
   * Makes sure a password exists. Returns the generated one when none was given and none existed,
   * so the caller can print it exactly once.
   */
  ensurePassword(initialPassword?: string): { generated: string | null } {
    if (this.hasPassword()) return { generated: null };
    const password = initialPassword ?? generatePassword();
    this.#pendingHash = this.setPassword(password).finally(() => {
      this.#pendingHash = null;
    });
    return { generated: initialPassword ? null : password };
  }

  /** Resolves once a password set at start-up is stored. */
  async whenReady(): Promise<void> {
    await this.#pendingHash;
  }

  async setPassword(password: string): Promise<void> {
    if (password.length < 8) throw new Error("The password must be at least 8 characters.");
    this.settings.set(PASSWORD_KEY, await Bun.password.hash(password, { algorithm: "argon2id" }));
    // A new password ends every existing session.
    this.sessions.deleteAll();
  }

  /**
   * A password change from the dashboard: every session ends, and the caller gets a fresh one (a new token, so a
   * cookie copied before the change is worthless) and stays signed in.
   */
  async changePassword(newPassword: string, meta: { ip: string | null; userAgent: string | null }): Promise<{ token: string; maxAgeSeconds: number }> {
    await this.setPassword(newPassword);
    return this.createSession(meta);
  }

  async verifyPassword(password: string): Promise<boolean> {
    await this.#pendingHash;
    const hash = this.settings.get<string>(PASSWORD_KEY);
    if (!hash) return false;
    return Bun.password.verify(password, hash);
  }

  /** Whether logins are refused right now for this address (null: the address is unknown), and for how long. */
  lockout(ip: string | null, now = Date.now()): Lockout | null {
    const { maxFailures, windowMinutes } = this.loginLimits();
    const windowMs = windowMinutes * 60_000;
    const waitFor = (entry: FailureWindow | null | undefined, limit: number) =>
      entry && now - entry.firstAt <= windowMs && entry.count >= limit ? Math.max(1, Math.ceil((entry.firstAt + windowMs - now) / 1000)) : 0;
    const address = waitFor(this.#failures.get(addressKey(ip)), maxFailures);
    const global = waitFor(this.#globalFailures, maxFailures * GLOBAL_FAILURE_FACTOR);
    if (address === 0 && global === 0) return null;
    return address >= global ? { scope: "address", retryAfterSeconds: address } : { scope: "global", retryAfterSeconds: global };
  }

  /** Seconds to wait before another attempt is allowed from this address, or 0. */
  lockedFor(ip: string | null, now = Date.now()): number {
    return this.lockout(ip, now)?.retryAfterSeconds ?? 0;
  }

  recordFailure(ip: string | null, now = Date.now()): void {
    const windowMs = this.loginLimits().windowMinutes * 60_000;
    const bump = (entry: FailureWindow | null | undefined): FailureWindow => {
      if (!entry || now - entry.firstAt > windowMs) return { count: 1, firstAt: now };
      entry.count += 1;
      return entry;
    };
    if (this.#failures.size >= SWEEP_AT) {
      for (const [key, entry] of this.#failures) if (now - entry.firstAt > windowMs) this.#failures.delete(key);
    }
    const key = addressKey(ip);
    this.#failures.set(key, bump(this.#failures.get(key)));
    this.#globalFailures = bump(this.#globalFailures);
  }

  /** A successful login lifts this address's count; the global count runs out with its window. */
  clearFailures(ip: string | null): void {
    this.#failures.delete(addressKey(ip));
  }

  /**
   * Starts a password check: refused (the lock-out returned) while locked out, else counted as a failure at once —
   * so parallel guesses cannot all slip in while the first hash is still being checked — until
   * {@link attemptSucceeded} takes it back.
   */
  startAttempt(ip: string | null, now = Date.now()): Lockout | null {
    const locked = this.lockout(ip, now);
    if (!locked) this.recordFailure(ip, now);
    return locked;
  }

  /** The password was right: this address starts over, and the attempt no longer counts globally. */
  attemptSucceeded(ip: string | null): void {
    this.clearFailures(ip);
    if (this.#globalFailures && this.#globalFailures.count > 0) this.#globalFailures.count -= 1;
  }

  /** Forgets every failure count (tests; a restart does the same). */
  resetLockouts(): void {
    this.#failures.clear();
    this.#globalFailures = null;
  }

  createSession(meta: { ip: string | null; userAgent: string | null }): { token: string; maxAgeSeconds: number } {
    const token = randomBytes(32).toString("base64url");
    const now = Date.now();
    this.sessions.pruneExpired(now);
    this.sessions.insert({
      id: sha256(token),
      createdAt: now,
      lastSeenAt: now,
      expiresAt: now + SESSION_TTL_MS,
      ip: meta.ip,
      userAgent: meta.userAgent?.slice(0, 300) ?? null,
    });
    return { token, maxAgeSeconds: SESSION_TTL_MS / 1000 };
  }

  validateSession(token: string | undefined): boolean {
    const row = this.#liveRow(token);
    if (!row) return false;
    const now = Date.now();
    // Sliding expiry, written at most once a minute per session.
    if (now - row.lastSeenAt > 60_000) this.sessions.touch(row.id, now, now + SESSION_TTL_MS);
    return true;
  }

  /** The public id of the token's session when it is valid, else null. Reads only (no sliding expiry). */
  publicIdOf(token: string | undefined): string | null {
    const row = this.#liveRow(token);
    return row ? sessionPublicId(row.id) : null;
  }

  endSession(token: string | undefined): void {
    if (token) this.sessions.delete(sha256(token));
  }

  /** Live sessions, oldest first; `current` marks the one the token belongs to. */
  listSessions(currentToken: string | undefined): AdminSessionView[] {
    const currentId = currentToken ? sha256(currentToken) : null;
    return this.sessions.listActive(Date.now()).map((row) => ({
      id: sessionPublicId(row.id),
      createdAt: new Date(row.createdAt).toISOString(),
      lastSeenAt: new Date(row.lastSeenAt).toISOString(),
      expiresAt: new Date(row.expiresAt).toISOString(),
      ip: row.ip,
      userAgent: row.userAgent,
      current: row.id === currentId,
    }));
  }

  /** Ends the live session with this public id; false when there is none. */
  revokeSession(publicId: string): boolean {
    const row = this.sessions.listActive(Date.now()).find((candidate) => sessionPublicId(candidate.id) === publicId);
    return row ? this.sessions.delete(row.id) : false;
  }

  /** Ends every session but the token's own; returns how many live ones ended. */
  revokeOtherSessions(currentToken: string): number {
    return this.sessions.deleteAllExcept(sha256(currentToken), Date.now());
  }

  #liveRow(token: string | undefined): AdminSessionRow | null {
    if (!token || token.length > 200) return null;
    const row = this.sessions.get(sha256(token));
    return row && row.expiresAt >= Date.now() ? row : null;
  }
}

/** Requests whose address the runtime could not tell share one count. */
/** Failures count per address, an IPv6 one per /64 network (a client holding a /64 must not get a fresh count per address). */
function addressKey(ip: string | null): string {
  return addressGroupOf(ip);
}
