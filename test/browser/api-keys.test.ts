import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { chatCompletionReply, jsonReply, startRecordedUpstream } from "../fakes/recorded-upstream";
import { expectVisible, openDashboard, SKIP_BROWSER, STEP_TIMEOUT_MS, tabTo, unlabelledControls, type DashboardSession } from "./harness";

/**
 * The API keys page's access controls against a real gateway and a mock OpenAI-compatible upstream reached
 * through two providers ("mock" and vLLM as "side"). A key limited to one model pattern, with vLLM blocked,
 * an expiry and a rate limit is created through the form; real calls with its secret prove the scope; the key
 * is edited to "All models" and the outside model is served, the blocked provider still refused. Then a key's
 * budget: set through the form, spent by one priced call (429 budget_exceeded), shown exceeded, removed; a key
 * with several budgets made through the API shows them read-only. Tests run in order on one page.
 */

const KEY_NAME = "scoped-key";
const ALLOWED_PATTERN = "mock/f*";
const BLOCKED_PROVIDER = "vllm";
const EXPIRY_LOCAL = "2031-05-04T10:30";

const upstream = startRecordedUpstream((request) => {
  if (request.path.endsWith("/models")) {
    const list = { object: "list", data: ["fine", "other"].map((id) => ({ id, object: "model", created: 0, owned_by: "mock" })) };
    return jsonReply(200, list);
  }
  const body = request.body ? (JSON.parse(request.body) as { model?: string }) : {};
  return chatCompletionReply(body.model ?? "unknown", "chatcmpl-keys");
});

interface StoredKey {
  id: string;
  name: string;
  permissions: { allow: string[] | null; blockedProviders: string[] };
  expiresAt: string | null;
  expired: boolean;
  rateLimit: { rpm: number } | null;
}

let session: DashboardSession;
let secret: string;
let keyId: string;

async function admin(method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${session.gateway.url}${path}`, {
    method,
    headers: await session.gateway.adminHeaders(),
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

async function storedKey(name: string): Promise<StoredKey> {
  const keys = (await (await admin("GET", "/api/keys")).json()) as StoredKey[];
  return keys.find((key) => key.name === name)!;
}

/** One chat call through the gateway with a client key: status, the error code if refused, the model that answered. */
async function chat(key: string, model: string): Promise<{ status: number; code: string | undefined; model: string | undefined; retryAfter: string | null }> {
  const response = await fetch(`${session.gateway.url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
    body: JSON.stringify({ model, messages: [{ role: "user", content: "hello" }] }),
  });
  const body = (await response.json()) as { model?: string; error?: { code?: string } };
  return { status: response.status, code: body.error?.code, model: body.model, retryAfter: response.headers.get("retry-after") };
}

/** Chat requests the mock upstream received for `model` (its own id, without the alias). */
const servedCount = (model: string) =>
  upstream.requests.filter((request) => request.path.endsWith("/chat/completions") && (JSON.parse(request.body) as { model: string }).model === model).length;

