import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { chatCompletionReply, jsonReply, rateLimitedReply, startRecordedUpstream } from "../fakes/recorded-upstream";
import { expectVisible, openDashboard, SKIP_BROWSER, STEP_TIMEOUT_MS, tabTo, unlabelledControls, type DashboardSession } from "./harness";

/**
 * The Providers and API keys pages against a real gateway and a mock OpenAI-compatible upstream: the catalog is
 * searched, the mock is connected from its card, tested, reprioritised, cooled down by a 429, given a quota, and
 * its provider switched off and on (by keyboard); a client key is created, used through the gateway, and its usage
 * shows on the keys page before it is revoked. Tests run in order on one page.
 */

const RETRY_AFTER_SECONDS = 600;
const CONNECTION_NAME = "Mock upstream";
const PROVIDER_ID = "openai-compatible";

const upstream = startRecordedUpstream((request) => {
  if (request.path.endsWith("/models")) {
    const list = { object: "list", data: ["fine", "limited"].map((id) => ({ id, object: "model", created: 0, owned_by: "mock" })) };
    return jsonReply(200, list);
  }
  const body = request.body ? (JSON.parse(request.body) as { model?: string }) : {};
  if (body.model === "limited") return rateLimitedReply(RETRY_AFTER_SECONDS);
  return chatCompletionReply(body.model ?? "unknown", "chatcmpl-providers");
});

interface CatalogEntry {
  id: string;
  name: string;
  tier: string;
  aliases: string[];
  enabled: boolean;
  models: Array<{ id: string }>;
}

interface StoredConnection {
  id: string;
  name: string;
  priority: number;
}

let session: DashboardSession;
let catalog: CatalogEntry[];
let connectionId: string;
let adminClientKey: string;

async function admin(method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${session.gateway.url}${path}`, {
    method,
    headers: await session.gateway.adminHeaders(),
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

async function chat(key: string, model: string): Promise<number> {
  const response = await fetch(`${session.gateway.url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
    body: JSON.stringify({ model, messages: [{ role: "user", content: "hello" }] }),
  });
  await response.arrayBuffer();
  return response.status;
}

/** The catalog ids the page should show for a query: the page's rule (name, id, alias, then model id). */
function expectedMatches(query: string): string[] {
  const q = query.trim().toLowerCase();
  return catalog
    .filter((p) => [p.name, p.id, ...p.aliases].some((field) => field.toLowerCase().includes(q)) || p.models.some((m) => m.id.toLowerCase().includes(q)))
    .map((p) => p.id)
    .sort();
}

async function shownCards(): Promise<string[]> {
  const ids = await session.page.locator("[data-testid^='provider-card-']").evaluateAll((cards) => cards.map((card) => card.getAttribute("data-testid")!.slice("provider-card-".length)));
  return ids.sort();
}

