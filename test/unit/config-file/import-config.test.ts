import { afterEach, describe, expect, test } from "bun:test";
import { exportConfig } from "../../../src/config-file/export-config";
import { ConfigImportError, importConfig } from "../../../src/config-file/import-config";
import { hashApiKey } from "../../../src/security/api-key";
import type { AppServices } from "../../../src/services/app-services";
import { TempDirs } from "../support/temp-data";

const temp = new TempDirs();
afterEach(() => temp.cleanup());

const DS_KEY = "sk-import-marker-ds-0a9b8c7d6e";
const LAB_KEY = "lab-import-marker-key-112233";
const PASSPHRASE = "import passphrase 1";
const HANDWRITTEN_CLIENT_KEY = "omr_handwritten-client-key-0123456789";

function populate(services: AppServices) {
  const ds = services.connections.create({ providerId: "deepseek", name: "Work DS", apiKey: DS_KEY, priority: 3 }).id;
  const lab = services.connections.create({
    providerId: "openai-compatible",
    alias: "lab",
    baseUrl: "http://127.0.0.1:8000/v1",
    apiKey: LAB_KEY,
    models: ["qwen3"],
    enabled: false,
  }).id;
  const clientKey = services.apiKeys.create("laptop").key;
  services.settings.update({ timeouts: { idleMs: 45_000 }, requestLog: { retentionDays: 7 } });
  return { ds, lab, clientKey };
}

/** Everything an import may change, read straight from SQLite. */
function snapshot(services: AppServices) {
  const q = (sql: string) => services.store.sqlite.query(sql).all();
  return {
    connections: q("SELECT * FROM connections ORDER BY id"),
    combos: q("SELECT * FROM combos ORDER BY name"),
    apiKeys: q("SELECT * FROM api_keys ORDER BY id"),
    settings: q("SELECT key, value FROM settings ORDER BY key"),
  };
}

function importError(action: () => unknown): ConfigImportError {
  try {
    action();
  } catch (error) {
    if (error instanceof ConfigImportError) return error;
    throw error;
  }
  throw new Error("expected a ConfigImportError");
}

const handWritten = (extra: Record<string, unknown> = {}) => ({
  format: "omniroute-config",
  version: 1,
  connections: [{ providerId: "deepseek", name: "From file", apiKey: DS_KEY }],
  apiKeys: [{ name: "ci runner", key: HANDWRITTEN_CLIENT_KEY }],
  ...extra,
});

