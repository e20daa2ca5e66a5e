import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { connectFormat, fixtureReply, startRecordedUpstream } from "../fakes/recorded-upstream";
import { expectVisible, openDashboard, SKIP_BROWSER, STEP_TIMEOUT_MS, tabTo, unlabelledControls, type DashboardSession } from "./harness";

/**
 * The combos page against the real gateway: two mock upstreams (OpenAI Chat and Anthropic formats) connected
 * through the API, then a combo built from the template, its targets picked with the model picker, reordered by
 * drag and by keyboard, saved, toggled, tested through the gateway and deleted. Tests run in order on one page.
 */

const chatUpstream = startRecordedUpstream(() => fixtureReply("openai-chat", "text-nonstream").reply);
const anthropicUpstream = startRecordedUpstream(() => fixtureReply("anthropic", "text-nonstream").reply);

let session: DashboardSession;
let chatModel: string;
let anthropicModel: string;

interface StoredCombo {
  name: string;
  enabled: boolean;
  strategy: string | null;
  stickyRequests: number | null;
  targets: Array<{ model: string; weight: number; timeoutMs?: number }>;
}

async function storedCombos(): Promise<StoredCombo[]> {
  const response = await fetch(`${session.gateway.url}/api/combos`, { headers: await session.gateway.adminHeaders() });
  return (await response.json()) as StoredCombo[];
}

/** The target rows of the form, top to bottom. */
async function formOrder(): Promise<string[]> {
  return session.page.getByTestId("combo-target").locator("code").allTextContents();
}

beforeAll(async () => {
  if (SKIP_BROWSER) return;
  session = await openDashboard();
  chatModel = await connectFormat(session.gateway, "openai-chat", chatUpstream.url);
  anthropicModel = await connectFormat(session.gateway, "anthropic", anthropicUpstream.url);
  await session.signIn();
}, 60_000);

afterAll(async () => {
  await session?.close();
  chatUpstream.stop();
  anthropicUpstream.stop();
});

