import { hkdfSync, randomBytes } from "node:crypto";
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from "node:fs";
import { join } from "node:path";
import { SecretBox, SecretBoxError } from "./secret-box";

export const MASTER_KEY_FILE = "secret.key";
/** The key a rotation is moving to: written before the database changes, renamed over secret.key after. */
export const NEXT_MASTER_KEY_FILE = "secret.key.next";

/** Settings row holding a known value encrypted with the master key: proves which key the database needs. */
export const KEY_CHECK_SETTING = "secret.keyCheck";
export const KEY_CHECK_PLAIN = "omniroute-master-key-check";

/** A master key from an OMNIROUTE_SECRET-style string (HKDF, so any long string works). */
export function deriveMasterKey(secret: string): Uint8Array {
  return new Uint8Array(hkdfSync("sha256", secret, "omniroute", "master-key", 32));
}

/**
 * The master key encrypts provider credentials. It comes from OMNIROUTE_SECRET when set (derived with
 * HKDF so any long string works), else from `<dataDir>/secret.key`, created on first start with mode 0600.
 */
export function loadMasterKey(dataDir: string, secret?: string): { key: Uint8Array; source: "env" | "file" | "new-file" } {
  if (secret) {
    return { key: deriveMasterKey(secret), source: "env" };
  }
  const path = join(dataDir, MASTER_KEY_FILE);
  if (existsSync(path)) {
    const key = Buffer.from(readFileSync(path, "utf8").trim(), "base64");
    if (key.byteLength !== 32) throw new Error(`${path} is not a valid OmniRoute master key (expected 32 base64 bytes).`);
    return { key: new Uint8Array(key), source: "file" };
  }
  const key = randomBytes(32);
  // 'wx' fails if another process created it meanwhile; mode applies at creation so the key is never world-readable.
  const fd = openSync(path, "wx", 0o600);
  try {
    writeSync(fd, `${key.toString("base64")}\n`);
  } finally {
    closeSync(fd);
  }
  return { key: new Uint8Array(key), source: "new-file" };
}

/** A key file's key, or null when it is missing, truncated or not a key (a crash may leave a partial file). */
function readKeyFileIfValid(path: string): Uint8Array | null {
  try {
    const key = Buffer.from(readFileSync(path, "utf8").trim(), "base64");
    return key.byteLength === 32 ? new Uint8Array(key) : null;
  } catch {
    return null;
  }
}

/** Whether `key` decrypts the stored key check (the database's secrets are encrypted with it). */
export function keyOpensCheck(key: Uint8Array, check: string): boolean {
  try {
    return new SecretBox(key).decrypt(check) === KEY_CHECK_PLAIN;
  } catch (error) {
    if (error instanceof SecretBoxError) return false;
    throw error;
  }
}

