import { randomBytes } from "node:crypto";
import { join } from "node:path";
import type { RuntimeConfig } from "../config/runtime-config";
import {
  deriveMasterKey,
  discardNextMasterKey,
  KEY_CHECK_PLAIN,
  KEY_CHECK_SETTING,
  MASTER_KEY_FILE,
  promoteNextMasterKey,
  writeNextMasterKey,
} from "../security/master-key";
import { SecretBox, SecretBoxError } from "../security/secret-box";
import { openAppServices, type AppServices } from "../services/app-services";
import { CliUsageError } from "./parse-cli";

/**
 * Every column holding SecretBox envelopes (besides the settings key check). A new encrypted column must be
 * added here, or a rotation would leave it under a retired key; a test compares this list with the schema.
 */
export const ENCRYPTED_COLUMNS = [{ table: "connections", idColumn: "id", column: "api_key_encrypted", label: "connection API key(s)" }, { table: "connections", idColumn: "id", column: "oauth_encrypted", label: "OAuth token set(s)" }] as const;

/** Points where a test stops the process to prove a crash there loses nothing. */
export interface RotationHooks {
  /** `secret.key.next` is on disk, the database still unchanged (write lock held). */
  afterNextKeyWritten?(): void;
  /** Every secret re-encrypted, the transaction not yet committed. */
  beforeCommit?(): void;
  /** Committed; `secret.key` not yet replaced. */
  afterCommit?(): void;
}

export type RotationTarget = { kind: "file" } | { kind: "env"; secret: string };

export interface RotationSummary {
  reencrypted: Array<{ label: string; count: number }>;
  target: RotationTarget["kind"];
}

export class RotationError extends CliUsageError {
  override name = "RotationError";
}

/**
 * Re-encrypts every stored secret and the key check under a new master key in one transaction. Key file
 * (crash-safe in this order): take the write lock, write `secret.key.next`, re-encrypt, commit, rename it over
 * `secret.key`; a start-up after a crash finishes or undoes it (recoverInterruptedRotation). Env secret: the new
 * key is derived from `target.secret`, and the user switches OMNIROUTE_SECRET afterwards.
 */
export function rotateMasterKey(services: AppServices, target: RotationTarget, hooks: RotationHooks = {}): RotationSummary {
  const newKey = target.kind === "file" ? new Uint8Array(randomBytes(32)) : deriveMasterKey(target.secret);
  const oldBox = services.secretBox;
  const newBox = new SecretBox(newKey);
  const sqlite = services.store.sqlite;
  const reencrypted: RotationSummary["reencrypted"] = [];
  let wroteNextKey = false;
  try {
    sqlite
      .transaction(() => {
        // Under the write lock: another rotation may have committed since this process opened the store.
        const check = services.settingsRepo.get<string>(KEY_CHECK_SETTING);
        if (check !== undefined && !oldBox.opens(check, KEY_CHECK_PLAIN)) {
          throw new RotationError("Another process rotated the master key after this command started. Nothing was changed; run it again.");
        }
        if (target.kind === "file") {
          writeNextMasterKey(services.dataDir, newKey);
          wroteNextKey = true;
          hooks.afterNextKeyWritten?.();
        }
        for (const { table, idColumn, column, label } of ENCRYPTED_COLUMNS) {
          // Identifiers come from the constant list above, never from input; values are bound parameters.
          const rows = sqlite.query<{ id: string; value: string }, []>(`SELECT ${idColumn} AS id, ${column} AS value FROM ${table} WHERE ${column} IS NOT NULL`).all();
          const update = sqlite.query(`UPDATE ${table} SET ${column} = ? WHERE ${idColumn} = ?`);
          for (const row of rows) update.run(newBox.encrypt(oldBox.decrypt(row.value)), row.id);
          reencrypted.push({ label, count: rows.length });
        }
        services.settingsRepo.set(KEY_CHECK_SETTING, newBox.encrypt(KEY_CHECK_PLAIN));
        hooks.beforeCommit?.();
      })
      .immediate();
  } catch (error) {
    // Rolled back: the database is still under the old key, so the new one must not survive.
    if (wroteNextKey) discardNextMasterKey(services.dataDir);
    if (error instanceof SecretBoxError) {
      throw new RotationError("A stored secret could not be decrypted with the current master key, so nothing was changed. Check the database with the key it was created with.");
    }
    throw error;
  }
  hooks.afterCommit?.();
  if (target.kind === "file") promoteNextMasterKey(services.dataDir);
  // This process's services (and anything sharing the box) continue under the new key.
  oldBox.replaceKey(newKey);
  services.connections.reload();
  return { reencrypted, target: target.kind };
}

