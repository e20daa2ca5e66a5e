import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { z } from "zod";

export const DEFAULT_PORT = 20128;
export const DEFAULT_HOST = "127.0.0.1";

/** Process-level configuration: where to listen and where data lives. Everything else is a stored setting. */
export const runtimeConfigSchema = z.object({
  port: z.coerce
    .number({ error: "port must be a number" })
    .int()
    .min(0, "port must be between 0 and 65535")
    .max(65535, "port must be between 0 and 65535"),
  host: z.string().min(1, "host must not be empty"),
  /**
   * Split-port mode (--admin-port / ADMIN_PORT): the dashboard, /api, /docs, /openapi and /metrics listen on this port
   * on 127.0.0.1 only, whatever `host` is; `port` then serves only /v1, /v1beta and GET /api/health. 0 = any free port.
   */
  adminPort: z.coerce
    .number({ error: "admin port must be a number" })
    .int("admin port must be a whole number")
    .min(0, "admin port must be between 0 and 65535")
    .max(65535, "admin port must be between 0 and 65535")
    .optional(),
  dataDir: z.string().min(1),
  openBrowser: z.boolean(),
  /** Admin password to set on first start; ignored once a password exists. */
  initialPassword: z.string().min(8, "INITIAL_PASSWORD must be at least 8 characters").optional(),
  /** Master key material; overrides the key file in the data dir. */
  secret: z.string().min(16, "OMNIROUTE_SECRET must be at least 16 characters").optional(),
  /** Console-log threshold for this run, over the stored `logging.level` (until that setting is changed). */
  logLevel: z.enum(["debug", "info", "warn", "error"], { error: "LOG_LEVEL must be debug, info, warn or error" }).optional(),
  /** ENABLE_REQUEST_LOGS: keep request and response bodies in the request log for this run, whatever the setting says. */
  requestBodies: z.boolean().default(false),
  /** OMNIROUTE_TOOLS_HOME: the home directory whose coding-tool config files the dashboard's CLI tools page edits (tests). */
  toolsHome: z.string().min(1).optional(),
});
export type RuntimeConfig = z.infer<typeof runtimeConfigSchema>;

export interface RuntimeFlags {
  port?: string;
  host?: string;
  adminPort?: string;
  dataDir?: string;
  noOpen?: boolean;
}

export function defaultDataDir(): string {
  return join(homedir(), ".omniroute");
}

function envFlag(value: string | undefined): boolean | undefined {
  if (value === undefined || value === "") return undefined;
  return /^(1|true|yes|on)$/i.test(value);
}

/** Flags win over environment, environment over defaults. */
export function resolveRuntimeConfig(flags: RuntimeFlags, env: NodeJS.ProcessEnv): RuntimeConfig {
  const result = runtimeConfigSchema.safeParse({
    // An empty variable counts as unset (a common result of `PORT= omniroute` or templated env files).
    port: flags.port ?? (env.PORT || DEFAULT_PORT),
    host: flags.host ?? (env.HOST || DEFAULT_HOST),
    adminPort: flags.adminPort ?? (env.ADMIN_PORT || undefined),
    dataDir: resolve(flags.dataDir ?? (env.DATA_DIR || defaultDataDir())),
    openBrowser: !flags.noOpen && !envFlag(env.NO_OPEN),
    initialPassword: env.INITIAL_PASSWORD || undefined,
    secret: env.OMNIROUTE_SECRET || undefined,
    logLevel: env.LOG_LEVEL ? env.LOG_LEVEL.trim().toLowerCase().replace(/^warning$/, "warn") : undefined,
    requestBodies: envFlag(env.ENABLE_REQUEST_LOGS) ?? false,
    toolsHome: env.OMNIROUTE_TOOLS_HOME ? resolve(env.OMNIROUTE_TOOLS_HOME) : undefined,
  });
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((issue) => issue.message).join("; "));
  }
  if (result.data.adminPort !== undefined && result.data.adminPort !== 0 && result.data.adminPort === result.data.port) {
    throw new ConfigError(`admin port ${result.data.adminPort} is the API port too: choose another --admin-port (or leave it out to serve both on one port)`);
  }
  return result.data;
}

export class ConfigError extends Error {
  override name = "ConfigError";
}
