import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { BrowserContext, Page } from "playwright-core";
import { expectVisible, ONBOARDING_DISMISSED_KEY, openDashboard, SKIP_BROWSER, STEP_TIMEOUT_MS, tabTo, unlabelledControls, type DashboardSession } from "./harness";

/**
 * The Security page against the real gateway: sessions (a second browser revoked from the first), the password change
 * (this browser stays signed in, the other is signed out), network settings, the prompt guard with a custom pattern
 * tried out, request limits, and the audit log of everything just done.
 * Tests run in order on one page.
 */

let session: DashboardSession;
let page: Page;
let secondContext: BrowserContext | undefined;
const NEW_PASSWORD = "a-brand-new-password";

interface StoredSettings {
  security: {
    apiAccess: { allow: string[]; block: string[] };
    dashboardAccess: { allow: string[]; block: string[] };
    ipRateLimit: { api: { requests: number; windowSeconds: number } };
    requireApiKey: boolean;
    promptGuard: { mode: string; patterns: Array<{ id: string; pattern: string; description?: string }>; disabledBuiltins: string[] };
  };
  limits: { maxJsonDepth: number };
}

/** GET /api/settings with the page's own session. */
async function storedSettings(): Promise<StoredSettings> {
  return page.evaluate(async () => (await fetch("/api/settings")).json());
}

const tab = (name: string) => page.getByRole("tab", { name, exact: true });
const panel = (name: string) => page.getByRole("tabpanel", { name, exact: true });
/** A settings section (a labelled region) whose heading is `name`. */
const section = (name: string) => page.getByRole("region", { name, exact: true });

async function horizontalOverflow(): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

/** Every control labelled, nothing wider than a phone, screenshots at both widths. */
async function checkLayout(name: string): Promise<void> {
  expect(await unlabelledControls(page)).toEqual([]);
  await page.setViewportSize({ width: 390, height: 844 });
  expect(await horizontalOverflow()).toBeLessThanOrEqual(0);
  await page.setViewportSize({ width: 1440, height: 900 });
  // From the top: a full-page shot of a scrolled page shows the sticky header in the middle.
  await page.evaluate(() => window.scrollTo(0, 0));
  await session.screenshots(name);
}

beforeAll(async () => {
  if (SKIP_BROWSER) return;
  session = await openDashboard();
  page = session.page;
  await session.signIn();
}, 30_000);

afterAll(async () => {
  await secondContext?.close();
  await session?.close();
});