describe("importConfig", () => {
  test("an export with secrets restores everything into a fresh data dir with the right passphrase", () => {
    const source = temp.services();
    const ids = populate(source);
    const doc = JSON.parse(JSON.stringify(exportConfig(source, { includeSecrets: true, passphrase: PASSPHRASE })));

    const target = temp.services();
    const summary = importConfig(target, doc, { passphrase: PASSPHRASE });
    expect(summary).toEqual({
      connections: { created: 2, updated: 0 },
      combos: { created: 0, updated: 0 },
      apiKeys: { created: 1, skipped: 0 },
      settings: true,
      secretsApplied: 2,
      createdKeys: [],
    });
    expect(target.connections.revealApiKey(ids.ds)).toBe(DS_KEY);
    expect(target.connections.revealApiKey(ids.lab)).toBe(LAB_KEY);
    expect(target.connections.getRuntime(ids.ds)!.headers.authorization).toBe(`Bearer ${DS_KEY}`);
    expect(target.connections.get(ids.lab)).toMatchObject({ alias: "lab", baseUrl: "http://127.0.0.1:8000/v1", enabled: false, models: ["qwen3"] });
    expect(target.connections.get(ids.ds)).toMatchObject({ name: "Work DS", priority: 3, apiKeyPreview: `…${DS_KEY.slice(-4)}` });
    expect(target.apiKeys.authenticate(ids.clientKey)).not.toBeNull();
    expect(target.settings.get().timeouts.idleMs).toBe(45_000);
    expect(target.settings.get().requestLog.retentionDays).toBe(7);
  });

  test("the target store keeps keys encrypted under its own master key", () => {
    const source = temp.services();
    const ids = populate(source);
    const doc = exportConfig(source, { includeSecrets: true, passphrase: PASSPHRASE });
    const target = temp.services();
    importConfig(target, doc, { passphrase: PASSPHRASE });
    const row = target.store.sqlite.query<{ e: string }, [string]>("SELECT api_key_encrypted AS e FROM connections WHERE id = ?").get(ids.ds)!;
    expect(row.e).not.toContain(DS_KEY);
    expect(target.secretBox.decrypt(row.e)).toBe(DS_KEY);
    expect(() => source.secretBox.decrypt(row.e)).toThrow();
  });

  test("a wrong or missing passphrase is refused and nothing is imported", () => {
    const source = temp.services();
    populate(source);
    const doc = exportConfig(source, { includeSecrets: true, passphrase: PASSPHRASE });
    const target = temp.services();
    const before = snapshot(target);
    expect(importError(() => importConfig(target, doc, { passphrase: "not the passphrase" })).message).toContain("Wrong passphrase");
    expect(importError(() => importConfig(target, doc)).message).toContain("give the passphrase");
    expect(snapshot(target)).toEqual(before);
    expect(target.connections.list()).toEqual([]);
  });

  test("an export without secrets restores keyless connections into a fresh data dir", () => {
    const source = temp.services();
    const ollama = source.connections.create({ providerId: "ollama", name: "Home GPU", baseUrl: "http://192.168.1.50:11434/v1" }).id;
    const lab = source.connections.create({ providerId: "openai-compatible", alias: "lab", baseUrl: "http://127.0.0.1:8000/v1", models: ["qwen3"] }).id;
    const target = temp.services();
    const summary = importConfig(target, exportConfig(source));
    expect(summary.connections).toEqual({ created: 2, updated: 0 });
    expect(summary.secretsApplied).toBe(0);
    expect(target.connections.get(ollama)).toMatchObject({ name: "Home GPU", baseUrl: "http://192.168.1.50:11434/v1", hasApiKey: false });
    expect(target.connections.getRuntime(lab)?.chatUrl).toBe("http://127.0.0.1:8000/v1/chat/completions");
  });

  test("a failing entry in the middle leaves connections, keys and settings untouched", () => {
    const services = temp.services();
    const ids = populate(services);
    const before = snapshot(services);
    const doc = {
      format: "omniroute-config",
      version: 1,
      settings: { timeouts: { idleMs: 99_000 } },
      connections: [
        { id: ids.ds, providerId: "deepseek", name: "Renamed", apiKey: "sk-new-key-should-not-land" },
        { providerId: "openai", apiKey: "sk-created-then-rolled-back" },
        { providerId: "no-such-provider", apiKey: "x" },
        { providerId: "groq", apiKey: "sk-never-reached" },
      ],
      apiKeys: [{ name: "new", key: "omr_new-key-should-not-land-123" }],
    };
    const error = importError(() => importConfig(services, doc));
    expect(error.message).toContain("connections[2]");
    expect(error.message).toContain("no-such-provider");
    expect(snapshot(services)).toEqual(before);
    expect(services.connections.list().map((c) => c.name).sort()).toEqual(["OpenAI-compatible (custom)", "Work DS"]);
    expect(services.connections.revealApiKey(ids.ds)).toBe(DS_KEY);
    expect(services.connections.runtime().map((c) => c.provider.id).sort()).toEqual(["deepseek", "openai-compatible"]);
    expect(services.settings.get().timeouts.idleMs).toBe(45_000);
  });

  test("a failing entry rolls back the deletions of a replace import as well", () => {
    const services = temp.services();
    populate(services);
    const before = snapshot(services);
    const doc = { format: "omniroute-config", version: 1, connections: [{ providerId: "deepseek" }] };
    expect(importError(() => importConfig(services, doc, { replace: true })).message).toContain("needs an API key");
    expect(snapshot(services)).toEqual(before);
    expect(services.connections.list()).toHaveLength(2);
    expect(services.apiKeys.activeCount()).toBe(1);
  });

  test("an alias clash between two entries is reported with its index and rolled back", () => {
    const services = temp.services();
    const doc = {
      format: "omniroute-config",
      version: 1,
      connections: [
        { providerId: "openai-compatible", alias: "box", baseUrl: "http://10.0.0.2:8000/v1" },
        { providerId: "openai-compatible", alias: "box", baseUrl: "http://10.0.0.3:8000/v1" },
      ],
    };
    expect(importError(() => importConfig(services, doc)).message).toMatch(/^connections\[1\]: Alias "box"/);
    expect(services.connections.list()).toEqual([]);
  });

  test.each([
    [{ format: "omniroute-config", version: 3, connections: [] }, "config version 3, newer than this OmniRoute understands (2)"],
    [{ format: "something-else", version: 1 }, 'Not an OmniRoute config file (expected "format": "omniroute-config")'],
    [{ version: 1 }, "Not an OmniRoute config file"],
    [[], "Not an OmniRoute config file"],
    ["text", "Not an OmniRoute config file"],
  ])("refuses %j", (doc, message) => {
    const services = temp.services();
    expect(importError(() => importConfig(services, doc)).message).toContain(message);
  });

  test("a schema error names the path of the offending field", () => {
    const services = temp.services();
    const doc = { format: "omniroute-config", version: 1, connections: [{ providerId: "deepseek", priority: "high" }] };
    expect(importError(() => importConfig(services, doc)).message).toStartWith("Invalid config file at connections.0.priority:");
    const extra = { format: "omniroute-config", version: 1, surprise: true };
    expect(importError(() => importConfig(services, extra)).message).toStartWith("Invalid config file at (root)");
  });

  test("a hand-written file with a plain provider key and a plain client key works", () => {
    const services = temp.services();
    const summary = importConfig(services, handWritten());
    expect(summary.connections.created).toBe(1);
    expect(summary.apiKeys.created).toBe(1);
    expect(summary.secretsApplied).toBe(0);
    expect(summary.createdKeys).toEqual([{ name: "ci runner", prefix: HANDWRITTEN_CLIENT_KEY.slice(0, 10) }]);
    const [connection] = services.connections.list();
    expect(connection).toMatchObject({ providerId: "deepseek", name: "From file", hasApiKey: true });
    expect(services.connections.revealApiKey(connection!.id)).toBe(DS_KEY);
    expect(services.apiKeys.authenticate(HANDWRITTEN_CLIENT_KEY)).not.toBeNull();
    const stored = JSON.stringify(services.store.sqlite.query("SELECT * FROM api_keys").all());
    expect(stored).not.toContain(HANDWRITTEN_CLIENT_KEY);
    expect(stored).toContain(hashApiKey(HANDWRITTEN_CLIENT_KEY));
  });

  test("importing the same hand-written client key twice creates it once", () => {
    const services = temp.services();
    importConfig(services, handWritten({ connections: [] }));
    const second = importConfig(services, handWritten({ connections: [] }));
    expect(second.apiKeys).toEqual({ created: 0, skipped: 1 });
    expect(services.apiKeys.rows()).toHaveLength(1);
  });

  test("re-importing an export updates connections by id and skips known client keys", () => {
    const services = temp.services();
    const ids = populate(services);
    const doc = exportConfig(services);
    doc.connections![0] = { ...doc.connections![0]!, name: "Renamed by import" };
    const summary = importConfig(services, doc);
    expect(summary.connections).toEqual({ created: 0, updated: 2 });
    expect(summary.apiKeys).toEqual({ created: 0, skipped: 1 });
    expect(services.connections.list()).toHaveLength(2);
    expect(services.connections.list().map((c) => c.name)).toContain("Renamed by import");
    expect(services.connections.revealApiKey(ids.ds)).toBe(DS_KEY);
  });

  test("an entry whose id exists with another provider is refused", () => {
    const services = temp.services();
    const ids = populate(services);
    const doc = { format: "omniroute-config", version: 1, connections: [{ id: ids.ds, providerId: "openai", apiKey: "sk-x-12345678" }] };
    expect(importError(() => importConfig(services, doc)).message).toContain(`connection ${ids.ds} exists with provider deepseek, not openai`);
    expect(services.connections.get(ids.ds)?.providerId).toBe("deepseek");
  });

  test("replace removes connections missing from the file and revokes missing client keys", () => {
    const services = temp.services();
    const ids = populate(services);
    const doc = {
      format: "omniroute-config",
      version: 1,
      connections: [{ id: ids.ds, providerId: "deepseek" }],
      apiKeys: [],
    };
    importConfig(services, doc, { replace: true });
    expect(services.connections.list().map((c) => c.id)).toEqual([ids.ds]);
    expect(services.connections.revealApiKey(ids.ds)).toBe(DS_KEY);
    expect(services.apiKeys.authenticate(ids.clientKey)).toBeNull();
    expect(services.apiKeys.rows()[0]!.revokedAt).not.toBeNull();
  });

  test("without replace, connections missing from the file are kept", () => {
    const services = temp.services();
    const ids = populate(services);
    importConfig(services, { format: "omniroute-config", version: 1, connections: [{ id: ids.ds, providerId: "deepseek" }] });
    expect(services.connections.list()).toHaveLength(2);
    expect(services.apiKeys.authenticate(ids.clientKey)).not.toBeNull();
  });

  test("replace with a hand-written file keeps the client keys the file lists", () => {
    const services = temp.services();
    importConfig(services, handWritten());
    importConfig(services, handWritten(), { replace: true });
    expect(services.connections.list()).toHaveLength(1);
    expect(services.apiKeys.authenticate(HANDWRITTEN_CLIENT_KEY)).not.toBeNull();
  });
});