async function horizontalOverflow(): Promise<number> {
  return session.page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

beforeAll(async () => {
  if (SKIP_BROWSER) return;
  session = await openDashboard();
  catalog = (await (await admin("GET", "/api/providers")).json()) as CatalogEntry[];
  const key = await admin("POST", "/api/keys", { name: "provider-traffic" });
  adminClientKey = ((await key.json()) as { key: string }).key;
  await session.signIn();
}, 60_000);

afterAll(async () => {
  await session?.close();
  upstream.stop();
});

describe.skipIf(SKIP_BROWSER)("providers and API keys pages", () => {
  test("the catalog is grouped by tier and the search filters it by name, alias and model", async () => {
    const { page } = session;
    await page.getByRole("navigation", { name: "Main navigation" }).getByRole("link", { name: "Providers" }).click();
    await expectVisible(page.getByRole("heading", { name: "Providers", level: 1 }));
    await expectVisible(page.getByTestId(`provider-card-${PROVIDER_ID}`));

    for (const tier of ["subscription", "api-key", "cheap", "free", "local"]) {
      const section = page.getByTestId(`provider-tier-${tier}`);
      const ids = catalog.filter((provider) => provider.tier === tier).map((provider) => provider.id);
      expect(ids.length).toBeGreaterThan(0);
      expect(await section.locator("[data-testid^='provider-card-']").count()).toBe(ids.length);
    }
    expect(await shownCards()).toEqual(catalog.map((provider) => provider.id).sort());

    const search = page.getByLabel("Search providers");
    const withAlias = catalog.find((provider) => provider.aliases.some((alias) => !provider.name.toLowerCase().includes(alias)))!;
    const alias = withAlias.aliases.find((candidate) => !withAlias.name.toLowerCase().includes(candidate))!;
    for (const query of ["deepseek", alias, "lm studio"]) {
      await search.fill(query);
      const expected = expectedMatches(query);
      expect(expected.length).toBeGreaterThan(0);
      await page.waitForFunction((count) => document.querySelectorAll("[data-testid^='provider-card-']").length === count, expected.length);
      expect({ query, shown: await shownCards() }).toEqual({ query, shown: expected });
    }
    expect(expectedMatches(alias)).toContain(withAlias.id);

    // A model id finds the providers that serve it, naming the model on the card.
    const model = catalog.find((provider) => provider.models.length > 0)!.models[0]!.id;
    await search.fill(model);
    await expectVisible(page.getByText(model, { exact: true }).first());
    expect(await shownCards()).toEqual(expectedMatches(model));

    await search.fill("no-such-provider-xyz");
    await expectVisible(page.getByText("No provider matches “no-such-provider-xyz”."));
    await search.press("Escape");
    expect(await search.inputValue()).toBe("");
    await page.waitForFunction((count) => document.querySelectorAll("[data-testid^='provider-card-']").length === count, catalog.length);
  }, STEP_TIMEOUT_MS);

  test("Connect on a card presets the form; the mock upstream is connected and tested", async () => {
    const { page } = session;
    const card = page.getByTestId(`provider-card-${PROVIDER_ID}`);
    const providerName = catalog.find((provider) => provider.id === PROVIDER_ID)!.name;
    await card.getByRole("button", { name: `Connect ${providerName}` }).click();
    expect(await page.getByLabel("Provider", { exact: true }).inputValue()).toBe(PROVIDER_ID);
    // The focus moves to the form's first field (the name, whose placeholder is the provider's name).
    await page.waitForFunction((name) => document.activeElement?.getAttribute("placeholder") === name, providerName);

    await page.keyboard.type(CONNECTION_NAME);
    await page.getByLabel("Base URL").fill(`${upstream.url}/v1`);
    await page.getByLabel("Alias").fill("mock");
    await page.getByRole("button", { name: "Add connection" }).click();
    await expectVisible(page.getByText(`Connection “${CONNECTION_NAME}” added.`));
    await expectVisible(card.getByText("Connected: 1"));

    const connections = (await (await admin("GET", "/api/connections")).json()) as StoredConnection[];
    connectionId = connections.find((connection) => connection.name === CONNECTION_NAME)!.id;
    const row = page.getByTestId(`connection-${connectionId}`);
    await expectVisible(row.getByText("Not used since the gateway started."));
    await expectVisible(row.getByText("No quota windows."));

    await row.getByRole("button", { name: `Test ${CONNECTION_NAME}` }).click();
    await expectVisible(row.getByText(/OK · \d+ ms · 2 models/));
  }, STEP_TIMEOUT_MS);

  test("the priority is saved with Enter and shows in GET /api/connections", async () => {
    const { page } = session;
    const priority = page.getByRole("spinbutton", { name: `Priority of ${CONNECTION_NAME}` });
    expect(await priority.inputValue()).toBe("0");
    await priority.fill("7");
    await priority.press("Enter");
    await expectVisible(page.getByText(`Priority of ${CONNECTION_NAME} set to 7.`));
    const connections = (await (await admin("GET", "/api/connections")).json()) as StoredConnection[];
    expect(connections.find((connection) => connection.id === connectionId)!.priority).toBe(7);

    await priority.fill("2.5");
    await priority.press("Enter");
    await expectVisible(page.getByText("Priority must be a whole number from -1000 to 1000."));
    expect(await priority.getAttribute("aria-invalid")).toBe("true");
    await priority.fill("7");
    await priority.press("Enter");
    await page.getByText("Priority must be a whole number from -1000 to 1000.").waitFor({ state: "detached" });
    expect(await priority.getAttribute("aria-invalid")).toBe("false");
  }, STEP_TIMEOUT_MS);

  test("a 429 from the upstream shows as a cool-down with its countdown, breaker and last failure, and is reset", async () => {
    const { page } = session;
    expect(await chat(adminClientKey, "mock/fine")).toBe(200);
    expect(await chat(adminClientKey, "mock/limited")).toBe(429);

    const row = page.getByTestId(`connection-${connectionId}`);
    // The page reads routing health again every few seconds while visible.
    await row.getByTestId("connection-availability").getByText(/^Cooling down · 9m \d+s$/).waitFor({ timeout: 8_000 });
    await expectVisible(row.getByText("Breaker closed"));
    await expectVisible(row.getByTestId("connection-last-failure").getByText("429 rate_limit_exceeded"));
    await expectVisible(row.getByText(/^Uses since the gateway started: \d+/));
    await session.screenshots("providers-cooling-down");

    await row.getByRole("button", { name: `Reset routing state of ${CONNECTION_NAME}` }).click();
    await row.getByTestId("connection-availability").getByText("Available", { exact: true }).waitFor();
    const routing = (await (await admin("GET", "/api/health/routing")).json()) as { accounts: Array<{ connectionId: string; availability: { available: boolean } }> };
    expect(routing.accounts.find((account) => account.connectionId === connectionId)!.availability.available).toBe(true);
  }, STEP_TIMEOUT_MS);

  test("a quota set through the API shows as a bar with its reset countdown; the editor changes it", async () => {
    const { page } = session;
    const put = await admin("PUT", `/api/connections/${connectionId}/quota`, {
      windows: [{ id: "day", window: { kind: "daily", resetHour: 0, utcOffsetMinutes: 0 }, limits: { requests: 10 } }],
    });
    expect(put.status).toBe(200);
    await page.getByRole("button", { name: "Refresh" }).click();
    const row = page.getByTestId(`connection-${connectionId}`);
    const bar = row.getByRole("progressbar", { name: /^day · daily/ });
    await expectVisible(bar);
    // One request served (the 429 is not counted): 1 of 10.
    expect(await bar.getAttribute("aria-valuenow")).toBe("10");
    await expectVisible(row.getByText(/1 of 10 requests · resets in \d+h/));

    await row.getByRole("button", { name: `Edit quota of ${CONNECTION_NAME}` }).click();
    const dialog = page.getByRole("dialog", { name: `Quota windows of ${CONNECTION_NAME}` });
    await expectVisible(dialog);
    expect(await dialog.getByLabel("Window id").inputValue()).toBe("day");
    expect(await dialog.getByLabel("Requests limit").inputValue()).toBe("10");
    await dialog.getByLabel("Requests limit").fill("4");
    await dialog.getByRole("button", { name: "Save quota" }).click();
    await dialog.waitFor({ state: "hidden" });
    await page.waitForFunction((element) => element?.getAttribute("aria-valuenow") === "25", await bar.elementHandle());
    const quota = (await (await admin("GET", "/api/quota")).json()) as { connections: Array<{ connectionId: string; windows: Array<{ limits: { requests: number } }> }> };
    expect(quota.connections.find((entry) => entry.connectionId === connectionId)!.windows[0]!.limits.requests).toBe(4);
  }, STEP_TIMEOUT_MS);

  test("keyboard only: the provider is switched off and on with Tab and Space", async () => {
    const { page } = session;
    const providerName = catalog.find((provider) => provider.id === PROVIDER_ID)!.name;
    const providerSwitch = page.getByRole("switch", { name: `Provider on: ${providerName}` });
    await page.getByRole("heading", { name: "Providers", level: 1 }).click();
    await tabTo(page, providerSwitch, 120);
    await page.keyboard.press("Space");
    await expectVisible(page.getByText(`${providerName} is switched off: its connections serve nothing until it is switched on again.`));
    const stored = async () => ((await (await admin("GET", "/api/providers")).json()) as CatalogEntry[]).find((provider) => provider.id === PROVIDER_ID)!.enabled;
    expect(await stored()).toBe(false);
    expect(await providerSwitch.isChecked()).toBe(false);
    await expectVisible(page.getByTestId(`connection-${connectionId}`).getByText("Provider switched off"));
    expect(await chat(adminClientKey, "mock/fine")).not.toBe(200);

    await page.keyboard.press("Space");
    await expectVisible(page.getByText(`${providerName} is switched on.`));
    expect(await stored()).toBe(true);
    expect(await chat(adminClientKey, "mock/fine")).toBe(200);
    await page.getByTestId(`connection-${connectionId}`).getByText("Provider switched off").waitFor({ state: "detached" });
  }, STEP_TIMEOUT_MS);

  test("providers page: labelled controls, no sideways scroll at 390 px, screenshots", async () => {
    const { page } = session;
    expect(await unlabelledControls(page)).toEqual([]);
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await horizontalOverflow()).toBeLessThanOrEqual(0);
    await page.setViewportSize({ width: 1440, height: 900 });
    await session.screenshots("providers");
  }, STEP_TIMEOUT_MS);

  test("API keys: a new key's requests through the gateway show in its usage and last use; then it is revoked", async () => {
    const { page } = session;
    await page.getByRole("navigation", { name: "Main navigation" }).getByRole("link", { name: "API keys" }).click();
    await expectVisible(page.getByRole("heading", { name: "Create a key" }));
    await page.getByLabel("Name", { exact: true }).fill("usage-key");
    await page.getByRole("button", { name: "Create key" }).click();
    const secret = await page.getByTestId("new-api-key-secret").inputValue();
    await page.getByRole("button", { name: "I have saved it" }).click();

    const keys = (await (await admin("GET", "/api/keys")).json()) as Array<{ id: string; name: string }>;
    const keyId = keys.find((key) => key.name === "usage-key")!.id;
    const row = page.getByTestId(`api-key-${keyId}`);
    await row.getByTestId("api-key-requests").filter({ hasText: /^0$/ }).waitFor();
    expect(await row.getByTestId("api-key-last-used").textContent()).toBe("Never");

    expect(await chat(secret, "mock/fine")).toBe(200);
    expect(await chat(secret, "mock/fine")).toBe(200);
    expect(await chat(secret, "mock/limited")).not.toBe(200);
    await page.getByRole("button", { name: "Refresh" }).click();
    await row.getByTestId("api-key-requests").filter({ hasText: /^3$/ }).waitFor();
    expect(await row.getByTestId("api-key-failed").textContent()).toBe("1 failed");
    expect(await row.getByTestId("api-key-tokens").textContent()).toBe("24");
    expect(await row.getByTestId("api-key-tokens-split").textContent()).toBe("20 in · 4 out");
    expect(await row.getByTestId("api-key-last-used").textContent()).not.toBe("Never");
    // The other key's traffic is counted on its own row.
    const otherId = keys.find((key) => key.name === "provider-traffic")!.id;
    expect(Number(await page.getByTestId(`api-key-${otherId}`).getByTestId("api-key-requests").textContent())).toBeGreaterThanOrEqual(3);

    expect(await unlabelledControls(page)).toEqual([]);
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await horizontalOverflow()).toBeLessThanOrEqual(0);
    await page.setViewportSize({ width: 1440, height: 900 });
    await session.screenshots("api-keys");

    await page.getByRole("button", { name: "Revoke usage-key" }).click();
    await page.getByRole("dialog", { name: "Revoke this API key?" }).getByRole("button", { name: "Revoke" }).click();
    await page.getByRole("button", { name: "Revoke usage-key" }).waitFor({ state: "detached" });
    expect(await chat(secret, "mock/fine")).toBe(401);
    // Usage of a revoked key stays visible.
    expect(await row.getByTestId("api-key-requests").textContent()).toBe("3");
    expect(session.pageErrors).toEqual([]);
  }, STEP_TIMEOUT_MS);
});
