import { parseArgs } from "node:util";

export interface ParsedCli {
  command: string[];
  flags: {
    port?: string;
    host?: string;
    adminPort?: string;
    dataDir?: string;
    noOpen: boolean;
    help: boolean;
    version: boolean;
    out?: string;
    includeSecrets: boolean;
    passphraseFile?: string;
    replace: boolean;
    newSecretEnv?: string;
  };
}

export class CliUsageError extends Error {
  override name = "CliUsageError";
}

export function parseCli(argv: string[]): ParsedCli {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        port: { type: "string", short: "p" },
        host: { type: "string" },
        "admin-port": { type: "string" },
        "data-dir": { type: "string" },
        "no-open": { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
        version: { type: "boolean", short: "v", default: false },
        out: { type: "string", short: "o" },
        "include-secrets": { type: "boolean", default: false },
        "passphrase-file": { type: "string" },
        replace: { type: "boolean", default: false },
        "new-secret-env": { type: "string" },
      },
    });
    return {
      command: positionals,
      flags: {
        port: values.port,
        host: values.host,
        adminPort: values["admin-port"],
        dataDir: values["data-dir"],
        noOpen: values["no-open"] ?? false,
        help: values.help ?? false,
        version: values.version ?? false,
        out: values.out,
        includeSecrets: values["include-secrets"] ?? false,
        passphraseFile: values["passphrase-file"],
        replace: values.replace ?? false,
        newSecretEnv: values["new-secret-env"],
      },
    };
  } catch (error) {
    throw new CliUsageError(`${(error as Error).message}. See omniroute --help.`);
  }
}
