import { hkdfSync, randomBytes } from "node:crypto";
import { closeSync, existsSync, openSync, readFileSync, writeSync } from "node:fs";
import { join } from "node:path";

export const MASTER_KEY_FILE = "secret.key";

/**
 * The master key encrypts provider credentials. It comes from OMNIROUTE_SECRET when set (derived with
 * HKDF so any long string works), else from `<dataDir>/secret.key`, created on first start with mode 0600.
 */
export function loadMasterKey(dataDir: string, secret?: string): { key: Uint8Array; source: "env" | "file" | "new-file" } {
  if (secret) {
    return { key: new Uint8Array(hkdfSync("sha256", secret, "omniroute", "master-key", 32)), source: "env" };
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