async function horizontalOverflow(): Promise<number> {
  return session.page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

/** Every control labelled, no sideways scroll at 1440 and 390 px, then screenshots at both widths. */
async function checkLayout(screenshotName: string): Promise<void> {
  const { page } = session;
  expect(await unlabelledControls(page)).toEqual([]);
  for (const width of [1440, 390]) {
    await page.setViewportSize({ width, height: width === 390 ? 844 : 900 });
    expect({ width, overflow: await horizontalOverflow() }).toEqual({ width, overflow: 0 });
  }
  await page.setViewportSize({ width: 1440, height: 900 });
  // From the top: a full-page capture of a scrolled page draws the sticky header mid-page.
  await page.evaluate(() => window.scrollTo(0, 0));
  await session.screenshots(screenshotName);
}

/** Saves the edit form with an expiry long past: the gateway's own words show in the form's live region. */
async function saveRefusedExpiry(): Promise<void> {
  const { page } = session;
  await page.getByLabel("Expires", { exact: true }).fill("2001-01-01T00:00");
  await page.getByRole("button", { name: "Save changes" }).click();
  const region = page.getByTestId("api-key-form-error");
  await region.locator(".form-error").waitFor();
  expect(await region.getAttribute("role")).toBe("alert");
  expect(await region.textContent()).toMatch(/expiresAt is in the past/);
}

beforeAll(async () => {
  if (SKIP_BROWSER) return;
  session = await openDashboard();
  for (const connection of [
    { providerId: "openai-compatible", name: "Mock", alias: "mock", models: ["fine", "other"] },
    { providerId: BLOCKED_PROVIDER, name: "Side", alias: "side", models: ["fine"] },
  ]) {
    const created = await admin("POST", "/api/connections", { ...connection, baseUrl: `${upstream.url}/v1` });
    if (created.status !== 201) throw new Error(`connection setup failed: ${created.status} ${await created.text()}`);
  }
  await session.signIn();
}, 60_000);

afterAll(async () => {
  await session?.close();
  upstream.stop();
});

describe.skipIf(SKIP_BROWSER)("API keys page: scopes, expiry and rate limit", () => {
  test("a key limited to one pattern, with a blocked provider, an expiry and a rate limit is created through the form", async () => {
    const { page } = session;
    await page.getByRole("navigation", { name: "Main navigation" }).getByRole("link", { name: "API keys" }).click();
    await expectVisible(page.getByRole("heading", { name: "Create a key" }));

    await page.getByLabel("Name", { exact: true }).fill(KEY_NAME);
    await page.getByRole("radio", { name: "Only what is listed: models, patterns, providers, combos" }).check();
    // Restricted with nothing listed is refused before anything is sent, in the form's live region.
    await page.getByRole("button", { name: "Create key" }).click();
    await expectVisible(page.getByRole("alert").getByText("Add at least one entry under “Models this key may use”", { exact: false }));

    // The catalog's model list is offered; a pattern is typed by hand and added with Enter.
    const rulePicker = page.getByRole("combobox", { name: "Add an allowed entry" });
    await rulePicker.fill("mock/");
    await expectVisible(page.getByRole("option", { name: /mock\/other/ }));
    await rulePicker.fill(ALLOWED_PATTERN);
    await expectVisible(page.getByRole("option", { name: `${ALLOWED_PATTERN} Add as typed · Pattern` }));
    await rulePicker.press("Enter");
    await expectVisible(page.getByTestId("key-rules").getByText(ALLOWED_PATTERN, { exact: true }));

    // Keyboard only: Tab to the provider picker, type, choose with the arrow keys, Enter blocks it.
    const blockPicker = page.getByRole("combobox", { name: "Block a provider" });
    await tabTo(page, blockPicker);
    await page.keyboard.type("vll");
    await page.keyboard.press("ArrowDown");
    expect(await blockPicker.getAttribute("aria-activedescendant")).toBeTruthy();
    await page.keyboard.press("Enter");
    await expectVisible(page.getByRole("button", { name: "Unblock vLLM" }));

    await page.getByLabel("Expires", { exact: true }).fill(EXPIRY_LOCAL);
    await page.getByLabel("Rate limit (requests per minute)").fill("60");
    await page.getByRole("button", { name: "Create key" }).click();
    secret = await page.getByTestId("new-api-key-secret").inputValue();
    await page.getByRole("button", { name: "I have saved it" }).click();

    const stored = await storedKey(KEY_NAME);
    keyId = stored.id;
    const expectedExpiry = await page.evaluate((local) => new Date(local).toISOString(), EXPIRY_LOCAL);
    expect(stored.permissions).toEqual({ allow: [ALLOWED_PATTERN], blockedProviders: [BLOCKED_PROVIDER] });
    expect(stored.rateLimit).toEqual({ rpm: 60 });
    expect(stored.expiresAt).toBe(expectedExpiry);
    expect(stored.expired).toBe(false);

    const row = page.getByTestId(`api-key-${keyId}`);
    await expectVisible(row.getByTestId("api-key-scope").getByText("1 rule, 1 blocked provider", { exact: true }));
    expect(await row.getByTestId("api-key-rate-limit").textContent()).toBe("60 / min");
    expect(await row.getByTestId("api-key-status").textContent()).toContain("Expires");
    // The create form is empty again, ready for the next key.
    expect(await page.getByLabel("Name", { exact: true }).inputValue()).toBe("");
  }, STEP_TIMEOUT_MS);

  test("calls with the new key: inside the pattern served by the mock upstream, outside it and the blocked provider refused 403", async () => {
    const servedBefore = servedCount("fine");
    const inside = await chat(secret, "mock/fine");
    expect(inside).toMatchObject({ status: 200, model: "fine" });
    expect(servedCount("fine")).toBe(servedBefore + 1);

    const otherBefore = servedCount("other");
    expect(await chat(secret, "mock/other")).toMatchObject({ status: 403, code: "model_not_allowed" });
    expect(await chat(secret, "side/fine")).toMatchObject({ status: 403, code: "model_not_allowed" });
    expect(servedCount("other")).toBe(otherBefore);
    expect(servedCount("fine")).toBe(servedBefore + 1);

    const models = (await (await fetch(`${session.gateway.url}/v1/models`, { headers: { authorization: `Bearer ${secret}` } })).json()) as { data: Array<{ id: string }> };
    expect(models.data.map((model) => model.id)).toEqual(["mock/fine"]);
  }, STEP_TIMEOUT_MS);

  test("the edit form shows the stored values; labelled controls, no sideways scroll, screenshots", async () => {
    const { page } = session;
    await page.getByRole("button", { name: `Edit ${KEY_NAME}` }).click();
    await expectVisible(page.getByRole("heading", { name: `Edit key “${KEY_NAME}”` }));
    expect(await page.getByLabel("Name", { exact: true }).inputValue()).toBe(KEY_NAME);
    expect(await page.getByRole("radio", { name: "Only what is listed: models, patterns, providers, combos" }).isChecked()).toBe(true);
    await expectVisible(page.getByTestId("key-rules").getByText(ALLOWED_PATTERN, { exact: true }));
    await expectVisible(page.getByRole("button", { name: "Unblock vLLM" }));
    expect(await page.getByLabel("Expires", { exact: true }).inputValue()).toBe(EXPIRY_LOCAL);
    expect(await page.getByLabel("Rate limit (requests per minute)").inputValue()).toBe("60");

    await checkLayout("api-keys-edit-scope");
  }, STEP_TIMEOUT_MS);

  test("the server's refusal shows next to the form in a live region", async () => {
    const { page } = session;
    // A date long past: the form sends it, the gateway answers what to fix in its own words.
    await saveRefusedExpiry();
    expect((await storedKey(KEY_NAME)).expiresAt).not.toBe(new Date("2001-01-01T00:00").toISOString());
    await page.getByLabel("Expires", { exact: true }).fill(EXPIRY_LOCAL);
  }, STEP_TIMEOUT_MS);

  test("edited to All models, the outside model is served; the blocked provider stays refused", async () => {
    const { page } = session;
    await page.getByRole("radio", { name: "All models and combos" }).check();
    await page.getByRole("button", { name: "Save changes" }).click();
    await expectVisible(page.getByTestId("api-keys-notice").getByText(`Key “${KEY_NAME}” saved.`));
    await expectVisible(page.getByRole("heading", { name: "Create a key" }));
    // Focus goes back to the Edit button that opened the form.
    expect(await page.evaluate(() => document.activeElement?.getAttribute("aria-label"))).toBe(`Edit ${KEY_NAME}`);

    const stored = await storedKey(KEY_NAME);
    expect(stored.permissions).toEqual({ allow: null, blockedProviders: [BLOCKED_PROVIDER] });
    expect(stored.rateLimit).toEqual({ rpm: 60 });
    expect(stored.expiresAt).toBe(await page.evaluate((local) => new Date(local).toISOString(), EXPIRY_LOCAL));
    const row = page.getByTestId(`api-key-${keyId}`);
    await expectVisible(row.getByTestId("api-key-scope").getByText("All models, 1 blocked provider", { exact: true }));

    const otherBefore = servedCount("other");
    expect(await chat(secret, "mock/other")).toMatchObject({ status: 200, model: "other" });
    expect(servedCount("other")).toBe(otherBefore + 1);
    expect(await chat(secret, "side/fine")).toMatchObject({ status: 403, code: "model_not_allowed" });
  }, STEP_TIMEOUT_MS);

  test("a lowered rate limit answers 429 with Retry-After", async () => {
    const { page } = session;
    await page.getByRole("button", { name: `Edit ${KEY_NAME}` }).click();
    await page.getByLabel("Rate limit (requests per minute)").fill("1");
    await page.getByRole("button", { name: "Save changes" }).click();
    await expectVisible(page.getByTestId(`api-key-${keyId}`).getByTestId("api-key-rate-limit").getByText("1 / min", { exact: true }));
    await chat(secret, "mock/fine");
    const limited = await chat(secret, "mock/fine");
    expect(limited.status).toBe(429);
    expect(Number(limited.retryAfter)).toBeGreaterThan(0);
  }, STEP_TIMEOUT_MS);

  test("an expired key shows as expired in the table and is refused", async () => {
    const { page } = session;

    // Expiry is minute-grained in the form; a key about to expire is made through the API to see it lapse.
    const soon = await admin("POST", "/api/keys", { name: "short-lived", expiresAt: new Date(Date.now() + 1_500).toISOString() });
    expect(soon.status).toBe(201);
    const shortLived = (await soon.json()) as { id: string; key: string };
    await Bun.sleep(1_700);
    expect((await chat(shortLived.key, "mock/fine")).status).toBe(401);
    await page.getByRole("button", { name: "Refresh" }).click();
    const expiredRow = page.getByTestId(`api-key-${shortLived.id}`);
    await expectVisible(expiredRow.getByTestId("api-key-expired"));
    expect(await expiredRow.getByTestId("api-key-expired").textContent()).toBe("Expired");
    // When it expired, under the badge.
    await expectVisible(expiredRow.getByTestId("api-key-status").getByText(/^Expired .*\d/));
    await page.evaluate(() => window.scrollTo(0, 0));
    await session.screenshots("api-keys-list");
    expect(session.pageErrors).toEqual([]);
  }, STEP_TIMEOUT_MS);
});

/** The key-budget steps: a $0.0001 daily budget set through the form, spent by one priced call, then removed. */
const BUDGET_KEY = "budgeted-key";
const BUDGET_MODEL = "fine";
const BUDGET_LIMIT = "0.0001";
let budgetSecret: string;
let budgetKeyId: string;

interface StoredBudget {
  id: string;
  name: string;
  scope: string;
  scopeId: string;
  window: Record<string, unknown>;
  windowLabel: string;
  limitUsd: number;
  exceeded: boolean;
  reopensAt: string | null;
}

async function keyBudgets(id: string): Promise<StoredBudget[]> {
  const budgets = (await (await admin("GET", "/api/budgets")).json()) as StoredBudget[];
  return budgets.filter((budget) => budget.scope === "key" && budget.scopeId === id);
}

async function chatStatus(key: string): Promise<{ status: number; code: string | undefined }> {
  const { status, code } = await chat(key, `mock/${BUDGET_MODEL}`);
  return { status, code };
}

describe.skipIf(SKIP_BROWSER)("API keys page: a key's budget", () => {
  test("a key with a $0.0001 daily budget is created through the form", async () => {
    const { page } = session;
    // $1000 per million tokens: the mock's 12 tokens cost $0.012, far past the budget in one call.
    const priced = await admin("PATCH", "/api/settings", { pricing: { models: { [`openai-compatible/${BUDGET_MODEL}`]: { input: 1000, output: 1000 } } } });
    expect(priced.status).toBe(200);
    await expectVisible(page.getByRole("heading", { name: "Create a key" }));

    await page.getByLabel("Name", { exact: true }).fill(BUDGET_KEY);
    // Keyboard only to the budget's limit; a limit that is no amount is refused before anything is sent.
    const limit = page.getByLabel("Limit (US dollars)", { exact: true });
    await tabTo(page, limit);
    await page.keyboard.type("five");
    await page.getByRole("button", { name: "Create key" }).click();
    await expectVisible(page.getByRole("alert").getByText("The budget must be an amount of US dollars above 0", { exact: false }));
    expect(await limit.getAttribute("aria-invalid")).toBe("true");
    expect(await storedKey(BUDGET_KEY)).toBeUndefined();

    await limit.fill(BUDGET_LIMIT);
    const period = page.getByLabel("Period", { exact: true });
    expect(await period.inputValue()).toBe("daily");
    await expectVisible(page.getByText("Times are in UTC.", { exact: true }));
    // Each period shows the one field it needs.
    await period.selectOption("rolling");
    await expectVisible(page.getByLabel("Hours counted"));
    await period.selectOption("weekly");
    await expectVisible(page.getByLabel("Resets every week on (at 00:00 UTC)"));
    await period.selectOption("daily");
    expect(await page.getByLabel("Resets every day at (UTC)").inputValue()).toBe("0");

    await page.getByRole("button", { name: "Create key" }).click();
    budgetSecret = await page.getByTestId("new-api-key-secret").inputValue();
    await page.getByRole("button", { name: "I have saved it" }).click();

    budgetKeyId = (await storedKey(BUDGET_KEY)).id;
    const budgets = await keyBudgets(budgetKeyId);
    expect(budgets).toHaveLength(1);
    expect(budgets[0]).toMatchObject({ name: `${BUDGET_KEY} budget`, limitUsd: 0.0001, window: { kind: "daily", resetHour: 0, utcOffsetMinutes: 0 }, windowLabel: "daily @ 00:00 UTC" });

    const cell = page.getByTestId(`api-key-${budgetKeyId}`).getByTestId("api-key-budget");
    await expectVisible(cell.getByText("$0.00 of $0.0001", { exact: true }));
    await expectVisible(cell.getByText("daily @ 00:00 UTC", { exact: true }));
    // The create form is empty again, budget included.
    expect(await limit.inputValue()).toBe("");
  }, STEP_TIMEOUT_MS);

  test("one call spends the budget; the next gets 429 budget_exceeded and the table shows it exceeded", async () => {
    const { page } = session;
    expect(await chatStatus(budgetSecret)).toEqual({ status: 200, code: undefined });
    // Spend is counted when the request log's batch is written (~100 ms after the answer).
    for (let i = 0; i < 50 && !(await keyBudgets(budgetKeyId))[0]!.exceeded; i++) await Bun.sleep(50);
    const spent = (await keyBudgets(budgetKeyId))[0]!;
    expect(spent.exceeded).toBe(true);
    const calls = upstream.requests.length;
    expect(await chatStatus(budgetSecret)).toEqual({ status: 429, code: "budget_exceeded" });
    expect(upstream.requests.length).toBe(calls);

    await page.getByRole("button", { name: "Refresh" }).click();
    const cell = page.getByTestId(`api-key-${budgetKeyId}`).getByTestId("api-key-budget");
    await expectVisible(cell.getByTestId("key-budget-exceeded"));
    expect(await cell.getByTestId("key-budget-exceeded").textContent()).toBe("Exceeded");
    expect(await cell.getByTestId("key-budget-spent").textContent()).toBe("$0.012 of $0.0001");
    // When it lets calls through again, in the browser's time.
    const reopens = await page.evaluate((iso) => new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "short" }).format(new Date(iso)), spent.reopensAt!);
    await expectVisible(cell.getByText(`Reopens ${reopens}`, { exact: true }));
  }, STEP_TIMEOUT_MS);

  test("the edit form shows the budget; labelled controls, no sideways scroll, screenshots", async () => {
    const { page } = session;
    await page.getByRole("button", { name: `Edit ${BUDGET_KEY}` }).click();
    await expectVisible(page.getByRole("heading", { name: `Edit key “${BUDGET_KEY}”` }));
    expect(await page.getByLabel("Limit (US dollars)", { exact: true }).inputValue()).toBe(BUDGET_LIMIT);
    expect(await page.getByLabel("Period", { exact: true }).inputValue()).toBe("daily");
    await expectVisible(page.getByTestId("key-budget").getByTestId("key-budget-exceeded"));
    await checkLayout("api-key-budget-edit");
  }, STEP_TIMEOUT_MS);

  test("a key change the server refuses is shown in the form's live region and leaves the budget as it was", async () => {
    const { page } = session;
    await page.getByLabel("Limit (US dollars)", { exact: true }).fill("7");
    await saveRefusedExpiry();
    expect((await keyBudgets(budgetKeyId))[0]!.limitUsd).toBe(0.0001);
    await page.getByRole("button", { name: "Clear the expiry: the key never expires" }).click();
    await page.getByLabel("Limit (US dollars)", { exact: true }).fill(BUDGET_LIMIT);
  }, STEP_TIMEOUT_MS);

  test("edited to remove the budget, the key's calls pass again", async () => {
    const { page } = session;
    await page.getByLabel("Limit (US dollars)", { exact: true }).fill("");
    await page.getByRole("button", { name: "Save changes" }).click();
    await expectVisible(page.getByTestId("api-keys-notice").getByText(`Key “${BUDGET_KEY}” saved.`));
    expect(await keyBudgets(budgetKeyId)).toEqual([]);
    await expectVisible(page.getByTestId(`api-key-${budgetKeyId}`).getByTestId("api-key-budget").getByText("None", { exact: true }));
    expect(await chatStatus(budgetSecret)).toEqual({ status: 200, code: undefined });
  }, STEP_TIMEOUT_MS);

  test("a key with several budgets made through the API shows them read-only and keeps them on save", async () => {
    const { page } = session;
    for (const [name, limitUsd] of [["team daily", 5], ["team monthly", 50]] as const) {
      const window = name === "team daily" ? { kind: "daily" } : { kind: "monthly", resetDay: 1 };
      expect((await admin("POST", "/api/budgets", { name, scope: "key", scopeId: budgetKeyId, window, limitUsd })).status).toBe(201);
    }
    const before = await keyBudgets(budgetKeyId);
    await page.getByRole("button", { name: "Refresh" }).click();
    const cell = page.getByTestId(`api-key-${budgetKeyId}`).getByTestId("api-key-budget");
    await expectVisible(cell.getByText("team monthly", { exact: true }));

    await page.getByRole("button", { name: `Edit ${BUDGET_KEY}` }).click();
    const fieldset = page.getByTestId("key-budget");
    await expectVisible(fieldset.getByText("This key has 2 budgets. They are managed through the API", { exact: false }));
    await expectVisible(fieldset.getByText("team daily", { exact: true }));
    expect(await page.getByLabel("Limit (US dollars)", { exact: true }).count()).toBe(0);
    await page.evaluate(() => window.scrollTo(0, 0));
    await session.screenshots("api-key-budget-managed");
    await page.getByLabel("Rate limit (requests per minute)").fill("100");
    await page.getByRole("button", { name: "Save changes" }).click();
    await expectVisible(page.getByTestId("api-keys-notice").getByText(`Key “${BUDGET_KEY}” saved.`));
    expect((await keyBudgets(budgetKeyId)).map(({ id, name, limitUsd }) => ({ id, name, limitUsd }))).toEqual(before.map(({ id, name, limitUsd }) => ({ id, name, limitUsd })));
    expect(session.pageErrors).toEqual([]);
  }, STEP_TIMEOUT_MS);
});