describe.skipIf(SKIP_BROWSER)("combos page", () => {
  test("opens from the navigation with an empty list", async () => {
    const { page } = session;
    await page.getByRole("navigation", { name: "Main navigation" }).getByRole("link", { name: "Combos" }).click();
    await expectVisible(page.getByRole("heading", { name: "Combos", level: 1 }));
    await expectVisible(page.getByText("No combos yet."));
  }, STEP_TIMEOUT_MS);

  test("the template fills the form from GET /api/combos/templates", async () => {
    const { page } = session;
    const [template] = await page.evaluate(async () => (await fetch("/api/combos/templates")).json());
    await page.getByRole("button", { name: "Start from template" }).click();
    // The template is fetched by the page: wait for the form to show it before reading the rest.
    await page.waitForFunction((name) => [...document.querySelectorAll("input")].some((input) => input.value === name), template.name);
    await expect(page.getByLabel("Name", { exact: true }).inputValue()).resolves.toBe(template.name);
    expect(await formOrder()).toEqual(template.targets.map((target: { model: string }) => target.model));
    await expect(page.getByLabel("Strategy", { exact: true }).inputValue()).resolves.toBe("fill-first");
    // The template's catalog models are not served by any connection here, and the form says so.
    await expectVisible(page.getByText("Not in the gateway's model list right now").first());
    // Replace them with the connected mocks.
    for (const target of template.targets as Array<{ model: string }>) {
      await page.getByRole("button", { name: `Remove ${target.model}` }).click();
    }
    expect(await formOrder()).toEqual([]);
  }, STEP_TIMEOUT_MS);

  test("targets are picked with the keyboard in the model picker", async () => {
    const { page } = session;
    const picker = page.getByRole("combobox", { name: "Add a target" });
    await picker.focus();
    await page.keyboard.type("mock-chat");
    const listbox = page.getByRole("listbox", { name: "Models and combos" });
    await expectVisible(listbox.getByRole("option", { name: new RegExp(chatModel) }));
    await page.keyboard.press("Enter");
    await page.keyboard.type("test-model");
    // The chat model is already chosen, so only the Anthropic one is offered; Down then Enter adds it.
    await expect(listbox.getByRole("option").count()).resolves.toBe(1);
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("Enter");
    expect(await formOrder()).toEqual([chatModel, anthropicModel]);
    await expectVisible(page.getByTestId("combo-form-announcement").filter({ hasText: `${anthropicModel} added as target 2.` }));
  }, STEP_TIMEOUT_MS);

  test("targets reorder by drag and drop", async () => {
    const { page } = session;
    const rows = page.getByTestId("combo-target");
    await rows.nth(1).getByTestId("combo-target-handle").dragTo(rows.nth(0));
    expect(await formOrder()).toEqual([anthropicModel, chatModel]);
  }, STEP_TIMEOUT_MS);

  test("keyboard only: reorder with the Move buttons and Alt+Arrow, each move announced", async () => {
    const { page } = session;
    await page.getByLabel("Name", { exact: true }).fill("coding");
    await page.getByLabel("Name", { exact: true }).focus();
    // Tab from the name field to the chat target's "Move up" button and press it.
    await tabTo(page, page.getByRole("button", { name: `Move ${chatModel} up` }));
    await page.keyboard.press("Enter");
    expect(await formOrder()).toEqual([chatModel, anthropicModel]);
    const announcement = page.getByTestId("combo-form-announcement");
    await expectVisible(announcement.filter({ hasText: `${chatModel} moved to position 1 of 2.` }));
    // At the top its "Move up" is disabled, so focus stays in the row on "Move down".
    expect(await page.evaluate(() => document.activeElement?.getAttribute("aria-label"))).toBe(`Move ${chatModel} down`);

    // Alt+Down on the focused row moves it back down; focus follows the row.
    await page.keyboard.press("Alt+ArrowDown");
    expect(await formOrder()).toEqual([anthropicModel, chatModel]);
    await expectVisible(announcement.filter({ hasText: `${chatModel} moved to position 2 of 2.` }));
    expect(await page.evaluate(() => document.activeElement?.getAttribute("aria-label"))).toBe(`Move ${chatModel} up`);

    // A timeout on the second target, typed from the keyboard.
    await page.keyboard.press("Shift+Tab");
    expect(await page.evaluate(() => document.activeElement?.getAttribute("data-focus-key"))).toBe("timeout");
    await page.keyboard.type("30");
  }, STEP_TIMEOUT_MS);

  test("saving creates the combo with its targets in the chosen order", async () => {
    const { page } = session;
    expect(await unlabelledControls(page)).toEqual([]);
    await page.getByRole("button", { name: "Create combo" }).click();
    await expectVisible(page.getByTestId("combos-notice").filter({ hasText: "Combo “coding” created." }));
    const [stored] = await storedCombos();
    expect(stored).toMatchObject({ name: "coding", enabled: true, strategy: "fill-first", targets: [{ model: anthropicModel, weight: 1 }, { model: chatModel, weight: 1, timeoutMs: 30_000 }] });
    const row = page.locator('[data-testid="combo-row"][data-combo="coding"]');
    await expect(row.getByTestId("combo-row-targets").locator("code").allTextContents()).resolves.toEqual([anthropicModel, chatModel]);
    // The create form is empty again.
    expect(await formOrder()).toEqual([]);
  }, STEP_TIMEOUT_MS);

  test("the enabled switch takes effect at once", async () => {
    const { page } = session;
    const toggle = page.getByRole("switch", { name: "Enabled: coding" });
    await toggle.click();
    await page.waitForFunction(async () => !(await (await fetch("/api/combos/coding")).json()).enabled);
    const models = await page.evaluate(async () => (await (await fetch("/api/models")).json()).data.map((m: { id: string }) => m.id));
    expect(models).not.toContain("coding");
    await toggle.click();
    await page.waitForFunction(async () => (await (await fetch("/api/combos/coding")).json()).enabled);
    expect(await toggle.isChecked()).toBe(true);
  }, STEP_TIMEOUT_MS);

  test("Test sends one request through the gateway and shows the serving target and the reply", async () => {
    const { page } = session;
    const before = anthropicUpstream.requests.length;
    await page.getByRole("button", { name: "Test coding" }).click();
    const result = page.getByTestId("combo-test-result");
    await expectVisible(result.getByText(/^OK · \d+ ms$/));
    await expectVisible(result.getByText(anthropicModel));
    await expectVisible(result.getByText("Hello! I'm doing well", { exact: false }));
    expect(anthropicUpstream.requests.length).toBe(before + 1);
  }, STEP_TIMEOUT_MS);

  test("editing changes the strategy and sticky requests", async () => {
    const { page } = session;
    await page.getByRole("button", { name: "Edit coding" }).click();
    await expectVisible(page.getByRole("heading", { name: "Edit “coding”" }));
    expect(await formOrder()).toEqual([anthropicModel, chatModel]);
    await page.getByLabel("Strategy", { exact: true }).selectOption("round-robin");
    await expectVisible(page.getByText("Takes turns between the targets, in proportion to their weights.").first());
    await page.getByLabel("Sticky requests").fill("3");
    // Full-page shots from the top, so the sticky header does not land in the middle of the page.
    await page.evaluate(() => window.scrollTo(0, 0));
    await session.screenshots("combos");
    expect(await unlabelledControls(page)).toEqual([]);
    await page.getByRole("button", { name: "Save changes" }).click();
    await expectVisible(page.getByTestId("combos-notice").filter({ hasText: "Combo “coding” saved." }));
    expect((await storedCombos())[0]).toMatchObject({ strategy: "round-robin", stickyRequests: 3 });
    await expectVisible(page.getByRole("heading", { name: "Create a combo" }));
  }, STEP_TIMEOUT_MS);

  test("a phone-width screen does not scroll sideways", async () => {
    const { page } = session;
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByRole("combobox", { name: "Add a target" }).fill("mock");
    await page.keyboard.press("Enter");
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBe(0);
    await page.setViewportSize({ width: 1440, height: 900 });
  }, STEP_TIMEOUT_MS);

  test("delete asks for confirmation, then removes the combo", async () => {
    const { page } = session;
    await page.getByRole("button", { name: "Delete coding" }).click();
    await page.getByRole("dialog", { name: "Delete this combo?" }).getByRole("button", { name: "Delete" }).click();
    await expectVisible(page.getByText("No combos yet."));
    expect(await storedCombos()).toEqual([]);
    expect(session.pageErrors).toEqual([]);
  }, STEP_TIMEOUT_MS);
});
