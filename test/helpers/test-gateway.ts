import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { resolveRuntimeConfig } from "../../src/config/runtime-config";
import { startGateway, type RunningGateway } from "../../src/server/start-gateway";

export interface TestGateway {
  url: string;
  password: string;
  dataDir: string;
  gateway: RunningGateway;
  /** Logs in and returns headers (cookie + CSRF header) for management calls. */
  adminHeaders(): Promise<Record<string, string>>;
  stop(): Promise<void>;
}

/** The real gateway on a random loopback port with a throwaway data dir. */
export async function startTestGateway(options: { password?: string; dataDir?: string; host?: string; env?: Record<string, string> } = {}): Promise<TestGateway> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), "omniroute-test-"));
  const password = options.password ?? "test-password-123";
  const config = resolveRuntimeConfig(
    { port: "0", host: options.host ?? "127.0.0.1", dataDir, noOpen: true },
    // Quiet test output: info lines (listening, stopping) of every gateway would drown the results.
    { INITIAL_PASSWORD: password, LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "warn", ...options.env },
  );
  const gateway = await startGateway(config);
  let cookie: string | undefined;
  return {
    url: gateway.url,
    password,
    dataDir,
    gateway,
    async adminHeaders() {
      if (!cookie) {
        const response = await fetch(`${gateway.url}/api/auth/login`, {
          method: "POST",
          headers: { "content-type": "application/json", "x-omniroute-request": "1" },
          body: JSON.stringify({ password }),
        });
        if (response.status !== 200) throw new Error(`login failed: ${response.status} ${await response.text()}`);
        cookie = response.headers.get("set-cookie")!.split(";")[0]!;
      }
      return { cookie, "x-omniroute-request": "1", "content-type": "application/json" };
    },
    async stop() {
      await gateway.stop();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
