import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { startOAuthMocks } from "../fakes/oauth-mock-servers";
import { startTestGateway, type TestGateway } from "../helpers/test-gateway";
import { secretForms } from "./security-harness";

/**
 * OAuth tokens at rest: after connecting a Claude Code account (pasted code) and a Copilot account (device code),
 * calling through both, refreshing, and logging at debug level with request bodies kept, no access token, refresh
 * token, GitHub token or authorization code appears in any file of the data dir (the master key excepted), in any
 * management answer or in an export — in plaintext, hex or base64.
 */
let gw: TestGateway;
let mocks: ReturnType<typeof startOAuthMocks>;
let dataDir: string;
const codes: string[] = [];
let answers = "";

const admin = async (method: string, path: string, body?: unknown) =>
  fetch(`${gw.url}${path}`, { method, headers: await gw.adminHeaders(), ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** Every token the mocks issued that the gateway saw: from the upstreams' Authorization headers and the mocks' lists. */
function issuedSecrets(): string[] {
  const bearer = [...mocks.upstreams.anthropic.requests, ...mocks.upstreams.copilot.requests].map((r) => (r.headers.authorization ?? "").replace(/^Bearer /, ""));
  return [...new Set([...bearer, ...mocks.claude.validRefreshTokens(), ...mocks.copilot.githubTokens(), ...codes])].filter((s) => s.length >= 16);
}

function leaks(bytes: Buffer, secrets: readonly string[]): string | null {
  const text = bytes.toString("latin1");
  for (const secret of secrets) {
    for (const [form, encoded] of secretForms(secret)) {
      if (encoded.length >= 12 && text.includes(Buffer.from(encoded, "utf8").toString("latin1"))) return `${secret.slice(0, 12)}… (${form})`;
    }
  }
  return null;
}

beforeAll(async () => {
  mocks = startOAuthMocks({ claude: { expiresInSeconds: 3600 } });
  dataDir = mkdtempSync(join(tmpdir(), "omniroute-oauth-secrets-"));
  gw = await startTestGateway({ dataDir, env: { LOG_LEVEL: "debug", ENABLE_REQUEST_LOGS: "1" } });
  const registry = gw.gateway.runtime.oauth.registry;
  registry.overrideEndpoints("claude-code", mocks.claude.endpoints);
  registry.overrideEndpoints("github-copilot", mocks.copilot.endpoints);
  gw.gateway.runtime.oauthFlows.minPollIntervalMs = 10;

  const claudeStart = (await (await admin("POST", "/api/oauth/claude-code/start")).json()) as { flowId: string; authorizeUrl: string };
  const pasted = mocks.claude.approve(claudeStart.authorizeUrl);
  codes.push(pasted.split("#")[0]!);
  const claude = (await (await admin("POST", `/api/oauth/flows/${claudeStart.flowId}/complete`, { input: pasted })).json()) as { id: string };
  answers += JSON.stringify(claude);
  await admin("PATCH", `/api/connections/${claude.id}`, { baseUrl: `${mocks.upstreams.anthropic.url}/v1` });

  const copilotStart = (await (await admin("POST", "/api/oauth/github-copilot/start")).json()) as { flowId: string };
  let copilotId: string | undefined;
  for (let i = 0; i < 200 && !copilotId; i++) {
    const status = (await (await admin("GET", `/api/oauth/flows/${copilotStart.flowId}`)).json()) as { status: string; connectionId?: string };
    if (status.status === "done") copilotId = status.connectionId;
    else await Bun.sleep(25);
  }
  expect(copilotId).toBeDefined();
  await admin("PATCH", `/api/connections/${copilotId}`, { baseUrl: mocks.upstreams.copilot.url });

  for (const model of ["cc/claude-sonnet-4-5", "gh/gpt-4.1"]) {
    const response = await fetch(`${gw.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model, messages: [{ role: "user", content: `hello ${model}` }] }),
    });
    expect(response.status).toBe(200);
  }
  // A refresh of each account: more tokens issued, the old ones replaced in the store.
  await gw.gateway.runtime.oauth.refreshNow(claude.id);
  await gw.gateway.runtime.oauth.refreshNow(copilotId!);
  for (const path of ["/api/connections", `/api/connections/${claude.id}`, "/api/quota", "/api/audit", "/api/logs", "/api/logs/console"]) {
    answers += await (await admin("GET", path)).text();
  }
  answers += await (await admin("POST", "/api/config/export", { includeSecrets: false })).text();
  // With secrets the accounts travel, their token sets sealed with the passphrase: still no token in the text.
  const sealed = await (await admin("POST", "/api/config/export", { includeSecrets: true, passphrase: "sealed export passphrase" })).text();
  expect((JSON.parse(sealed) as { connections: Array<{ oauth?: boolean }> }).connections.filter((c) => c.oauth)).toHaveLength(2);
  answers += sealed;
  gw.gateway.runtime.logWriter.flush();
  await gw.gateway.stop();
});

afterAll(() => {
  mocks.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

test("no token or code in any file of the data dir, the management answers or an export", () => {
  const secrets = issuedSecrets();
  // Two access tokens per account at least (before and after the refresh), refresh tokens, the code.
  expect(secrets.length).toBeGreaterThanOrEqual(5);
  const found: string[] = [];
  for (const path of filesUnder(dataDir)) {
    const name = relative(dataDir, path);
    if (name === "secret.key" || name.startsWith("secret.key.")) continue;
    const leak = leaks(readFileSync(path), secrets);
    if (leak) found.push(`${name}: ${leak}`);
  }
  const inAnswers = leaks(Buffer.from(answers, "utf8"), secrets);
  if (inAnswers) found.push(`management answers: ${inAnswers}`);
  expect(found).toEqual([]);
});