/** `omniroute secret rotate [--new-secret-env NAME]`. */
export function secretCommand(config: RuntimeConfig, action: string | undefined, flags: { newSecretEnv?: string }, env: NodeJS.ProcessEnv): number {
  if (action !== "rotate") throw new CliUsageError("Usage: omniroute secret rotate [--data-dir D] [--new-secret-env NAME]");
  const target = rotationTarget(config, flags.newSecretEnv, env);
  const services = openAppServices({ dataDir: config.dataDir, secret: config.secret });
  let summary: RotationSummary;
  try {
    summary = rotateMasterKey(services, target);
    // Which kind of key, never a value.
    services.audit.record({ actor: "cli", action: "secret.rotate", method: "CLI", path: "omniroute secret rotate", status: 200, fields: [target.kind === "file" ? "keyFile" : "envSecret"] });
  } finally {
    services.close();
  }
  const counts = summary.reencrypted.map(({ label, count }) => `${count} ${label}`).join(", ");
  console.log(`Master key rotated: re-encrypted ${counts} and the key check, in one transaction.`);
  if (summary.target === "file") {
    console.log(
      `The new key is in ${join(config.dataDir, MASTER_KEY_FILE)}; the old one is gone. Back the new file up together with the database ` +
        "(older backups of secret.key do not open it any more). A gateway running on this data dir switches to the new key by itself.",
    );
  } else {
    console.log(
      `Now set OMNIROUTE_SECRET to the value of ${flags.newSecretEnv} wherever OmniRoute runs with this data dir, and restart it. ` +
        "Until then a gateway started with the old secret keeps serving requests but refuses connection changes.",
    );
  }
  return 0;
}

function rotationTarget(config: RuntimeConfig, newSecretEnv: string | undefined, env: NodeJS.ProcessEnv): RotationTarget {
  if (!config.secret) {
    if (newSecretEnv !== undefined) {
      throw new CliUsageError(
        `--new-secret-env is for data dirs keyed by OMNIROUTE_SECRET; this one uses ${join(config.dataDir, MASTER_KEY_FILE)}, which the ` +
          "rotation replaces with a new random key. Run omniroute secret rotate without it (or with OMNIROUTE_SECRET set if that is how you start OmniRoute).",
      );
    }
    return { kind: "file" };
  }
  if (newSecretEnv === undefined) {
    throw new CliUsageError(
      "This data dir's master key comes from OMNIROUTE_SECRET, so the new one must too: put the new secret (16+ characters) in another " +
        "environment variable and run omniroute secret rotate --new-secret-env NAME.",
    );
  }
  const secret = env[newSecretEnv];
  if (!secret) throw new CliUsageError(`Environment variable ${newSecretEnv} is not set or empty: put the new secret (16+ characters) in it.`);
  if (secret.length < 16) throw new CliUsageError(`The new secret in ${newSecretEnv} must be at least 16 characters.`);
  if (secret === config.secret) throw new CliUsageError(`The new secret in ${newSecretEnv} is the same as OMNIROUTE_SECRET: choose a different one.`);
  return { kind: "env", secret };
}
