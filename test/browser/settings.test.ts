import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connectFormat, fixtureReply, startRecordedUpstream } from "../fakes/recorded-upstream";
import { expectVisible, openDashboard, SKIP_BROWSER, STEP_TIMEOUT_MS, tabTo, unlabelledControls, type DashboardSession } from "./harness";

/**
 * The settings page against the real gateway and a recorded upstream: API validation messages, the global system
 * prompt arriving upstream, the thinking mode chosen by keyboard, retention, a rate limit, backup export and
 * import, the link to the password change (on the Security page), and the page in Arabic (right to left). Tests run
 * in order on one page.
 */

const upstream = startRecordedUpstream(() => fixtureReply("openai-chat", "text-nonstream").reply);
const downloads = mkdtempSync(join(tmpdir(), "omniroute-settings-test-"));
const SYSTEM_PROMPT = "House rule from the settings page: answer in one sentence.";

let session: DashboardSession;
let model: string;
let backupPath: string;

interface Settings {
  timeouts: { connectMs: number };
  requestLog: { retentionDays: number };
  routing: { rateLimits: Record<string, { rpm?: number }> };
  requests: { systemPrompt: string; systemPromptPosition: string; thinking: { mode: string; budgetTokens: number } };
}

/** GET /api/settings with the page's own session. */
async function storedSettings(): Promise<Settings> {
  return session.page.evaluate(async () => (await fetch("/api/settings")).json());
}

/** The settings section (a labelled region) whose heading is `name`. */
const section = (name: string) => session.page.getByRole("region", { name, exact: true });