describe.skipIf(SKIP_BROWSER)("security page", () => {
  test("sessions: this browser is marked; a second browser revoked from here is signed out", async () => {
    await page.getByRole("navigation", { name: "Main navigation" }).getByRole("link", { name: "Security" }).click();
    await expectVisible(page.getByRole("heading", { name: "Security", level: 1 }));
    const sessions = section("Dashboard sessions");
    const current = sessions.locator("tbody tr", { hasText: "This session" });
    await expectVisible(current);
    await expect(current.textContent()).resolves.toContain("Chrome (headless)");

    // A second browser signs in on its own.
    secondContext = await session.browser.newContext({ viewport: { width: 1280, height: 800 }, locale: "en-US" });
    await secondContext.addInitScript((key) => localStorage.setItem(key, "1"), ONBOARDING_DISMISSED_KEY);
    const second = await secondContext.newPage();
    second.setDefaultTimeout(5_000);
    await second.goto(session.url("/login"));
    await second.getByLabel("Password").fill(session.password);
    await second.getByRole("button", { name: "Sign in" }).click();
    await second.waitForURL((url) => url.pathname === "/");
    const secondId = await second.evaluate(async () => {
      const { sessions } = (await (await fetch("/api/auth/sessions")).json()) as { sessions: Array<{ id: string; current: boolean }> };
      return sessions.find((entry) => entry.current)!.id;
    });

    // The first browser sees it, and revokes it after confirming.
    await sessions.getByRole("button", { name: "Refresh" }).click();
    const row = sessions.locator(`tr[data-session-id="${secondId}"]`);
    await expectVisible(row);
    await row.getByRole("button", { name: /^Revoke the session of/ }).click();
    const dialog = page.getByRole("dialog", { name: "Revoke this session?" });
    await dialog.getByRole("button", { name: "Revoke" }).click();
    await expectVisible(sessions.getByRole("status").getByText(/^Session of .* revoked\.$/));
    await row.waitFor({ state: "detached" });

    // The second browser's next step lands on the login page; the first is still signed in.
    await second.goto(session.url("/security"));
    await second.waitForURL((url) => url.pathname === "/login");
    await expect(second.evaluate(async () => (await fetch("/api/auth/session")).json())).resolves.toEqual({ authenticated: false });
    await expectVisible(current);
    await checkLayout("security-sessions");
  }, STEP_TIMEOUT_MS);

  test("password change: this browser stays signed in, the other browser's session ends, the new password works", async () => {
    const sessions = section("Dashboard sessions");
    const current = sessions.locator("tbody tr", { hasText: "This session" });
    // The second browser (signed out by the revocation above) signs in again.
    const second = secondContext!.pages()[0]!;
    await second.getByLabel("Password").fill(session.password);
    await second.getByRole("button", { name: "Sign in" }).click();
    await second.waitForURL((url) => url.pathname === "/");
    await sessions.getByRole("button", { name: "Refresh" }).click();
    const rows = sessions.locator("tbody tr");
    await expectVisible(rows.nth(1));

    const password = section("Change the password");
    await password.getByLabel("Current password").fill(session.password);
    await password.getByLabel("New password", { exact: true }).fill(NEW_PASSWORD);
    await password.getByLabel("Repeat the new password").fill("something-else");
    await password.getByRole("button", { name: "Change password" }).click();
    await expect(password.getByRole("alert").textContent()).resolves.toContain("The new password and its repetition differ");

    await password.getByLabel("Repeat the new password").fill(NEW_PASSWORD);
    await password.getByRole("button", { name: "Change password" }).click();
    await expectVisible(password.getByRole("status").getByText(/^Password changed\./));
    await expect(password.getByLabel("Current password").inputValue()).resolves.toBe("");

    // This browser is still signed in (with the fresh cookie the change set) and is now the only session.
    expect(new URL(page.url()).pathname).toBe("/security");
    await expect(page.evaluate(async () => (await fetch("/api/auth/session")).json())).resolves.toMatchObject({ authenticated: true });
    await rows.nth(1).waitFor({ state: "detached" });
    await expectVisible(current);
    await expect(rows.count()).resolves.toBe(1);

    // The other browser was signed out; the old password no longer signs in, the new one does.
    await second.goto(session.url("/security"));
    await second.waitForURL((url) => url.pathname === "/login");
    await second.getByLabel("Password").fill(session.password);
    await second.getByRole("button", { name: "Sign in" }).click();
    await expect(second.getByRole("alert").textContent()).resolves.toContain("Wrong password.");
    await second.getByLabel("Password").fill(NEW_PASSWORD);
    await second.getByRole("button", { name: "Sign in" }).click();
    await second.waitForURL((url) => url.pathname === "/");
    await secondContext!.close();
    secondContext = undefined;
  }, STEP_TIMEOUT_MS);

  test("keyboard only: arrow keys move between the tabs", async () => {
    await tabTo(page, tab("Sessions"));
    await page.keyboard.press("ArrowRight");
    await expect(tab("Audit log").getAttribute("aria-selected")).resolves.toBe("true");
    await page.keyboard.press("End");
    await expect(tab("Request limits").getAttribute("aria-selected")).resolves.toBe("true");
    await expect(page.evaluate(() => document.activeElement?.textContent)).resolves.toBe("Request limits");
    await page.keyboard.press("Home");
    await expect(tab("Sessions").getAttribute("aria-selected")).resolves.toBe("true");
  }, STEP_TIMEOUT_MS);

  test("network: the caller's address, a refused list with the server's message, a rate limit saved", async () => {
    await tab("Network").click();
    const network = (await page.evaluate(async () => (await fetch("/api/security/network")).json())) as { clientIp: string };
    await expect(page.getByTestId("security-client-ip").textContent()).resolves.toBe(network.clientIp);

    // An entry that is no address: the server says which and why.
    const rules = section("Address rules");
    await rules.getByLabel("API allowlist").fill("10.0.0.300/8");
    await rules.getByRole("button", { name: "Save" }).click();
    await expect(rules.getByRole("alert").textContent()).resolves.toContain("10.0.0.300/8");
    expect((await storedSettings()).security.apiAccess.allow).toEqual([]);

    // A dashboard allowlist without the caller: warned while typing, refused by the server.
    await rules.getByLabel("API allowlist").fill("");
    const dashboardAllow = rules.getByLabel("Dashboard allowlist");
    await dashboardAllow.fill("203.0.113.0/24");
    await expectVisible(rules.getByText(`Your address ${network.clientIp} is not in this list`));
    await rules.getByRole("button", { name: "Save" }).click();
    await expect(rules.getByRole("alert").textContent()).resolves.toContain("This would lock you out");
    expect((await storedSettings()).security.dashboardAccess.allow).toEqual([]);
    // Adding the caller's address takes the warning away and the save goes through.
    await dashboardAllow.fill(`203.0.113.0/24\n${network.clientIp}`);
    await expect(rules.getByText(`Your address ${network.clientIp} is not in this list`).count()).resolves.toBe(0);
    await rules.getByLabel("API blocklist").fill("198.51.100.7");
    await rules.getByRole("button", { name: "Save" }).click();
    await expectVisible(rules.getByRole("status").getByText("Saved."));
    const saved = (await storedSettings()).security;
    expect(saved.dashboardAccess.allow).toEqual(["203.0.113.0/24", network.clientIp]);
    expect(saved.apiAccess).toEqual({ allow: [], block: ["198.51.100.7"] });

    const perAddress = section("Requests per address");
    const api = perAddress.getByRole("group", { name: "API", exact: true });
    await api.getByLabel("Requests").fill("600");
    await api.getByLabel("Window (seconds)").fill("30");
    await perAddress.getByRole("button", { name: "Save" }).click();
    await expectVisible(perAddress.getByRole("status").getByText("Saved."));
    expect((await storedSettings()).security.ipRateLimit.api).toEqual({ requests: 600, windowSeconds: 30 });

    const keys = section("Client API keys");
    await keys.getByRole("switch", { name: "Require an API key for every API call (including /v1/models)" }).check();
    await keys.getByRole("button", { name: "Save" }).click();
    await expectVisible(keys.getByRole("status").getByText("Saved."));
    expect((await storedSettings()).security.requireApiKey).toBe(true);
    // The gateway now refuses the model list without a key, even on loopback.
    expect((await fetch(`${session.gateway.url}/v1/models`)).status).toBe(401);
    await checkLayout("security-network");
  }, STEP_TIMEOUT_MS);

  test("prompt guard: flag mode, one built-in off, a custom pattern, and 'try it' shows the match", async () => {
    await tab("Prompt guard").click();
    const guard = section("Prompt guard");
    await guard.getByRole("radio", { name: /^Flag/ }).check();
    const builtins = guard.getByRole("group", { name: "Built-in patterns" }).getByRole("listitem").getByRole("switch");
    await expect(builtins.count()).resolves.toBeGreaterThan(1);
    // The switch's label is the pattern's id.
    const firstId = (await builtins.first().locator("xpath=..").textContent())!.trim();
    await builtins.first().uncheck();

    await guard.getByRole("button", { name: "Add a pattern" }).click();
    await guard.getByLabel("Id").fill("magic-word");
    await guard.getByLabel("Description (optional)").fill("The door phrase");
    // A regular expression that does not compile: the server names the pattern.
    await guard.getByLabel("Regular expression").fill("(open");
    await guard.getByRole("button", { name: "Save" }).click();
    await expect(guard.getByRole("alert").textContent()).resolves.toContain('("magic-word")');
    expect((await storedSettings()).security.promptGuard.patterns).toEqual([]);
    await guard.getByLabel("Regular expression").fill("open\\s+sesame");
    await guard.getByRole("button", { name: "Save" }).click();
    await expectVisible(guard.getByRole("status").getByText("Saved."));
    const stored = (await storedSettings()).security.promptGuard;
    expect(stored.mode).toBe("flag");
    expect(stored.disabledBuiltins).toEqual([firstId]);
    expect(stored.patterns).toEqual([{ id: "magic-word", pattern: "open\\s+sesame", description: "The door phrase" }]);

    const tryIt = section("Try it");
    await tryIt.getByLabel("Text to check").fill("Please say OPEN   Sesame to me.");
    await tryIt.getByRole("button", { name: "Check" }).click();
    const result = page.getByTestId("prompt-guard-result");
    await expectVisible(result.getByText("magic-word"));
    await expectVisible(result.getByText("custom"));
    await tryIt.getByLabel("Text to check").fill("What is the weather like?");
    await tryIt.getByRole("button", { name: "Check" }).click();
    await expectVisible(result.getByText("No pattern matched."));
    await checkLayout("security-guard");
  }, STEP_TIMEOUT_MS);

  test("request limits: a value out of range is named by the server; a good one is saved", async () => {
    await tab("Request limits").click();
    const limits = section("Request limits");
    const depth = limits.getByLabel("Deepest JSON nesting (levels)");
    await depth.fill("2");
    await limits.getByRole("button", { name: "Save" }).click();
    await expect(limits.getByRole("alert").textContent()).resolves.toContain("limits.maxJsonDepth");
    await expect(depth.getAttribute("aria-invalid")).resolves.toBe("true");
    await depth.fill("32");
    await limits.getByRole("button", { name: "Save" }).click();
    await expectVisible(limits.getByRole("status").getByText("Saved."));
    expect((await storedSettings()).limits.maxJsonDepth).toBe(32);
    // Byte sizes are also shown in a unit people read (the default body limit is 32 MiB).
    await expectVisible(limits.getByText(/Now: 32 MB\./));
    await checkLayout("security-limits");
  }, STEP_TIMEOUT_MS);

  test("audit log: the actions just taken, filtered, with a CSV link of the same filter", async () => {
    await tab("Audit log").click();
    const audit = panel("Audit log");
    const rows = audit.locator("tbody tr");
    // A row is written just after its call is answered, so the last change may land a moment after the list loads:
    // refresh until it is there (or give up and let the assertions below say what is missing).
    const listed = async () => rows.evaluateAll((list) => list.map((row) => `${row.getAttribute("data-audit-action")} ${row.textContent}`));
    for (let attempt = 0; attempt < 20; attempt++) {
      await audit.getByRole("button", { name: "Refresh" }).click();
      await expectVisible(rows.first());
      const shown = await listed();
      const has = (action: string, ending = "") => shown.some((line) => line.startsWith(`${action} `) && line.endsWith(ending));
      if (has("auth.login") && has("auth.sessions.revoke") && has("settings.update", "security") && has("settings.update", "limits")) break;
      await page.waitForTimeout(250);
    }
    const actions = await rows.evaluateAll((list) => list.map((row) => row.getAttribute("data-audit-action")));
    expect(actions).toContain("settings.update");
    expect(actions).toContain("auth.login");
    expect(actions).toContain("auth.sessions.revoke");
    // Each settings change names the request and the section it set, never a value.
    const settingsRows = await audit.locator('tr[data-audit-action="settings.update"]').allTextContents();
    expect(settingsRows.every((text) => text.includes("PATCH /api/settings"))).toBe(true);
    expect(settingsRows.some((text) => text.endsWith("security"))).toBe(true);
    expect(settingsRows.some((text) => text.endsWith("limits"))).toBe(true);
    expect(settingsRows.some((text) => text.includes("sesame"))).toBe(false);

    await audit.getByLabel("Action").fill("settings.update");
    await audit.getByRole("button", { name: "Apply filters" }).click();
    await page.waitForFunction(() => {
      const shown = [...document.querySelectorAll("#security-panel-audit tbody tr")].map((row) => row.getAttribute("data-audit-action"));
      return shown.length > 0 && shown.every((action) => action === "settings.update");
    });
    const href = (await audit.getByRole("link", { name: "Export CSV" }).getAttribute("href"))!;
    expect(href).toBe("/api/audit/export.csv?action=settings.update");
    const csv = await page.evaluate(async (url) => (await fetch(url)).text(), href);
    expect(csv.split("\n").length).toBeGreaterThan(2);
    expect(csv).toContain("settings.update");
    expect(csv).not.toContain("auth.login");
    await checkLayout("security-audit");

    expect(session.pageErrors).toEqual([]);
  }, STEP_TIMEOUT_MS);
});
