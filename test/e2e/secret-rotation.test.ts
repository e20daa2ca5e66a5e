import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../../src/cli/run-cli";
import { openAppServices } from "../../src/services/app-services";
import { chatCompletionReply, connectFormat, startRecordedUpstream } from "../fakes/recorded-upstream";
import { startTestGateway, type TestGateway } from "../helpers/test-gateway";

const MAIN = join(import.meta.dir, "..", "..", "src", "main.ts");
const OLD_SECRET = "e2e-old-master-secret-0000001";
const NEW_SECRET = "e2e-new-master-secret-0000002";
const UPSTREAM_KEY = "sk-openai-chat-upstream-secret";

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), "omniroute-rotate-"));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** The real executable entry in a child process. */
function cli(args: string[], env: Record<string, string> = {}) {
  const result = Bun.spawnSync(["bun", MAIN, ...args], { env: { ...process.env, OMNIROUTE_SECRET: "", NO_OPEN: "1", ...env }, stdout: "pipe", stderr: "pipe" });
  return { code: result.exitCode, stdout: result.stdout.toString(), stderr: result.stderr.toString() };
}

/** The same command line run in this process (faster; still another database connection than a gateway's). */
async function cliInProcess(args: string[], env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const log = console.log;
  const error = console.error;
  console.log = (...parts: unknown[]) => void out.push(parts.join(" "));
  console.error = (...parts: unknown[]) => void err.push(parts.join(" "));
  try {
    const code = await runCli(args, { NO_OPEN: "1", ...env });
    return { code, stdout: out.join("\n"), stderr: err.join("\n") };
  } finally {
    console.log = log;
    console.error = error;
  }
}

