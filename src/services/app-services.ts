import { AuditLog } from "../audit/audit-log";
import { ProviderRegistry } from "../providers/provider-registry";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { createMasterKeyGuard, KEY_CHECK_PLAIN, KEY_CHECK_SETTING, loadMasterKey, MASTER_KEY_FILE, recoverInterruptedRotation } from "../security/master-key";
import { SecretBox, SecretBoxError } from "../security/secret-box";
import { openStore, type Store } from "../store/db";
import { AdminSessionsRepo } from "../store/repos/admin-sessions-repo";
import { ApiKeysRepo } from "../store/repos/api-keys-repo";
import { AuditRepo } from "../store/repos/audit-repo";
import { CombosRepo } from "../store/repos/combos-repo";
import { ConnectionsRepo } from "../store/repos/connections-repo";
import { RequestLogsRepo } from "../store/repos/request-logs-repo";
import { SettingsRepo } from "../store/repos/settings-repo";
import { AdminAuthService } from "./admin-auth-service";
import { ApiKeyService } from "./api-key-service";
import { ComboService } from "./combo-service";
import { ConnectionService } from "./connection-service";
import { SettingsService } from "./settings-service";

/** Everything that holds state, opened once per process and shared by the server and the CLI commands. */
export interface AppServices {
  dataDir: string;
  store: Store;
  registry: ProviderRegistry;
  secretBox: SecretBox;
  settingsRepo: SettingsRepo;
  requestLogsRepo: RequestLogsRepo;
  settings: SettingsService;
  connections: ConnectionService;
  combos: ComboService;
  apiKeys: ApiKeyService;
  adminAuth: AdminAuthService;
  /** The management plane's audit log (src/audit/audit-log.ts). */
  audit: AuditLog;
  /** Re-reads cached state when another process (e.g. `omniroute config import`) changed the store. */
  reloadIfChangedExternally(): boolean;
  close(): void;
}

export class MasterKeyMismatchError extends Error {
  override name = "MasterKeyMismatchError";
}

export function openAppServices(options: { dataDir: string; secret?: string }): AppServices {
  const store = openStore(options.dataDir);
  try {
    const settingsRepo = new SettingsRepo(store.db);
    const exclusive = <T>(work: () => T): T => store.sqlite.transaction(work).immediate() as T;
    // A crash during `omniroute secret rotate` is finished or undone before the key is loaded.
    if (!options.secret) recoverInterruptedRotation(options.dataDir, () => settingsRepo.get<string>(KEY_CHECK_SETTING), exclusive);
    // An existing database without its key file must not get a fresh random key: that would lose every secret.
    if (!options.secret && !existsSync(join(options.dataDir, MASTER_KEY_FILE)) && settingsRepo.get(KEY_CHECK_SETTING) !== undefined) {
      throw new MasterKeyMismatchError(
        `${join(options.dataDir, MASTER_KEY_FILE)} is missing, but this database holds credentials encrypted with it. ` +
          "Restore the file from your backup, or set OMNIROUTE_SECRET to the secret it was created from.",
      );
    }
    const { key } = loadMasterKey(options.dataDir, options.secret);
    const secretBox = new SecretBox(key);
    verifyMasterKey(settingsRepo, secretBox, options.secret !== undefined);
    const registry = new ProviderRegistry();
    const settings = new SettingsService(settingsRepo);
    const keyGuard = createMasterKeyGuard({
      dataDir: options.dataDir,
      fromEnv: options.secret !== undefined,
      box: secretBox,
      readCheck: () => settingsRepo.get<string>(KEY_CHECK_SETTING),
      exclusive,
    });
    const connections = new ConnectionService(new ConnectionsRepo(store.db), registry, secretBox, keyGuard);
    const combos = new ComboService(new CombosRepo(store.db), registry, connections);
    const apiKeys = new ApiKeyService(new ApiKeysRepo(store.db));
    const adminAuth = new AdminAuthService(settingsRepo, new AdminSessionsRepo(store.db), () => settings.get().security.login);
    const audit = new AuditLog(new AuditRepo(store.db, store.sqlite), { retentionDays: () => settings.get().security.auditRetentionDays, sessions: adminAuth });
    const dataVersion = store.sqlite.query<{ data_version: number }, []>("PRAGMA data_version");
    let lastVersion = dataVersion.get()!.data_version;
    return {
      dataDir: options.dataDir,
      store,
      registry,
      secretBox,
      settingsRepo,
      requestLogsRepo: new RequestLogsRepo(store.db, store.sqlite),
      settings,
      connections,
      combos,
      apiKeys,
      adminAuth,
      audit,
      reloadIfChangedExternally() {
        // data_version changes only when another connection commits, so our own writes don't trigger reloads.
        const current = dataVersion.get()!.data_version;
        if (current === lastVersion) return false;
        lastVersion = current;
        settings.reload();
        connections.reload();
        combos.reload();
        apiKeys.reload();
        return true;
      },
      close() {
        audit.stop();
        store.close();
      },
    };
  } catch (error) {
    store.close();
    throw error;
  }
}

/** A known value encrypted with the master key proves at start-up that stored secrets can be decrypted. */
function verifyMasterKey(settingsRepo: SettingsRepo, secretBox: SecretBox, fromEnv: boolean): void {
  const check = settingsRepo.get<string>(KEY_CHECK_SETTING);
  if (check === undefined) {
    settingsRepo.set(KEY_CHECK_SETTING, secretBox.encrypt(KEY_CHECK_PLAIN));
    return;
  }
  try {
    if (secretBox.decrypt(check) === KEY_CHECK_PLAIN) return;
  } catch (error) {
    if (!(error instanceof SecretBoxError)) throw error;
  }
  throw new MasterKeyMismatchError(
    fromEnv
      ? "OMNIROUTE_SECRET does not match the key this database's credentials were encrypted with. Start with the original secret."
      : "The master key file (secret.key in the data dir) does not match this database. Restore the original secret.key or set OMNIROUTE_SECRET to the original secret.",
  );
}
