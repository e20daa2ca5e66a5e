import { createHash, randomBytes } from "node:crypto";
import type { AdminSessionsRepo } from "../store/repos/admin-sessions-repo";
import type { SettingsRepo } from "../store/repos/settings-repo";

const PASSWORD_KEY = "admin.passwordHash";
const SESSION_TTL_MS = 7 * 24 * 3600_000;
const MAX_FAILURES = 10;
const FAILURE_WINDOW_MS = 15 * 60_000;

const sha256 = (value: string) => createHash("sha256").update(value).digest("hex");

export function generatePassword(): string {
  return randomBytes(15).toString("base64url");
}

/** Dashboard login: one admin password (argon2id), cookie sessions stored hashed, lock-out after repeated failures. */
export class AdminAuthService {
  #failures = new Map<string, { count: number; firstAt: number }>();
  /** First-start hashing runs in the background (argon2id takes ~150 ms); logins wait for it. */
  #pendingHash: Promise<void> | null = null;

  constructor(
    private readonly settings: SettingsRepo,
    private readonly sessions: AdminSessionsRepo,
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

  async verifyPassword(password: string): Promise<boolean> {
    await this.#pendingHash;
    const hash = this.settings.get<string>(PASSWORD_KEY);
    if (!hash) return false;
    return Bun.password.verify(password, hash);
  }

  /** Seconds to wait before another attempt is allowed from this address, or 0. */
  lockedFor(ip: string, now = Date.now()): number {
    const entry = this.#failures.get(ip);
    if (!entry || now - entry.firstAt > FAILURE_WINDOW_MS) return 0;
    return entry.count >= MAX_FAILURES ? Math.ceil((entry.firstAt + FAILURE_WINDOW_MS - now) / 1000) : 0;
  }

  recordFailure(ip: string, now = Date.now()): void {
    const entry = this.#failures.get(ip);
    if (!entry || now - entry.firstAt > FAILURE_WINDOW_MS) this.#failures.set(ip, { count: 1, firstAt: now });
    else entry.count += 1;
  }

  clearFailures(ip: string): void {
    this.#failures.delete(ip);
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
    if (!token || token.length > 200) return false;
    const id = sha256(token);
    const row = this.sessions.get(id);
    const now = Date.now();
    if (!row || row.expiresAt < now) return false;
    // Sliding expiry, written at most once a minute per session.
    if (now - row.lastSeenAt > 60_000) this.sessions.touch(id, now, now + SESSION_TTL_MS);
    return true;
  }

  endSession(token: string | undefined): void {
    if (token) this.sessions.delete(sha256(token));
  }
}