async function horizontalOverflow(): Promise<number> {
  return session.page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

beforeAll(async () => {
  if (SKIP_BROWSER) return;
  session = await openDashboard();
  model = await connectFormat(session.gateway, "openai-chat", upstream.url);
  await session.signIn();
}, 60_000);

afterAll(async () => {
  await session?.close();
  upstream.stop();
  rmSync(downloads, { recursive: true, force: true });
});

describe.skipIf(SKIP_BROWSER)("settings page", () => {
  test("opens from the navigation with every control labelled and the listen address read-only", async () => {
    const { page } = session;
    await page.getByRole("navigation", { name: "Main navigation" }).getByRole("link", { name: "Settings" }).click();
    await expectVisible(page.getByRole("heading", { name: "Settings", level: 1 }));
    await expectVisible(page.getByLabel("Global system prompt"));
    const status = await page.evaluate(async () => (await fetch("/api/status")).json());
    await expect(page.getByTestId("settings-listen-address").textContent()).resolves.toBe(`${status.listen.host}:${status.listen.port}`);
    await expectVisible(page.getByText(`omniroute --host ${status.listen.host} --port ${status.listen.port}`));
    // The password is changed on the Security page: no form here, a link to its Sessions tab.
    await expect(page.getByLabel("Current password").count()).resolves.toBe(0);
    const passwordLink = page.getByTestId("settings-password-moved").getByRole("link", { name: "Change the password" });
    await expect(passwordLink.getAttribute("href")).resolves.toBe("/security?tab=sessions");
    expect(await unlabelledControls(page)).toEqual([]);
    await session.screenshots("settings");
  }, STEP_TIMEOUT_MS);

  test("an out-of-range value shows the API's validation message on the field", async () => {
    const { page } = session;
    const timeouts = section("Timeouts");
    const connect = timeouts.getByLabel("Connect (ms)");
    await connect.fill("5");
    await timeouts.getByRole("button", { name: "Save" }).click();
    await expect(timeouts.getByRole("alert").textContent()).resolves.toContain("timeouts.connectMs");
    await expect(connect.getAttribute("aria-invalid")).resolves.toBe("true");
    expect((await storedSettings()).timeouts.connectMs).toBe(10_000);
    await connect.fill("8000");
    await timeouts.getByRole("button", { name: "Save" }).click();
    await expectVisible(timeouts.getByRole("status").getByText("Saved."));
    expect((await storedSettings()).timeouts.connectMs).toBe(8_000);
    await expect(page.locator("[aria-invalid=true]").count()).resolves.toBe(0);
  }, STEP_TIMEOUT_MS);

  test("a global system prompt is saved and reaches the upstream of a pass-through client", async () => {
    const controls = section("Request controls");
    await controls.getByLabel("Global system prompt").fill(SYSTEM_PROMPT);
    await controls.getByRole("button", { name: "Save" }).click();
    await expectVisible(controls.getByRole("status").getByText("Saved."));
    expect((await storedSettings()).requests.systemPrompt).toBe(SYSTEM_PROMPT);

    const response = await fetch(`${session.gateway.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model, messages: [{ role: "user", content: "hi" }] }),
    });
    expect(response.status).toBe(200);
    const sent = JSON.parse(upstream.requests.at(-1)!.body) as { messages: Array<{ role: string; content: string }> };
    expect(sent.messages[0]).toEqual({ role: "system", content: SYSTEM_PROMPT });
  }, STEP_TIMEOUT_MS);

  test("keyboard only: the thinking mode is switched to a custom budget with arrow keys and saved", async () => {
    const { page } = session;
    const controls = section("Request controls");
    // Tab reaches the checked radio of the group; arrows move the choice.
    await tabTo(page, controls.getByRole("radio", { name: /^Pass through/ }));
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("ArrowDown");
    await expect(controls.getByRole("radio", { name: /^Custom budget/ }).isChecked()).resolves.toBe(true);
    const budget = controls.getByLabel("Thinking budget (tokens)");
    await tabTo(page, budget, 5);
    await page.keyboard.press("ControlOrMeta+a");
    await page.keyboard.type("16000");
    await tabTo(page, controls.getByRole("button", { name: "Save" }), 5);
    await page.keyboard.press("Enter");
    await expectVisible(controls.getByRole("status").getByText("Saved."));
    expect((await storedSettings()).requests.thinking).toEqual({ mode: "custom", budgetTokens: 16_000 });
  }, STEP_TIMEOUT_MS);

  test("retention and a rate limit are saved and GET /api/settings reflects them", async () => {
    const logging = section("Logging and retention");
    await logging.getByLabel("Keep for (days)").fill("7");
    await logging.getByRole("button", { name: "Save" }).click();
    await expectVisible(logging.getByRole("status").getByText("Saved."));
    expect((await storedSettings()).requestLog.retentionDays).toBe(7);

    const limits = section("Rate limits");
    await limits.getByRole("button", { name: "Add a limit" }).click();
    await limits.getByLabel("Applies to").selectOption("openai-compatible");
    await limits.getByLabel("Requests per minute").fill("60");
    await limits.getByRole("button", { name: "Save" }).click();
    await expectVisible(limits.getByRole("status").getByText("Saved."));
    expect((await storedSettings()).routing.rateLimits).toEqual({ "openai-compatible": { rpm: 60 } });
  }, STEP_TIMEOUT_MS);

  test("a backup is downloaded, then imported back after a change, with a preview and a confirmation", async () => {
    const { page } = session;
    const backup = section("Back up");
    const [download] = await Promise.all([page.waitForEvent("download"), backup.getByRole("button", { name: "Download backup" }).click()]);
    expect(download.suggestedFilename()).toMatch(/^omniroute-config-\d{4}-\d{2}-\d{2}\.json$/);
    backupPath = join(downloads, download.suggestedFilename());
    await download.saveAs(backupPath);
    const document = JSON.parse(readFileSync(backupPath, "utf8"));
    expect(document.format).toBe("omniroute-config");
    expect(document.settings.requestLog.retentionDays).toBe(7);
    expect(document.secrets).toBeUndefined();
    await expectVisible(backup.getByRole("status").getByText("Backup downloaded."));

    // Change the retention, then restore the backup: it comes back to 7.
    const logging = section("Logging and retention");
    await logging.getByLabel("Keep for (days)").fill("12");
    await logging.getByRole("button", { name: "Save" }).click();
    await expectVisible(logging.getByRole("status").getByText("Saved."));
    expect((await storedSettings()).requestLog.retentionDays).toBe(12);

    const restore = section("Restore from a backup");
    await restore.getByLabel("Backup file").setInputFiles(backupPath);
    const preview = restore.getByTestId("backup-preview");
    await expectVisible(preview.getByText(`What ${download.suggestedFilename()} contains`));
    await expectVisible(preview.getByText("Yes: they replace the current settings"));
    await restore.getByRole("button", { name: "Import…" }).click();
    const dialog = page.getByRole("dialog", { name: "Import this backup?" });
    await dialog.getByRole("button", { name: "Import" }).click();
    await expectVisible(restore.getByRole("status").getByText("Backup imported."));
    await expectVisible(restore.getByText("Connections: 0 created, 1 updated"));
    expect((await storedSettings()).requestLog.retentionDays).toBe(7);
    // The forms start again from the imported settings.
    await expect(section("Logging and retention").getByLabel("Keep for (days)").inputValue()).resolves.toBe("7");
  }, STEP_TIMEOUT_MS);

  test("the password link opens the Security page's Sessions tab with its password form", async () => {
    const { page } = session;
    await page.getByTestId("settings-password-moved").getByRole("link", { name: "Change the password" }).click();
    await page.waitForURL((url) => url.pathname === "/security");
    await expect(page.getByRole("tab", { name: "Sessions", exact: true }).getAttribute("aria-selected")).resolves.toBe("true");
    await expectVisible(section("Change the password").getByLabel("Current password"));
  }, STEP_TIMEOUT_MS);

  test("in Arabic the page is right to left: nav on the right, no sideways scroll on a phone", async () => {
    const { page } = session;
    await page.goto(session.url("/settings"));
    await page.getByRole("combobox", { name: "Language" }).selectOption("ar");
    await expectVisible(page.getByRole("heading", { name: "الإعدادات", level: 1 }));
    expect(await page.getAttribute("html", "dir")).toBe("rtl");
    expect(await page.getAttribute("html", "lang")).toBe("ar");

    const nav = page.getByRole("navigation", { name: "التنقّل الرئيسي" });
    const navBox = (await nav.boundingBox())!;
    const mainBox = (await page.locator("main").boundingBox())!;
    expect(navBox.x).toBeGreaterThan(mainBox.x);
    expect(navBox.x + navBox.width).toBeGreaterThan(1400);
    expect(await unlabelledControls(page)).toEqual([]);

    await page.setViewportSize({ width: 390, height: 844 });
    // Open the rate-limit editor too: its fields are the widest part of the page.
    await expectVisible(page.getByLabel("الطلبات في الدقيقة"));
    expect(await horizontalOverflow()).toBeLessThanOrEqual(0);
    await page.getByRole("button", { name: "افتح القائمة" }).click();
    await expectVisible(nav.getByRole("link", { name: "الإعدادات" }));
    expect(await horizontalOverflow()).toBeLessThanOrEqual(0);
    await page.getByRole("button", { name: "أغلق القائمة" }).click();
    await page.setViewportSize({ width: 1440, height: 900 });
    await session.screenshots("settings-ar");

    expect(session.pageErrors).toEqual([]);
  }, STEP_TIMEOUT_MS);
});