/** Makes a rename or a new file in `dir` durable (POSIX; Windows cannot open a directory and needs no fsync). */
function syncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, "r");
    fsyncSync(fd);
  } catch {
    // best effort
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Writes `secret.key.next` (mode 0600, flushed to disk) for a rotation; replaces a stale one. */
export function writeNextMasterKey(dataDir: string, key: Uint8Array): void {
  const path = join(dataDir, NEXT_MASTER_KEY_FILE);
  // A leftover file could have another mode; a fresh one gets 0600 at creation.
  if (existsSync(path)) unlinkSync(path);
  const fd = openSync(path, "wx", 0o600);
  try {
    writeSync(fd, `${Buffer.from(key).toString("base64")}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  syncDirectory(dataDir);
}

/**
 * Renames `secret.key.next` over `secret.key` (atomic) once the database is re-encrypted. Idempotent: when the
 * file is already gone, another process (a start-up that found the committed rotation) promoted it.
 */
export function promoteNextMasterKey(dataDir: string): void {
  try {
    renameSync(join(dataDir, NEXT_MASTER_KEY_FILE), join(dataDir, MASTER_KEY_FILE));
  } catch (error) {
    if ((error as { code?: string }).code !== "ENOENT") throw error;
  }
  syncDirectory(dataDir);
}

/** Removes `secret.key.next` (a rotation that did not commit). */
export function discardNextMasterKey(dataDir: string): void {
  try {
    unlinkSync(join(dataDir, NEXT_MASTER_KEY_FILE));
  } catch (error) {
    if ((error as { code?: string }).code !== "ENOENT") throw error;
  }
}

/**
 * Finishes or undoes a key-file rotation that a crash interrupted, before the key is loaded: whichever of
 * `secret.key.next` and `secret.key` decrypts the stored key check is the key the database is encrypted with.
 * Next opens it → the re-encryption committed, the rename did not happen: promote. The current key opens it →
 * the transaction never committed: drop next. Neither → leave both files for the key check to report.
 * `exclusive` runs the decision under the database write lock, so it never races a rotation in progress
 * (which holds that lock from writing next until it commits).
 */
export function recoverInterruptedRotation(
  dataDir: string,
  readCheck: () => string | undefined,
  exclusive: (work: () => void) => void,
): "none" | "completed" | "discarded" | "unresolved" {
  if (!existsSync(join(dataDir, NEXT_MASTER_KEY_FILE))) return "none";
  let outcome: "none" | "completed" | "discarded" | "unresolved" = "none";
  exclusive(() => {
    if (!existsSync(join(dataDir, NEXT_MASTER_KEY_FILE))) return;
    const next = readKeyFileIfValid(join(dataDir, NEXT_MASTER_KEY_FILE));
    const current = readKeyFileIfValid(join(dataDir, MASTER_KEY_FILE));
    const check = readCheck();
    if (check === undefined) {
      // No secret was ever stored under either key: keep the one there is.
      if (current) discardNextMasterKey(dataDir);
      else if (next) promoteNextMasterKey(dataDir);
      outcome = current ? "discarded" : next ? "completed" : "unresolved";
      return;
    }
    if (next && keyOpensCheck(next, check)) {
      promoteNextMasterKey(dataDir);
      outcome = "completed";
    } else if (current && keyOpensCheck(current, check)) {
      discardNextMasterKey(dataDir);
      outcome = "discarded";
    } else {
      outcome = "unresolved";
    }
  });
  return outcome;
}

/** `current`: the key in memory opens the stored check. `followed`: it did not, and a rotated key file did. */
export type MasterKeyState = "current" | "followed" | "stale";

/**
 * Keeps a long-running process (the gateway) on the key the database is encrypted with while
 * `omniroute secret rotate` runs beside it: writes of secrets check the stored key check first and, when another
 * process rotated the key file, switch the shared SecretBox to the new key. A process keyed by OMNIROUTE_SECRET
 * cannot learn the new secret: it becomes `stale` and must not write secrets until restarted.
 */
export interface MasterKeyGuard {
  follow(): MasterKeyState;
  /** Runs `work` holding the database write lock, so no rotation commits between the check and the write. */
  exclusive<T>(work: () => T): T;
}

export function createMasterKeyGuard(options: {
  dataDir: string;
  fromEnv: boolean;
  box: SecretBox;
  readCheck: () => string | undefined;
  exclusive: <T>(work: () => T) => T;
}): MasterKeyGuard {
  // The stored check last seen to open with the key in memory: unchanged → nothing to decrypt.
  let verified: string | undefined;
  return {
    exclusive: options.exclusive,
    follow() {
      const check = options.readCheck();
      if (check === undefined || check === verified) return "current";
      if (options.box.opens(check, KEY_CHECK_PLAIN)) {
        verified = check;
        return "current";
      }
      if (options.fromEnv) return "stale";
      // Between the rotation's commit and its rename the new key is still in secret.key.next.
      for (const file of [NEXT_MASTER_KEY_FILE, MASTER_KEY_FILE]) {
        const key = readKeyFileIfValid(join(options.dataDir, file));
        if (key && keyOpensCheck(key, check)) {
          options.box.replaceKey(key);
          verified = check;
          return "followed";
        }
      }
      return "stale";
    },
  };
}