const DS_MODEL = { model: "ds/deepseek-v4-pro" };

/** Combos that use each other: a diamond under `top`, a disabled one, every optional field. */
function populateCombos(services: AppServices) {
  services.combos.create({ name: "leaf", targets: [DS_MODEL, { model: "lab/qwen3", weight: 5, timeoutMs: 15_000 }] });
  services.combos.create({ name: "team/left", strategy: "round-robin", stickyRequests: 4, targets: [{ model: "combo:leaf" }, { model: "oai/gpt-5.5" }] });
  services.combos.create({ name: "right", enabled: false, description: "spare", targets: [{ model: "combo:leaf", weight: 2 }] });
  services.combos.create({ name: "top", strategy: "lowest-latency", targets: [{ model: "combo:team/left" }, { model: "combo:right" }] });
}

/** What a combo is, without the times an import sets afresh. */
function comboShapes(services: AppServices) {
  return services.combos.list().map(({ createdAt: _created, updatedAt: _updated, ...rest }) => rest);
}

const v2 = (combos: unknown[], extra: Record<string, unknown> = {}) => ({ format: "omniroute-config", version: 2, combos, ...extra });

describe("importConfig: combos", () => {
  test("export → import into a fresh data dir restores the same combos", () => {
    const source = temp.services();
    populate(source);
    populateCombos(source);
    const doc = JSON.parse(JSON.stringify(exportConfig(source, { includeSecrets: true, passphrase: PASSPHRASE })));
    expect(doc.version).toBe(2);

    const target = temp.services();
    const summary = importConfig(target, doc, { passphrase: PASSPHRASE });
    expect(summary.combos).toEqual({ created: 4, updated: 0 });
    expect(comboShapes(target)).toEqual(comboShapes(source));
    expect(target.combos.runtime()).toEqual(source.combos.runtime());
    expect(target.combos.getRuntime("top")!.targets.map((t) => t.combo)).toEqual(["team/left", "right"]);
    // Same document again: every combo is matched by name and updated in place.
    expect(importConfig(target, doc, { passphrase: PASSPHRASE }).combos).toEqual({ created: 0, updated: 4 });
    expect(comboShapes(target)).toEqual(comboShapes(source));
  });

  test("a document from before combos (version 1, no combos) still imports and leaves combos alone", () => {
    const services = temp.services();
    populateCombos(services);
    const before = comboShapes(services);
    const summary = importConfig(services, handWritten());
    expect(summary.combos).toEqual({ created: 0, updated: 0 });
    expect(summary.connections.created).toBe(1);
    expect(comboShapes(services)).toEqual(before);
  });

  test("combos may name combos that come later in the file", () => {
    const services = temp.services();
    const doc = v2([
      { name: "top", targets: [{ model: "combo:middle" }, { model: "combo:leaf" }] },
      { name: "middle", targets: [{ model: "combo:leaf" }] },
      { name: "leaf", targets: [DS_MODEL] },
    ]);
    expect(importConfig(services, doc).combos).toEqual({ created: 3, updated: 0 });
    expect(services.combos.list().map((c) => c.name)).toEqual(["leaf", "middle", "top"]);
  });

  test("references may be rewired in one import: the combo the file makes a leaf is updated first", () => {
    const services = temp.services();
    services.combos.create({ name: "b", targets: [DS_MODEL] });
    services.combos.create({ name: "a", targets: [{ model: "combo:b" }] });
    importConfig(services, v2([{ name: "b", targets: [{ model: "combo:a" }] }, { name: "a", targets: [DS_MODEL] }]));
    expect(services.combos.get("b")!.targets).toEqual([{ model: "combo:a", weight: 1 }]);
    expect(services.combos.get("a")!.targets).toEqual([{ model: "ds/deepseek-v4-pro", weight: 1 }]);
  });

  test("a cycle inside the file is refused, naming it, and nothing lands", () => {
    const services = temp.services();
    const doc = v2(
      [
        { name: "a", targets: [{ model: "combo:b" }] },
        { name: "b", targets: [{ model: "combo:c" }] },
        { name: "c", targets: [{ model: "combo:a" }] },
      ],
      { connections: [{ providerId: "deepseek", apiKey: DS_KEY }] },
    );
    const error = importError(() => importConfig(services, doc));
    expect(error.message).toBe('combos[0]: Combo "a" would form a cycle: a → b → c → a. A combo cannot reach itself through its targets.');
    expect(services.connections.list()).toEqual([]);
    expect(services.combos.list()).toEqual([]);
  });

  test("a cycle through a stored combo is refused by the service, with the entry's index", () => {
    const services = temp.services();
    services.combos.create({ name: "stored", targets: [DS_MODEL] });
    services.combos.create({ name: "user", targets: [{ model: "combo:stored" }] });
    const error = importError(() => importConfig(services, v2([{ name: "other", targets: [DS_MODEL] }, { name: "stored", targets: [{ model: "combo:user" }] }])));
    expect(error.message).toBe('combos[1]: Combo "stored" would form a cycle: stored → user → stored. A combo cannot reach itself through its targets.');
    expect(services.combos.list().map((c) => c.name)).toEqual(["stored", "user"]);
  });

  test("a failing combo rolls back the connections, settings and combos before it", () => {
    const services = temp.services();
    const ids = populate(services);
    populateCombos(services);
    const before = snapshot(services);
    const doc = v2(
      [
        { name: "leaf", targets: [{ model: "oai/gpt-5.5" }] },
        { name: "fresh", targets: [DS_MODEL] },
        { name: "ds/shadow", targets: [DS_MODEL] },
      ],
      { settings: { timeouts: { idleMs: 99_000 } }, connections: [{ id: ids.ds, providerId: "deepseek", name: "Renamed" }] },
    );
    const error = importError(() => importConfig(services, doc));
    expect(error.message).toStartWith('combos[2]: Combo name "ds/shadow" starts with "ds", which is the model prefix of provider DeepSeek');
    expect(snapshot(services)).toEqual(before);
    expect(services.combos.get("leaf")!.targets[0]!.model).toBe("ds/deepseek-v4-pro");
    expect(services.combos.getRuntime("fresh")).toBeUndefined();
    expect(services.connections.get(ids.ds)!.name).toBe("Work DS");
  });

  test("a reference to a combo neither stored nor in the file is refused", () => {
    const services = temp.services();
    const error = importError(() => importConfig(services, v2([{ name: "top", targets: [{ model: "combo:nowhere" }] }])));
    expect(error.message).toBe('combos[0]: targets[0]: combo "nowhere" does not exist (GET /api/combos lists the combos).');
  });

  test("a file naming one combo twice is refused", () => {
    const services = temp.services();
    const error = importError(() => importConfig(services, v2([{ name: "x", targets: [DS_MODEL] }, { name: "x", targets: [DS_MODEL] }])));
    expect(error.message).toBe('combos[1]: the file has another combo named "x".');
  });

  test("schema errors in a combo name the path of the field", () => {
    const services = temp.services();
    expect(importError(() => importConfig(services, v2([{ name: "x", targets: [{ ...DS_MODEL, weight: 0 }] }]))).message).toStartWith(
      "Invalid config file at combos.0.targets.0.weight:",
    );
    expect(importError(() => importConfig(services, v2([{ name: "Bad Name", targets: [DS_MODEL] }]))).message).toStartWith("Invalid config file at combos.0.name:");
  });

  test("an entry without the optional fields leaves them unchanged on a stored combo", () => {
    const services = temp.services();
    populateCombos(services);
    importConfig(services, v2([{ name: "team/left", targets: [DS_MODEL] }]));
    expect(services.combos.get("team/left")).toMatchObject({ strategy: "round-robin", stickyRequests: 4, enabled: true, targets: [{ model: "ds/deepseek-v4-pro", weight: 1 }] });
  });

  test("replace removes the combos the file does not list, users before what they use", () => {
    const services = temp.services();
    populateCombos(services);
    const summary = importConfig(services, v2([{ name: "leaf", targets: [DS_MODEL] }]), { replace: true });
    expect(summary.combos).toEqual({ created: 0, updated: 1 });
    expect(services.combos.list().map((c) => c.name)).toEqual(["leaf"]);
    expect(services.combos.runtime().map((c) => c.name)).toEqual(["leaf"]);
  });

  test("replace with a document without combos removes them all, as it does connections", () => {
    const services = temp.services();
    populateCombos(services);
    importConfig(services, handWritten(), { replace: true });
    expect(services.combos.list()).toEqual([]);
  });

  test("replace refuses to remove a combo the file still uses, and rolls back", () => {
    const services = temp.services();
    populateCombos(services);
    const before = snapshot(services);
    const error = importError(() => importConfig(services, v2([{ name: "top", targets: [{ model: "combo:right" }] }]), { replace: true }));
    expect(error.message).toBe(
      'Replacing would remove combo "right", which the file still uses: Combo "right" is a target of "top": remove "combo:right" from its targets first.',
    );
    expect(snapshot(services)).toEqual(before);
    expect(services.combos.list()).toHaveLength(4);
  });
});

