import { readFileSync, writeFileSync } from "node:fs";
import { ConfigError, resolveRuntimeConfig, type RuntimeConfig } from "../config/runtime-config";
import { configDocumentJsonSchema } from "../config-file/config-document-schema";
import { exportConfig } from "../config-file/export-config";
import { checkImportBaseUrls, ConfigImportError, importConfig } from "../config-file/import-config";
import { PassphraseError } from "../config-file/passphrase-seal";
import { VERSION } from "../platform/version";
import { generatePassword } from "../services/admin-auth-service";
import { MasterKeyMismatchError, openAppServices, type AppServices } from "../services/app-services";
import { StoreError } from "../store/db";
import { HELP_TEXT } from "./help-text";
import { CliUsageError, parseCli, type ParsedCli } from "./parse-cli";
import { secretCommand } from "./rotate-secret-command";
import { serveCommand } from "./serve-command";

function readPassphrase(flags: ParsedCli["flags"], env: NodeJS.ProcessEnv): string | undefined {
  if (flags.passphraseFile) return readFileSync(flags.passphraseFile, "utf8").replace(/\r?\n$/, "");
  return env.OMNIROUTE_PASSPHRASE || undefined;
}

function withServices<T>(config: RuntimeConfig, run: (services: AppServices) => T): T {
  const services = openAppServices({ dataDir: config.dataDir, secret: config.secret });
  try {
    return run(services);
  } finally {
    services.close();
  }
}

/** Dispatches a command line; returns the process exit code. Expected failures print one clear line. */
export async function runCli(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  try {
    // Files we create (database, WAL, key, exports) are private to the user. (Windows has no umask.)
    if (process.platform !== "win32") process.umask(0o077);
    const { command, flags } = parseCli(argv);
    if (flags.help) {
      console.log(HELP_TEXT);
      return 0;
    }
    if (flags.version) {
      console.log(VERSION);
      return 0;
    }
    const config = resolveRuntimeConfig(flags, env);
    const [group, action, arg] = command;
    switch (group) {
      case undefined:
      case "serve":
        return await serveCommand(config);
      case "config":
        return await configCommand(config, action, arg, flags, env);
      case "keys":
        return keysCommand(config, action, arg);
      case "password":
        return await passwordCommand(config, action);
      case "secret":
        return secretCommand(config, action, flags, env);
      default:
        throw new CliUsageError(`Unknown command "${command.join(" ")}". See omniroute --help.`);
    }
  } catch (error) {
    if (
      error instanceof CliUsageError ||
      error instanceof ConfigError ||
      error instanceof StoreError ||
      error instanceof MasterKeyMismatchError ||
      error instanceof ConfigImportError ||
      error instanceof PassphraseError
    ) {
      console.error(`omniroute: ${error.message}`);
      return 2;
    }
    const code = (error as { code?: string }).code;
    if (code === "EADDRINUSE") {
      console.error("omniroute: the port is already in use. Is OmniRoute already running? Choose another with --port.");
      return 2;
    }
    if (code === "ENOENT" || code === "EACCES") {
      console.error(`omniroute: ${(error as Error).message}`);
      return 2;
    }
    throw error;
  }
}

