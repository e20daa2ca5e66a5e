import { Database } from "bun:sqlite";
import { afterAll, describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { resolveRuntimeConfig } from "../../src/config/runtime-config";
import { startGateway } from "../../src/server/start-gateway";
import { startOpenAIMockUpstream, streamedBody } from "../fakes/openai-mock-upstream";

const MAIN = join(import.meta.dir, "..", "..", "src", "main.ts");
const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), "omniroute-cli-"));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function cli(args: string[], env: Record<string, string> = {}) {
  const result = Bun.spawnSync(["bun", MAIN, ...args], { env: { ...process.env, NO_OPEN: "1", ...env }, stdout: "pipe", stderr: "pipe" });
  return { code: result.exitCode, stdout: result.stdout.toString(), stderr: result.stderr.toString() };
}

describe("command line", () => {
  test("--help and --version", () => {
    expect(cli(["--help"]).stdout).toContain("omniroute config import FILE");
    expect(cli(["--version"]).stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    const bad = cli(["--bogus"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--help");
  });

  test("config import → export → import elsewhere, secrets only sealed with a passphrase", () => {
    const first = tempDir();
    const file = join(first, "setup.json");
    writeFileSync(
      file,
      JSON.stringify({
        format: "omniroute-config",
        version: 1,
        connections: [
          { id: "conn_ds", providerId: "deepseek", apiKey: "sk-deepseek-secret-value" },
          { providerId: "openai-compatible", alias: "local", baseUrl: "http://127.0.0.1:11434/v1", models: ["qwen3"] },
        ],
        apiKeys: [{ name: "laptop", key: "omr_hand_written_key_0123456789" }],
      }),
    );
    const imported = cli(["config", "import", file, "--data-dir", first]);
    expect(imported.stderr).toBe("");
    expect(imported.code).toBe(0);
    expect(imported.stdout).toContain("2 connection(s) created");

    const plain = cli(["config", "export", "--data-dir", first]);
    expect(plain.code).toBe(0);
    expect(plain.stdout).not.toContain("sk-deepseek-secret-value");
    const plainDoc = JSON.parse(plain.stdout);
    expect(plainDoc).toMatchObject({ format: "omniroute-config", version: 2 });
    expect(plainDoc.connections).toHaveLength(2);
    expect(plainDoc.secrets).toBeUndefined();

    const refused = cli(["config", "export", "--include-secrets", "--data-dir", first]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("passphrase");

    const sealedFile = join(first, "backup.json");
    const sealed = cli(["config", "export", "--include-secrets", "--out", sealedFile, "--data-dir", first], { OMNIROUTE_PASSPHRASE: "correct horse battery" });
    expect(sealed.code).toBe(0);
    expect(statSync(sealedFile).mode & 0o777).toBe(0o600);
    expect(readFileSync(sealedFile, "utf8")).not.toContain("sk-deepseek-secret-value");

    const second = tempDir();
    const wrong = cli(["config", "import", sealedFile, "--data-dir", second], { OMNIROUTE_PASSPHRASE: "wrong passphrase" });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain("Wrong passphrase");
    const restored = cli(["config", "import", sealedFile, "--data-dir", second], { OMNIROUTE_PASSPHRASE: "correct horse battery" });
    expect(restored.code).toBe(0);
    expect(restored.stdout).toContain("1 encrypted secret(s) restored");
    const again = JSON.parse(cli(["config", "export", "--data-dir", second]).stdout);
    expect(again.connections).toEqual(plainDoc.connections);
    expect(again.apiKeys).toEqual(plainDoc.apiKeys);

    // Stored at rest: the provider key is encrypted in SQLite.
    const db = new Database(join(second, "omniroute.sqlite"), { readonly: true });
    const row = db.query("SELECT api_key_encrypted FROM connections WHERE id = 'conn_ds'").get() as { api_key_encrypted: string };
    db.close();
    expect(row.api_key_encrypted).toStartWith("v1.");
    expect(row.api_key_encrypted).not.toContain("sk-deepseek");

    // Each command is in the audit log, by part and field name: the refused import and the export with secrets too.
    const auditOf = (dir: string) => {
      const store = new Database(join(dir, "omniroute.sqlite"), { readonly: true });
      const rows = store.query("SELECT actor, action, method, status, detail_json FROM audit_log ORDER BY id").all() as Array<{ actor: string; action: string; method: string; status: number; detail_json: string | null }>;
      store.close();
      return rows.map((r) => ({ ...r, detail: (r.detail_json === null ? {} : JSON.parse(r.detail_json)) as { fields?: string[]; error?: string } }));
    };
    const firstAudit = auditOf(first);
    expect(firstAudit.map((r) => `${r.action} ${r.status}`)).toEqual(["config.import 200", "config.export 200", "config.export 200"]);
    expect(firstAudit.every((r) => r.actor === "cli" && r.method === "CLI")).toBe(true);
    expect(firstAudit[0]!.detail.fields).toEqual(["format", "version", "connections", "apiKeys"]);
    expect(firstAudit[2]!.detail.fields).toEqual(["includeSecrets"]);
    const secondAudit = auditOf(second);
    expect(secondAudit.map((r) => `${r.action} ${r.status} ${r.detail.error ?? ""}`.trim())).toEqual(["config.import 400 invalid_config", "config.import 200", "config.export 200"]);
    expect(JSON.stringify([firstAudit, secondAudit])).not.toContain("sk-deepseek");
  });

  test("password reset ends every session and is audited", () => {
    const dir = tempDir();
    const reset = cli(["password", "reset", "--data-dir", dir], { INITIAL_PASSWORD: "" });
    expect(reset.code).toBe(0);
    const password = reset.stdout.match(/shown this once\): (\S+)/)![1]!;
    const store = new Database(join(dir, "omniroute.sqlite"), { readonly: true });
    const rows = store.query("SELECT actor, action, status, detail_json FROM audit_log").all();
    store.close();
    expect(rows).toEqual([{ actor: "cli", action: "auth.password.reset", status: 200, detail_json: null }]);
    expect(JSON.stringify(rows)).not.toContain(password);
  });

  test("keys create / list / revoke", () => {
    const dir = tempDir();
    const created = cli(["keys", "create", "ci", "--data-dir", dir]);
    expect(created.code).toBe(0);
    const key = created.stdout.match(/omr_[A-Za-z0-9_-]+/)![0];
    const listed = cli(["keys", "list", "--data-dir", dir]);
    expect(listed.stdout).toContain("ci");
    expect(listed.stdout).not.toContain(key);
    const id = listed.stdout.match(/key_[A-Za-z0-9_-]+/)![0];
    expect(cli(["keys", "revoke", id, "--data-dir", dir]).code).toBe(0);
    expect(cli(["keys", "list", "--data-dir", dir]).stdout).toContain("revoked");
  });

  test("a database from a newer version is refused and left untouched", () => {
    const dir = tempDir();
    expect(cli(["keys", "list", "--data-dir", dir]).code).toBe(0);
    const path = join(dir, "omniroute.sqlite");
    const db = new Database(path);
    db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    db.query("INSERT INTO __drizzle_migrations (hash, created_at) VALUES ('future', 99999999999999)").run();
    db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    db.close();
    const before = createHash("sha256").update(readFileSync(path)).digest("hex");
    const result = cli(["--port", "0", "--data-dir", dir]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("newer version of OmniRoute");
    expect(createHash("sha256").update(readFileSync(path)).digest("hex")).toBe(before);
  });

  test("a first start without INITIAL_PASSWORD prints a generated password once", async () => {
    const dir = tempDir();
    const proc = Bun.spawn(["bun", MAIN, "--port", "0", "--data-dir", dir, "--no-open"], { stdout: "pipe", stderr: "pipe", env: { ...process.env, INITIAL_PASSWORD: "" } });
    const reader = proc.stdout.getReader();
    let out = "";
    while (!out.includes("Data")) out += new TextDecoder().decode((await reader.read()).value);
    await Bun.sleep(50);
    out += new TextDecoder().decode((await Promise.race([reader.read(), Bun.sleep(200).then(() => ({ value: undefined }))])).value ?? new Uint8Array());
    proc.kill("SIGTERM");
    expect(await proc.exited).toBe(0);
    expect(out).toMatch(/Dashboard password \(shown this once\): \S{16,}/);
    const second = Bun.spawn(["bun", MAIN, "--port", "0", "--data-dir", dir, "--no-open"], { stdout: "pipe", stderr: "pipe", env: { ...process.env, INITIAL_PASSWORD: "" } });
    const reader2 = second.stdout.getReader();
    let out2 = "";
    while (!out2.includes("Data")) out2 += new TextDecoder().decode((await reader2.read()).value);
    second.kill("SIGINT");
    expect(await second.exited).toBe(0);
    expect(out2).not.toContain("password");
  });
});

describe("listen address safety", () => {
  test("a non-loopback bind without client keys is refused, with a hint", async () => {
    const dir = tempDir();
    const config = resolveRuntimeConfig({ host: "0.0.0.0", port: "0", dataDir: dir, noOpen: true }, { INITIAL_PASSWORD: "password-123" });
    await expect(startGateway(config)).rejects.toThrow(/omniroute keys create/);
    const viaCli = cli(["--host", "0.0.0.0", "--port", "0", "--data-dir", dir]);
    expect(viaCli.code).toBe(2);
    expect(viaCli.stderr).toContain("Refusing to listen on 0.0.0.0");
  });
});

describe("shutdown", () => {
  test("stop() lets an in-flight stream finish, then closes the store with the request logged", async () => {
    const encoder = new TextEncoder();
    const upstream = startOpenAIMockUpstream({
      "POST /v1/chat/completions": () => {
        const events = Array.from({ length: 10 }, (_, i) => encoder.encode(`data: {"choices":[{"index":0,"delta":{"content":"${i}"}}]}\n\n`));
        events.push(encoder.encode("data: [DONE]\n\n"));
        return new Response(streamedBody(events, 40), { headers: { "content-type": "text/event-stream" } });
      },
    });
    const dir = tempDir();
    const config = resolveRuntimeConfig({ port: "0", dataDir: dir, noOpen: true }, { INITIAL_PASSWORD: "password-123" });
    const gateway = await startGateway(config);
    gateway.runtime.services.connections.create({ providerId: "openai-compatible", alias: "mock", baseUrl: upstream.baseUrl, models: ["m"] });
    const response = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "x-request-id": "drain-check" },
      body: JSON.stringify({ model: "mock/m", messages: [{ role: "user", content: "hi" }], stream: true }),
    });
    const text = response.text();
    await Bun.sleep(60);
    const stopped = gateway.stop();
    const body = await text;
    await stopped;
    upstream.stop();
    expect(body).toContain('"content":"9"');
    expect(body.trimEnd().endsWith("data: [DONE]")).toBe(true);
    const db = new Database(join(dir, "omniroute.sqlite"), { readonly: true });
    expect(db.query("PRAGMA integrity_check").get()).toEqual({ integrity_check: "ok" });
    expect(db.query("SELECT status FROM request_logs WHERE id = 'drain-check'").get()).toEqual({ status: 200 });
    db.close();
  });

  test("the drain is bounded: a stream that never ends is cut after shutdown.drainMs", async () => {
    const encoder = new TextEncoder();
    const upstream = startOpenAIMockUpstream({
      "POST /v1/chat/completions": () =>
        new Response(streamedBody(Array.from({ length: 1000 }, () => encoder.encode('data: {"choices":[]}\n\n')), 50), {
          headers: { "content-type": "text/event-stream" },
        }),
    });
    const dir = tempDir();
    const gateway = await startGateway(resolveRuntimeConfig({ port: "0", dataDir: dir, noOpen: true }, { INITIAL_PASSWORD: "password-123" }));
    gateway.runtime.services.settings.update({ shutdown: { drainMs: 300 } });
    gateway.runtime.services.connections.create({ providerId: "openai-compatible", alias: "mock", baseUrl: upstream.baseUrl, models: ["m"] });
    const response = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: "POST",
      body: JSON.stringify({ model: "mock/m", messages: [{ role: "user", content: "hi" }], stream: true }),
    });
    const reader = response.body!.getReader();
    await reader.read();
    const started = performance.now();
    await gateway.stop();
    const took = performance.now() - started;
    upstream.stop();
    expect(took).toBeGreaterThanOrEqual(250);
    expect(took).toBeLessThan(2000);
    // The cut stream ends (or errors) instead of hanging.
    const drained = await Promise.race([
      (async () => {
        try {
          while (!(await reader.read()).done);
        } catch {}
        return "ended";
      })(),
      Bun.sleep(2000).then(() => "hung"),
    ]);
    expect(drained).toBe("ended");
  });
});
