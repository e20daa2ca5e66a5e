import type { RuntimeConfig } from "../config/runtime-config";
import { createLogger } from "../logging/logger";
import { hasDisplay, openBrowser } from "../platform/open-browser";
import { VERSION } from "../platform/version";
import { startGateway } from "../server/start-gateway";

/** Starts the gateway in the foreground and stops it cleanly on SIGINT/SIGTERM. */
export async function serveCommand(config: RuntimeConfig): Promise<number> {
  const gateway = await startGateway(config);
  // Log lines (terminal and file) go to the gateway's console log; the banner below is terminal output only.
  const log = createLogger("gateway");
  // Handlers go in before the banner: a supervisor may signal as soon as it sees the banner.
  const exited = new Promise<number>((resolve) => {
    let signalled = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (signalled) {
        console.error("Forced exit.");
        process.exit(130);
      }
      signalled = true;
      log.info(`${signal} received: finishing in-flight requests, then stopping (a second signal exits at once)`);
      gateway.stop().then(
        () => resolve(0),
        (error) => {
          log.error("shutdown failed", { error });
          resolve(1);
        },
      );
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
  });

  const { url } = gateway;
  // Split-port mode: the dashboard and its API are on the loopback admin port, the main port serves the API only.
  const adminUrl = gateway.adminUrl ?? url;
  const lines = [
    `OmniRoute ${VERSION}`,
    `  API        ${url}/v1   (OpenAI Chat & Responses, Anthropic Messages, Gemini; also /v1beta)`,
    `  Dashboard  ${adminUrl}/${gateway.adminUrl ? "   (split-port mode: loopback only)" : ""}`,
    `  API docs   ${adminUrl}/docs`,
    `  Data       ${config.dataDir}`,
  ];
  if (gateway.generatedPassword) {
    lines.push(
      "",
      `  Dashboard password (shown this once): ${gateway.generatedPassword}`,
      "  Change it in the dashboard, or set a new one with: omniroute password reset",
    );
  }
  console.log(lines.join("\n"));
  if (config.openBrowser && hasDisplay()) openBrowser(`${adminUrl}/`);
  return exited;
}