describe("OAuth accounts", () => {
  const TOKENS = { accessToken: "at-oauth-export-marker-1", refreshToken: "rt-oauth-export-marker-1", expiresAt: 1_900_000_000_000, extra: { accountId: "acct-7" } };
  function withAccounts(services: AppServices) {
    const claude = services.connections.createOAuth({ providerId: "claude-code", name: "Claude (me@example.com)", tokens: TOKENS, account: { email: "me@example.com", plan: "max" } }).id;
    services.connections.update(claude, { priority: 2, enabled: false });
    const copilot = services.connections.createOAuth({
      providerId: "github-copilot",
      name: "Copilot",
      tokens: { accessToken: "copilot-at-marker", refreshToken: "gho-marker", expiresAt: null, extra: {} },
      account: {},
    }).id;
    services.connections.setAuthState(copilot, "needs-reauth", "refresh refused: invalid_grant");
    return { claude, copilot };
  }

  test("only an export with secrets carries them, sealed; the import restores ids, tokens, account, fields and re-auth state", () => {
    const source = temp.services();
    const { claude, copilot } = withAccounts(source);
    const plain = exportConfig(source);
    expect(plain.connections).toEqual([]);
    const sealed = exportConfig(source, { includeSecrets: true, passphrase: PASSPHRASE });
    expect(sealed.connections!.map((c) => `${c.id} ${c.oauth}`).sort()).toEqual([`${claude} true`, `${copilot} true`].sort());
    expect(JSON.stringify(sealed)).not.toContain("marker");

    const target = temp.services();
    const summary = importConfig(target, sealed, { passphrase: PASSPHRASE });
    expect(summary.connections).toEqual({ created: 2, updated: 0 });
    expect(summary.secretsApplied).toBe(2);
    expect(target.connections.readOAuthTokens(claude)).toEqual(source.connections.readOAuthTokens(claude));
    expect(target.connections.get(claude)).toMatchObject({ providerId: "claude-code", name: "Claude (me@example.com)", priority: 2, enabled: false, auth: { kind: "oauth", state: "ok", account: { email: "me@example.com", plan: "max" } } });
    expect(target.connections.get(copilot)!.auth).toMatchObject({ kind: "oauth", state: "needs-reauth", error: "refresh refused: invalid_grant" });
    // Encrypted under the target's own master key.
    const stored = JSON.stringify(target.store.sqlite.query("SELECT oauth_encrypted FROM connections").all());
    expect(stored).not.toContain("marker");

    // Again onto the same accounts: updated in place, the re-auth state as exported.
    expect(importConfig(target, sealed, { passphrase: PASSPHRASE }).connections).toEqual({ created: 0, updated: 2 });
    expect(target.connections.list()).toHaveLength(2);
  });

  test("an OAuth entry without its sealed token set is refused, saying how to export it; nothing lands", () => {
    const target = temp.services();
    const before = snapshot(target);
    const doc = { format: "omniroute-config", version: 2, connections: [{ id: "conn_x", providerId: "claude-code", name: "Claude", oauth: true }] };
    expect(importError(() => importConfig(target, doc)).message).toContain('connections[0]: "Claude" is a subscription account signed in over OAuth and this file carries no token set for it. Export with --include-secrets');
    const notOAuth = { ...doc, connections: [{ id: "conn_y", providerId: "deepseek", oauth: true }] };
    expect(importError(() => importConfig(target, notOAuth)).message).toContain('provider "deepseek" does not sign in over OAuth');
    expect(snapshot(target)).toEqual(before);
  });

  test("replace removes OAuth accounts only with a document that carries secrets (one without says nothing of them)", () => {
    const target = temp.services();
    const { claude, copilot } = withAccounts(target);
    importConfig(target, { format: "omniroute-config", version: 2, connections: [] }, { replace: true });
    expect(target.connections.list().map((c) => c.id).sort()).toEqual([claude, copilot].sort());
    const source = temp.services();
    const kept = source.connections.createOAuth({ providerId: "claude-code", name: "Other", tokens: TOKENS, account: {} }, { id: claude }).id;
    importConfig(target, exportConfig(source, { includeSecrets: true, passphrase: PASSPHRASE }), { passphrase: PASSPHRASE, replace: true });
    expect(target.connections.list().map((c) => [c.id, c.name])).toEqual([[kept, "Other"]]);
  });
});
