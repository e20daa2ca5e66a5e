import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Page } from "playwright-core";
import { fixtureReply, startRecordedUpstream, type RecordedReply, type SeenRequest } from "../fakes/recorded-upstream";
import { expectVisible, openDashboard, SKIP_BROWSER, STEP_TIMEOUT_MS, type DashboardSession } from "./harness";

/**
 * The proof, as one user would do it on a fresh gateway, in the browser only: sign in, the setup wizard
 * against a mock upstream, a second provider, a combo, a key, a chat through the Translator's chat tester, that
 * request found in the Logs and in the Usage chart, then the language and the theme switched and back.
 * Tests run in order on one page; every page visited is also shot at 1440 and 390 px.
 */

const encoder = new TextEncoder();
const json = (value: unknown): RecordedReply => ({ status: 200, contentType: "application/json", pieces: [encoder.encode(JSON.stringify(value))] });
/** A mock upstream that lists one model and answers generations with a recorded reply of its format. */
const mockUpstream = (model: string, generation: RecordedReply) =>
  startRecordedUpstream((request: SeenRequest) =>
    request.path.endsWith("/models") ? json({ object: "list", data: [{ id: model, object: "model", type: "model", created: 0, owned_by: "mock" }] }) : generation,
  );
const chatUpstream = mockUpstream("mock-model", fixtureReply("openai-chat", "text-nonstream").reply);
const anthropicUpstream = mockUpstream("claude-mock", fixtureReply("anthropic", "text-nonstream").reply);
/** What the recorded Anthropic upstream answers (anthropic/text-nonstream.response.json). */
const ANTHROPIC_ANSWER = "Hello! I'm doing well, thanks for asking.";
const COMBO = "journey";

let session: DashboardSession;
let page: Page;
let chatSentAt: number;
/** Nav paths already shot on the way; the last step shoots the others. */
const shotPaths = new Set<string>();

async function shoot(name: string): Promise<void> {
  shotPaths.add(new URL(page.url()).pathname);
  await session.screenshots(`journey-${name}`);
}

const nav = () => page.getByRole("navigation", { name: "Main navigation" });

async function openPage(link: string, heading = link): Promise<void> {
  await nav().getByRole("link", { name: link, exact: true }).click();
  await expectVisible(page.getByRole("heading", { name: heading, level: 1 }));
}

beforeAll(async () => {
  if (SKIP_BROWSER) return;
  session = await openDashboard({ onboarding: true });
  page = session.page;
}, 60_000);

afterAll(async () => {
  await session?.close();
  chatUpstream.stop();
  anthropicUpstream.stop();
});