async function configCommand(config: RuntimeConfig, action: string | undefined, file: string | undefined, flags: ParsedCli["flags"], env: NodeJS.ProcessEnv): Promise<number> {
  if (action === "export") {
    const passphrase = flags.includeSecrets ? readPassphrase(flags, env) : undefined;
    if (flags.includeSecrets && !passphrase) {
      throw new CliUsageError("--include-secrets needs a passphrase: --passphrase-file F or env OMNIROUTE_PASSPHRASE.");
    }
    const document = withServices(config, (services) => {
      const exported = exportConfig(services, { includeSecrets: flags.includeSecrets, passphrase });
      // Like POST /api/config/export: which parts went out (an export with secrets is worth knowing of), never values.
      services.audit.record({ actor: "cli", action: "config.export", method: "CLI", path: "omniroute config export", status: 200, fields: flags.includeSecrets ? ["includeSecrets"] : [] });
      return exported;
    });
    const json = `${JSON.stringify(document, null, 2)}\n`;
    if (flags.out) {
      writeFileSync(flags.out, json, { mode: 0o600 });
      console.error(`Exported ${document.connections?.length ?? 0} connection(s) and ${document.apiKeys?.length ?? 0} key(s) to ${flags.out}.`);
    } else {
      process.stdout.write(json);
    }
    return 0;
  }
  if (action === "import") {
    if (!file) throw new CliUsageError("Usage: omniroute config import FILE");
    let document: unknown;
    try {
      document = JSON.parse(readFileSync(file, "utf8"));
    } catch (error) {
      if ((error as { code?: string }).code === "ENOENT") throw new CliUsageError(`No such file: ${file}`);
      throw new ConfigImportError(`${file} is not valid JSON: ${(error as Error).message}`);
    }
    await checkImportBaseUrls(document);
    const summary = withServices(config, (services) => {
      const audit = (status: number, error?: string) =>
        services.audit.record({ actor: "cli", action: "config.import", method: "CLI", path: "omniroute config import", status, fields: documentParts(document), ...(error ? { error } : {}) });
      try {
        const imported = importConfig(services, document, { passphrase: readPassphrase(flags, env), replace: flags.replace });
        audit(200);
        return imported;
      } catch (error) {
        // Refused documents are recorded like a refused POST /api/config/import; the import itself wrote nothing.
        if (error instanceof ConfigImportError) audit(400, "invalid_config");
        throw error;
      }
    });
    console.log(
      `Imported: ${summary.connections.created} connection(s) created, ${summary.connections.updated} updated; ` +
        `${summary.combos.created} combo(s) created, ${summary.combos.updated} updated; ` +
        `${summary.apiKeys.created} key(s) added, ${summary.apiKeys.skipped} already present` +
        `${summary.settings ? "; settings replaced" : ""}${summary.secretsApplied ? `; ${summary.secretsApplied} encrypted secret(s) restored` : ""}.`,
    );
    return 0;
  }
  if (action === "schema") {
    process.stdout.write(`${JSON.stringify(configDocumentJsonSchema(), null, 2)}\n`);
    return 0;
  }
  throw new CliUsageError("Usage: omniroute config export [--out FILE] | config import FILE | config schema");
}

function keysCommand(config: RuntimeConfig, action: string | undefined, arg: string | undefined): number {
  return withServices(config, (services) => {
    if (action === "create") {
      if (!arg) throw new CliUsageError("Usage: omniroute keys create NAME");
      const created = services.apiKeys.create(arg);
      services.audit.record({ actor: "cli", action: "keys.create", method: "CLI", path: "omniroute keys create", status: 201, fields: ["name"], ids: [created.id] });
      console.log(`Created key "${created.name}" (${created.id}). It is shown this once:\n\n  ${created.key}\n`);
      console.log("Clients send it as 'Authorization: Bearer <key>' (or 'x-api-key').");
      return 0;
    }
    if (action === "list") {
      const keys = services.apiKeys.list();
      if (keys.length === 0) console.log("No client API keys. Create one with: omniroute keys create NAME");
      for (const key of keys) {
        const state = key.revokedAt ? `revoked ${key.revokedAt}` : `last used ${key.lastUsedAt ?? "never"}`;
        console.log(`${key.id}  ${key.prefix}…  ${key.name}  (${state})`);
      }
      return 0;
    }
    if (action === "revoke") {
      if (!arg) throw new CliUsageError("Usage: omniroute keys revoke ID");
      const revoked = services.apiKeys.revoke(arg);
      services.audit.record({ actor: "cli", action: "keys.revoke", method: "CLI", path: "omniroute keys revoke", status: revoked ? 204 : 404, ids: [arg], ...(revoked ? {} : { error: "not_found" }) });
      if (!revoked) throw new CliUsageError(`No key with id ${arg}. See omniroute keys list.`);
      console.log(`Revoked ${arg}.`);
      return 0;
    }
    throw new CliUsageError("Usage: omniroute keys create NAME | keys list | keys revoke ID");
  });
}

async function passwordCommand(config: RuntimeConfig, action: string | undefined): Promise<number> {
  if (action !== "reset") throw new CliUsageError("Usage: omniroute password reset");
  const services = openAppServices({ dataDir: config.dataDir, secret: config.secret });
  try {
    const password = config.initialPassword ?? generatePassword();
    await services.adminAuth.setPassword(password);
    services.audit.record({ actor: "cli", action: "auth.password.reset", method: "CLI", path: "omniroute password reset", status: 200, fields: config.initialPassword ? ["INITIAL_PASSWORD"] : [] });
    console.log(config.initialPassword ? "Dashboard password set from INITIAL_PASSWORD." : `New dashboard password (shown this once): ${password}`);
    console.log("All dashboard sessions were signed out.");
    return 0;
  } finally {
    services.close();
  }
}

/** The top-level parts a config document holds (`settings`, `connections`, …): what an import touched, by name only. */
function documentParts(document: unknown): string[] {
  return document !== null && typeof document === "object" && !Array.isArray(document) ? Object.keys(document).slice(0, 20) : [];
}
