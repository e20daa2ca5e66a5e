import { afterEach, describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { openAppServices } from "../../../src/services/app-services";
import {
  connectionCreateSchema,
  ConnectionValidationError,
  type ConnectionService,
} from "../../../src/services/connection-service";
import { TempDirs } from "../support/temp-data";

const temp = new TempDirs();
afterEach(() => temp.cleanup());

const API_KEY = "sk-plaintext-marker-7f3a9c1e5b";

function validationError(action: () => unknown): ConnectionValidationError {
  try {
    action();
  } catch (error) {
    if (error instanceof ConnectionValidationError) return error;
    throw error;
  }
  throw new Error("expected a ConnectionValidationError");
}

function connectionsIn(service: ConnectionService) {
  return service.list().map((c) => c.id);
}

describe("ConnectionService.create validation", () => {
  test("an unknown provider is refused with status 400 and nothing is stored", () => {
    const { connections } = temp.services();
    const error = validationError(() => connections.create({ providerId: "no-such-provider", apiKey: API_KEY }));
    expect(error.status).toBe(400);
    expect(error.message).toContain('Unknown provider "no-such-provider"');
    expect(connectionsIn(connections)).toEqual([]);
  });

  test("a provider that needs a key refuses a connection without one", () => {
    const { connections } = temp.services();
    const error = validationError(() => connections.create({ providerId: "deepseek" }));
    expect(error.status).toBe(400);
    expect(error.message).toContain('needs an API key ("apiKey")');
    expect(connectionsIn(connections)).toEqual([]);
  });

  test("local providers accept a connection without a key and send no auth header", () => {
    const { connections } = temp.services();
    const view = connections.create({ providerId: "ollama" });
    expect(view.hasApiKey).toBe(false);
    const runtime = connections.getRuntime(view.id)!;
    expect(runtime.apiKey).toBeNull();
    expect(runtime.headers.authorization).toBeUndefined();
    expect(runtime.chatUrl).toBe("http://127.0.0.1:11434/v1/chat/completions");
  });

  test("openai-compatible requires a base URL", () => {
    const { connections } = temp.services();
    for (const baseUrl of [undefined, ""]) {
      const error = validationError(() => connections.create({ providerId: "openai-compatible", alias: "lab", baseUrl }));
      expect(error.message).toContain('needs a base URL ("baseUrl")');
    }
    expect(connectionsIn(connections)).toEqual([]);
  });

  test("openai-compatible requires an alias, and the alias cannot be removed later", () => {
    const { connections } = temp.services();
    const error = validationError(() => connections.create({ providerId: "openai-compatible", baseUrl: "http://127.0.0.1:8000/v1" }));
    expect(error.message).toContain('needs an alias ("alias")');
    const view = connections.create({ providerId: "openai-compatible", alias: "lab", baseUrl: "http://127.0.0.1:8000/v1" });
    expect(validationError(() => connections.update(view.id, { alias: null })).message).toContain("needs an alias");
    expect(connections.get(view.id)!.alias).toBe("lab");
  });

  test("base URLs are validated and normalised", () => {
    const { connections } = temp.services();
    const error = validationError(() =>
      connections.create({ providerId: "openai-compatible", alias: "lab", baseUrl: "http://169.254.169.254/v1" }),
    );
    expect(error.message).toContain("metadata");
    const view = connections.create({ providerId: "openai-compatible", alias: "lab", baseUrl: "http://127.0.0.1:8000/v1/" });
    expect(view.baseUrl).toBe("http://127.0.0.1:8000/v1");
  });

  test("an alias that is a provider id or alias is refused with 409", () => {
    const { connections } = temp.services();
    for (const alias of ["ds", "deepseek", "or", "openai-compatible"]) {
      const error = validationError(() =>
        connections.create({ providerId: "openai-compatible", alias, baseUrl: "http://127.0.0.1:8000/v1" }),
      );
      expect(error.status).toBe(409);
      expect(error.message).toContain(`Alias "${alias}" is already used by provider`);
    }
    expect(connectionsIn(connections)).toEqual([]);
  });

  test("an alias already used by another connection is refused with 409, naming it", () => {
    const { connections } = temp.services();
    connections.create({ providerId: "openai-compatible", name: "Lab box", alias: "lab", baseUrl: "http://127.0.0.1:8000/v1" });
    const error = validationError(() =>
      connections.create({ providerId: "openai-compatible", alias: "lab", baseUrl: "http://127.0.0.1:9000/v1" }),
    );
    expect(error.status).toBe(409);
    expect(error.message).toBe('Alias "lab" is already used by connection "Lab box".');
    expect(connections.list()).toHaveLength(1);
  });

  test("the create schema refuses malformed aliases and unknown fields", () => {
    for (const alias of ["Lab", "-lab", "with space", "a".repeat(33), "lab/x"]) {
      expect(connectionCreateSchema.safeParse({ providerId: "openai-compatible", alias }).success).toBe(false);
    }
    expect(connectionCreateSchema.safeParse({ providerId: "deepseek", apiKey: "k", extra: 1 }).success).toBe(false);
    expect(connectionCreateSchema.safeParse({ providerId: "openai-compatible", alias: "lab-2.local" }).success).toBe(true);
  });
});

describe("ConnectionService.update validation", () => {
  test("renaming the alias to its own value is allowed; to another connection's is refused", () => {
    const { connections } = temp.services();
    const a = connections.create({ providerId: "openai-compatible", alias: "lab-a", baseUrl: "http://127.0.0.1:8000/v1" });
    connections.create({ providerId: "openai-compatible", alias: "lab-b", baseUrl: "http://127.0.0.1:9000/v1" });
    expect(connections.update(a.id, { alias: "lab-a", name: "renamed" }).name).toBe("renamed");
    expect(validationError(() => connections.update(a.id, { alias: "lab-b" })).status).toBe(409);
    expect(validationError(() => connections.update(a.id, { alias: "oai" })).status).toBe(409);
    expect(connections.get(a.id)!.alias).toBe("lab-a");
  });

  test("a required key cannot be removed, an optional one can", () => {
    const { connections } = temp.services();
    const ds = connections.create({ providerId: "deepseek", apiKey: API_KEY });
    expect(validationError(() => connections.update(ds.id, { apiKey: null })).message).toContain("cannot be removed");
    expect(connections.revealApiKey(ds.id)).toBe(API_KEY);
    const local = connections.create({ providerId: "ollama", apiKey: "local-key-1234" });
    expect(connections.update(local.id, { apiKey: null }).hasApiKey).toBe(false);
    expect(connections.revealApiKey(local.id)).toBeNull();
  });

  test("updating a connection that does not exist is a 404", () => {
    const { connections } = temp.services();
    expect(validationError(() => connections.update("conn_missing", { name: "x" })).status).toBe(404);
  });
});

describe("ConnectionService secrets at rest", () => {
  test("the API key is stored encrypted: the raw row holds an envelope and the last four characters only", () => {
    const services = temp.services();
    const view = services.connections.create({ providerId: "deepseek", apiKey: API_KEY });
    const row = services.store.sqlite
      .query<Record<string, unknown>, [string]>("SELECT * FROM connections WHERE id = ?")
      .get(view.id)!;
    expect(JSON.stringify(row)).not.toContain(API_KEY);
    expect(JSON.stringify(row)).not.toContain(API_KEY.slice(0, 12));
    expect(String(row.api_key_encrypted)).toMatch(/^v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(row.api_key_hint).toBe(API_KEY.slice(-4));
    expect(services.secretBox.decrypt(String(row.api_key_encrypted))).toBe(API_KEY);
  });

  test("no file in the data dir contains the key, including the WAL", () => {
    const services = temp.services();
    services.connections.create({ providerId: "deepseek", apiKey: API_KEY });
    services.connections.create({ providerId: "openai", apiKey: `${API_KEY}-second` });
    const files = readdirSync(services.dataDir).filter((f) => f.startsWith("omniroute.sqlite"));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      expect(readFileSync(join(services.dataDir, file)).includes(Buffer.from(API_KEY))).toBe(false);
    }
  });

  test("views expose a preview but never the key or its envelope", () => {
    const { connections } = temp.services();
    const view = connections.create({ providerId: "deepseek", apiKey: API_KEY });
    expect(view.hasApiKey).toBe(true);
    expect(view.apiKeyPreview).toBe(`…${API_KEY.slice(-4)}`);
    const json = JSON.stringify(connections.list());
    expect(json).not.toContain(API_KEY);
    expect(json).not.toContain("v1.");
  });

  test("the runtime view carries the decrypted key in the provider's auth header", () => {
    const { connections } = temp.services();
    const ds = connections.create({ providerId: "deepseek", apiKey: API_KEY });
    const or = connections.create({ providerId: "openrouter", apiKey: `${API_KEY}-or` });
    expect(connections.getRuntime(ds.id)!.headers).toEqual({
      "content-type": "application/json",
      authorization: `Bearer ${API_KEY}`,
    });
    expect(connections.getRuntime(or.id)!.headers["X-Title"]).toBe("OmniRoute");
  });

  test("a reopened store decrypts the key with the same master key file", () => {
    const services = temp.services();
    const id = services.connections.create({ providerId: "deepseek", apiKey: API_KEY }).id;
    services.close();
    const reopened = openAppServices({ dataDir: services.dataDir });
    try {
      expect(reopened.connections.revealApiKey(id)).toBe(API_KEY);
      expect(reopened.connections.getRuntime(id)!.apiKey).toBe(API_KEY);
    } finally {
      reopened.close();
    }
  });

  test("rotating the key re-encrypts it with a fresh envelope and hint", () => {
    const services = temp.services();
    const id = services.connections.create({ providerId: "deepseek", apiKey: API_KEY }).id;
    const envelope = () =>
      services.store.sqlite.query<{ e: string }, [string]>("SELECT api_key_encrypted AS e FROM connections WHERE id = ?").get(id)!.e;
    const before = envelope();
    const view = services.connections.update(id, { apiKey: "sk-rotated-key-9999" });
    expect(envelope()).not.toBe(before);
    expect(view.apiKeyPreview).toBe("…9999");
    expect(services.connections.revealApiKey(id)).toBe("sk-rotated-key-9999");
  });
});