describe.skipIf(SKIP_BROWSER)("a user's journey through the dashboard", () => {
  test("sign in, then the setup wizard: a provider, a combo from the template, a key", async () => {
    await page.goto(session.url("/"));
    await page.waitForURL((url) => url.pathname === "/login");
    await shoot("login");
    await page.getByLabel("Password").fill(session.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL((url) => url.pathname === "/welcome");

    await page.getByLabel("Provider", { exact: true }).selectOption("openai-compatible");
    await page.getByLabel("Name", { exact: true }).fill("Mock upstream");
    await page.getByLabel("Base URL").fill(`${chatUpstream.url}/v1`);
    await page.getByLabel("Alias").fill("mock");
    await page.getByRole("button", { name: "Add connection" }).click();
    await expectVisible(page.getByText(/OK · \d+ ms · 1 models/));
    await shoot("wizard-connect");
    await page.getByRole("button", { name: "Next", exact: true }).click();

    await expectVisible(page.getByRole("heading", { name: "Build a combo", level: 2 }));
    await expectVisible(page.getByRole("group", { name: "Targets, tried in this order" }).getByText("mock/mock-model"));
    await page.getByRole("button", { name: "Create combo" }).click();

    await expectVisible(page.getByRole("heading", { name: "Create a client key", level: 2 }));
    await page.getByLabel("Name", { exact: true }).fill("wizard-key");
    await page.getByRole("button", { name: "Create key" }).click();
    expect(await page.getByTestId("new-api-key-secret").inputValue()).toStartWith("omr_");
    await page.getByRole("button", { name: "I have saved it" }).click();

    await expectVisible(page.getByRole("heading", { name: "Set up your coding tool", level: 2 }));
    await shoot("wizard-tool");
    await page.getByRole("button", { name: "Finish" }).click();
    await page.waitForURL((url) => url.pathname === "/");
    await expectVisible(page.getByTestId("status-version"));
    await shoot("status");

    // What the wizard made is what the API has.
    const [connections, combos, keys] = await page.evaluate(async () =>
      Promise.all(["/api/connections", "/api/combos", "/api/keys"].map(async (path) => (await fetch(path)).json())),
    );
    expect(connections.map((connection: { name: string }) => connection.name)).toEqual(["Mock upstream"]);
    expect(combos).toEqual([expect.objectContaining({ targets: [expect.objectContaining({ model: "mock/mock-model" })] })]);
    expect(keys.map((key: { name: string }) => key.name)).toEqual(["wizard-key"]);
  }, STEP_TIMEOUT_MS);

  test("Providers: a second provider (Anthropic-compatible) is connected and tested", async () => {
    await openPage("Providers");
    const form = page.getByRole("region", { name: "Add a connection" });
    await form.getByLabel("Provider", { exact: true }).selectOption("anthropic-compatible");
    await form.getByLabel("Name", { exact: true }).fill("Mock Anthropic");
    await form.getByLabel("API key", { exact: true }).fill("sk-journey-anthropic");
    await form.getByLabel("Base URL").fill(`${anthropicUpstream.url}/v1`);
    await form.getByLabel("Alias").fill("mock-anthropic");
    await form.getByRole("button", { name: "Add connection" }).click();
    const card = page.getByRole("listitem", { name: "Mock Anthropic" });
    await card.getByRole("button", { name: "Test Mock Anthropic" }).click();
    await expectVisible(card.getByText(/OK · \d+ ms · 1 models/));
    expect(anthropicUpstream.requests.some((request) => request.path === "/v1/models" && request.headers["x-api-key"] === "sk-journey-anthropic")).toBe(true);
    const connections = await page.evaluate(async () => (await fetch("/api/connections")).json());
    expect(connections).toContainEqual(expect.objectContaining({ name: "Mock Anthropic", providerId: "anthropic-compatible", alias: "mock-anthropic" }));
    await shoot("providers");
  }, STEP_TIMEOUT_MS);

  test("Combos: a combo of both providers is built with the model picker", async () => {
    await openPage("Combos");
    await page.getByLabel("Name", { exact: true }).fill(COMBO);
    const picker = page.getByRole("combobox", { name: "Add a target" });
    const listbox = page.getByRole("listbox", { name: "Models and combos" });
    for (const model of ["mock-anthropic/claude-mock", "mock/mock-model"]) {
      await picker.fill(model);
      // Offered from the gateway's model list (the connections' models), not merely "add as typed".
      const option = listbox.getByRole("option", { name: new RegExp(model) });
      await expectVisible(option);
      expect(await option.textContent()).not.toContain("Add as typed");
      await picker.press("Enter");
    }
    expect(await page.getByTestId("combo-target").locator("code").allTextContents()).toEqual(["mock-anthropic/claude-mock", "mock/mock-model"]);
    await page.getByRole("button", { name: "Create combo" }).click();
    await expectVisible(page.getByTestId("combos-notice").filter({ hasText: `Combo “${COMBO}” created.` }));
    await expectVisible(page.locator(`[data-testid="combo-row"][data-combo="${COMBO}"]`));
    await page.evaluate(() => window.scrollTo(0, 0));
    await shoot("combos");
  }, STEP_TIMEOUT_MS);

  test("API keys: a key is created and its secret shown once", async () => {
    await openPage("API keys");
    await page.getByLabel("Name", { exact: true }).fill("journey-key");
    await page.getByRole("button", { name: "Create key" }).click();
    const secret = page.getByTestId("new-api-key-secret");
    expect(await secret.inputValue()).toStartWith("omr_");
    await shoot("api-keys");
    await page.getByRole("button", { name: "I have saved it" }).click();
    await secret.waitFor({ state: "detached" });
    await expectVisible(page.getByRole("cell", { name: "journey-key", exact: true }));
  }, STEP_TIMEOUT_MS);

  test("Translator: a chat through the combo in the chat tester, translated to Anthropic and back", async () => {
    await openPage("Translator");
    await page.getByRole("tab", { name: "Chat tester" }).click();
    await page.getByLabel("Model", { exact: true }).selectOption(COMBO);
    await page.getByLabel("Client format").selectOption("openai-chat");
    await page.getByLabel("Message", { exact: true }).fill("Hello from the journey");
    chatSentAt = Date.now();
    await page.getByRole("button", { name: "Send", exact: true }).click();
    await expectVisible(page.getByTestId("round-trip-summary").getByText("HTTP 200"));
    await expectVisible(page.getByText("Translated OpenAI Chat Completions → Anthropic Messages"));
    expect(await page.getByTestId("round-trip-answer").textContent()).toStartWith(ANTHROPIC_ANSWER);
    expect(anthropicUpstream.requests.filter((request) => request.path === "/v1/messages")).toHaveLength(1);
    await shoot("translator");
  }, STEP_TIMEOUT_MS);

  test("Logs: the chat is in the request log, by its model and time", async () => {
    await openPage("Logs");
    const requests = page.getByRole("tabpanel", { name: "Requests" });
    const rows = requests.locator("tbody tr");
    await expectVisible(rows.first());
    expect(await rows.count()).toBe(1);
    const row = rows.first();
    const cell = (column: string) => row.locator(`td[data-label="${column}"]`).textContent();
    expect(await cell("Model")).toBe(`${COMBO}served as claude-mock`);
    expect(await cell("Provider / account")).toBe("anthropic-compatibleMock Anthropic");
    expect(await cell("Combo / tier")).toBe(`${COMBO}mock-anthropic/claude-mock`);
    expect(await cell("Status")).toBe("200");
    // The row's time is the page's own formatting of the moment the chat was sent (to the second).
    const shown = await row.getByRole("button", { name: /^Details of the request at / }).textContent();
    const format = (ms: number) => new Intl.DateTimeFormat("en", { dateStyle: "short", timeStyle: "medium" }).format(new Date(ms));
    const secondsSinceSent = Array.from({ length: Math.ceil((Date.now() - chatSentAt) / 1_000) + 1 }, (_, i) => format(chatSentAt + i * 1_000));
    expect(secondsSinceSent).toContain(shown!);
    await shoot("logs");
  }, STEP_TIMEOUT_MS);

  test("Usage: the chart legend and the table show the model, and the totals count the chat", async () => {
    await openPage("Usage & costs");
    await expectVisible(page.locator(".usage-chart canvas"));
    const analytics = await page.evaluate(async () => (await fetch("/api/analytics?groupBy=model")).json());
    expect(analytics.totals.requests).toBe(1);
    // Usage groups by the model the client asked for: the combo.
    const model = analytics.groups[0].key as string;
    expect(model).toBe(COMBO);
    expect(await page.getByTestId("usage-total-requests").textContent()).toBe("1");
    const legend = page.getByTestId("usage-chart-legend");
    expect(await legend.locator("li", { hasText: model }).locator(".usage-chart__legend-value").textContent()).toBe("1");
    const tableRow = page.getByTestId("usage-table").locator("tbody tr", { has: page.getByRole("rowheader", { name: model }) });
    expect(await tableRow.locator("td").first().textContent()).toBe("1");
    await shoot("usage");
  }, STEP_TIMEOUT_MS);

  test("Português and the dark theme, then back to English and light", async () => {
    const html = page.locator("html");
    const colorScheme = () => page.evaluate(() => getComputedStyle(document.documentElement).colorScheme);
    await page.getByRole("combobox", { name: "Language" }).selectOption("pt-BR");
    await expectVisible(page.getByRole("heading", { name: "Uso e custos", level: 1 }));
    await expectVisible(page.getByRole("navigation", { name: "Navegação principal" }).getByRole("link", { name: "Provedores" }));
    expect(await html.getAttribute("lang")).toBe("pt-BR");

    expect(await html.getAttribute("data-theme")).toBe("light");
    const lightScheme = await colorScheme();
    await page.getByRole("button", { name: "Mudar para o tema escuro" }).click();
    expect(await html.getAttribute("data-theme")).toBe("dark");
    expect(await colorScheme()).toContain("dark");
    expect(lightScheme).not.toContain("dark");
    await shoot("usage-pt-BR-dark");

    await page.getByRole("button", { name: "Mudar para o tema claro" }).click();
    await page.getByRole("combobox", { name: "Idioma" }).selectOption("en");
    await expectVisible(page.getByRole("heading", { name: "Usage & costs", level: 1 }));
    await expectVisible(nav().getByRole("link", { name: "Providers" }));
    expect(await html.getAttribute("data-theme")).toBe("light");
    expect(await html.getAttribute("lang")).toBe("en");
  }, STEP_TIMEOUT_MS);

  test("every other page of the nav opens and is shot at 1440 and 390 px; no errors were thrown", async () => {
    const links = await nav().getByRole("link").evaluateAll((elements) => elements.map((a) => ({ path: new URL((a as HTMLAnchorElement).href).pathname, name: a.textContent!.trim() })));
    expect(links.length).toBeGreaterThan(5);
    for (const link of links.filter((entry) => !shotPaths.has(entry.path))) {
      await nav().getByRole("link", { name: link.name, exact: true }).click();
      await page.waitForURL((url) => url.pathname === link.path);
      await expectVisible(page.getByRole("heading", { level: 1 }));
      await shoot(link.path === "/" ? "status" : link.path.slice(1));
    }
    expect(session.pageErrors).toEqual([]);
  }, STEP_TIMEOUT_MS);
});