async function chat(gw: TestGateway, model: string): Promise<number> {
  const response = await fetch(`${gw.url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model, messages: [{ role: "user", content: "hi" }] }),
  });
  await response.text();
  return response.status;
}

async function addConnection(gw: TestGateway, apiKey: string): Promise<Response> {
  return fetch(`${gw.url}/api/connections`, {
    method: "POST",
    headers: await gw.adminHeaders(),
    body: JSON.stringify({ providerId: "groq", apiKey }),
  });
}

describe("omniroute secret rotate", () => {
  test("rotates the key file, prints counts and never a secret", () => {
    const dataDir = tempDir();
    const seeded = openAppServices({ dataDir });
    const id = seeded.connections.create({ providerId: "deepseek", apiKey: "sk-cli-rotation-secret-000001" }).id;
    seeded.close();
    const before = readFileSync(join(dataDir, "secret.key"), "utf8");

    const result = cli(["secret", "rotate", "--data-dir", dataDir]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("re-encrypted 1 connection API key(s), 0 OAuth token set(s) and the key check");
    expect(result.stdout).not.toContain("sk-cli-rotation-secret");
    const after = readFileSync(join(dataDir, "secret.key"), "utf8");
    expect(after).not.toBe(before);
    expect(result.stdout).not.toContain(after.trim());

    const reopened = openAppServices({ dataDir });
    expect(reopened.connections.revealApiKey(id)).toBe("sk-cli-rotation-secret-000001");
    const audit = reopened.store.sqlite.query<{ actor: string; detail_json: string }, []>("SELECT actor, detail_json FROM audit_log WHERE action = 'secret.rotate'").all();
    expect(audit).toEqual([{ actor: "cli", detail_json: '{"fields":["keyFile"]}' }]);
    reopened.close();
  });

  test("with OMNIROUTE_SECRET the new secret comes from a named variable, and is required", async () => {
    const dataDir = tempDir();
    const seeded = openAppServices({ dataDir, secret: OLD_SECRET });
    const id = seeded.connections.create({ providerId: "deepseek", apiKey: "sk-env-rotation-secret-000002" }).id;
    seeded.close();

    const missingFlag = await cliInProcess(["secret", "rotate", "--data-dir", dataDir], { OMNIROUTE_SECRET: OLD_SECRET });
    expect(missingFlag.code).toBe(2);
    expect(missingFlag.stderr).toContain("--new-secret-env NAME");
    const unset = await cliInProcess(["secret", "rotate", "--new-secret-env", "NEW_OMNIROUTE_SECRET", "--data-dir", dataDir], { OMNIROUTE_SECRET: OLD_SECRET });
    expect(unset.code).toBe(2);
    expect(unset.stderr).toContain("NEW_OMNIROUTE_SECRET is not set");
    const same = await cliInProcess(["secret", "rotate", "--new-secret-env", "NEW_OMNIROUTE_SECRET", "--data-dir", dataDir], { OMNIROUTE_SECRET: OLD_SECRET, NEW_OMNIROUTE_SECRET: OLD_SECRET });
    expect(same.code).toBe(2);
    expect(same.stderr).toContain("same as OMNIROUTE_SECRET");
    expect(same.stderr).not.toContain(OLD_SECRET);

    const rotated = await cliInProcess(["secret", "rotate", "--new-secret-env", "NEW_OMNIROUTE_SECRET", "--data-dir", dataDir], { OMNIROUTE_SECRET: OLD_SECRET, NEW_OMNIROUTE_SECRET: NEW_SECRET });
    expect(rotated.stderr).toBe("");
    expect(rotated.code).toBe(0);
    expect(rotated.stdout).toContain("set OMNIROUTE_SECRET to the value of NEW_OMNIROUTE_SECRET");
    expect(rotated.stdout).not.toContain(NEW_SECRET);

    const stale = await cliInProcess(["keys", "list", "--data-dir", dataDir], { OMNIROUTE_SECRET: OLD_SECRET });
    expect(stale.code).toBe(2);
    expect(stale.stderr).toContain("OMNIROUTE_SECRET does not match");
    const reopened = openAppServices({ dataDir, secret: NEW_SECRET });
    expect(reopened.connections.revealApiKey(id)).toBe("sk-env-rotation-secret-000002");
    reopened.close();
  });

  test("usage errors say what to do", async () => {
    const dataDir = tempDir();
    const fileMode = await cliInProcess(["secret", "rotate", "--new-secret-env", "X", "--data-dir", dataDir]);
    expect(fileMode.code).toBe(2);
    expect(fileMode.stderr).toContain("--new-secret-env is for data dirs keyed by OMNIROUTE_SECRET");
    const unknown = await cliInProcess(["secret", "show", "--data-dir", dataDir]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("Usage: omniroute secret rotate");
    expect((await cliInProcess(["--help"])).stdout).toContain("omniroute secret rotate");
  });
});

describe("a running gateway during a rotation", () => {
  test("with the key file it switches to the new key by itself: requests and new connections keep working", async () => {
    const upstream = startRecordedUpstream(() => chatCompletionReply("test-model"));
    const dataDir = tempDir();
    const gw = await startTestGateway({ dataDir });
    try {
      const model = await connectFormat(gw, "openai-chat", upstream.url);
      expect(await chat(gw, model)).toBe(200);

      const rotated = cli(["secret", "rotate", "--data-dir", dataDir]);
      expect(rotated.code).toBe(0);
      // The gateway looks for other processes' changes every second.
      await Bun.sleep(1300);

      expect(await chat(gw, model)).toBe(200);
      expect(upstream.requests.at(-1)!.headers.authorization).toBe(`Bearer ${UPSTREAM_KEY}`);
      const added = await addConnection(gw, "gsk_added_after_cli_rotation_01");
      expect(added.status).toBe(201);
      const addedId = ((await added.json()) as { id: string }).id;
      await gw.stop();

      const reopened = openAppServices({ dataDir });
      expect(reopened.connections.revealApiKey(addedId)).toBe("gsk_added_after_cli_rotation_01");
      reopened.close();
    } finally {
      await gw.stop();
      upstream.stop();
    }
  });

  test("with OMNIROUTE_SECRET it keeps serving, refuses connection changes, and starts again with the new secret", async () => {
    const upstream = startRecordedUpstream(() => chatCompletionReply("test-model"));
    const dataDir = tempDir();
    const gw = await startTestGateway({ dataDir, env: { OMNIROUTE_SECRET: OLD_SECRET } });
    let restarted: TestGateway | undefined;
    try {
      const model = await connectFormat(gw, "openai-chat", upstream.url);
      const rotated = await cliInProcess(["secret", "rotate", "--new-secret-env", "NEXT_SECRET", "--data-dir", dataDir], { OMNIROUTE_SECRET: OLD_SECRET, NEXT_SECRET: NEW_SECRET });
      expect(rotated.code).toBe(0);
      await Bun.sleep(1300);

      expect(await chat(gw, model)).toBe(200);
      expect(upstream.requests.at(-1)!.headers.authorization).toBe(`Bearer ${UPSTREAM_KEY}`);
      const refused = await addConnection(gw, "gsk_would_be_lost_after_rotation");
      expect(refused.status).toBe(409);
      const body = (await refused.json()) as { error: { message: string } };
      expect(body.error.message).toContain("Restart OmniRoute with the new secret");
      await gw.stop();

      restarted = await startTestGateway({ dataDir, env: { OMNIROUTE_SECRET: NEW_SECRET } });
      expect(await chat(restarted, model)).toBe(200);
      expect(upstream.requests.at(-1)!.headers.authorization).toBe(`Bearer ${UPSTREAM_KEY}`);
      expect((await addConnection(restarted, "gsk_added_after_restart_000001")).status).toBe(201);
    } finally {
      await gw.stop();
      await restarted?.stop();
      upstream.stop();
    }
  });
});
