import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { startTestGateway } from "../helpers/test-gateway";

/**
 * Drives the built dashboard, served by the real gateway, in Debian's Chromium.
 * Tests run in order and share one page: each step starts where the previous one left off.
 */

const DASHBOARD_INDEX = join(import.meta.dir, "../../dist/dashboard/index.html");
const CHROMIUM_PATH = "/usr/bin/chromium";
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];
const ADMIN_PASSWORD = "browser-test-password";
const API_KEY_NAME = "browser-test-key";
const STEP_TIMEOUT_MS = 15_000;

let gateway: Awaited<ReturnType<typeof startTestGateway>>;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let fakeUpstream: ReturnType<typeof Bun.serve> | undefined;
const pageErrors: string[] = [];

function gatewayUrl(path: string): string {
  return new URL(path, gateway.url).toString();
}

async function horizontalOverflow(target: Page): Promise<number> {
  return target.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

const HAS_CHROMIUM = existsSync(CHROMIUM_PATH);
// CI installs Chromium and must run these; on a developer machine without it they are skipped, loudly.
const SKIP_BROWSER = !HAS_CHROMIUM && !process.env.CI;
if (SKIP_BROWSER) console.warn(`[browser tests skipped] ${CHROMIUM_PATH} is missing. Install Debian's Chromium: apt-get install -y chromium`);

beforeAll(async () => {
  if (SKIP_BROWSER) return;
  if (!HAS_CHROMIUM) throw new Error(`${CHROMIUM_PATH} is missing. Install Debian's Chromium: apt-get install -y chromium`);
  if (!existsSync(DASHBOARD_INDEX)) {
    // A fresh checkout has no built dashboard yet: build it (about a second) rather than fail.
    const build = Bun.spawnSync(["bun", "run", "build:ui"], { cwd: join(import.meta.dir, "../.."), stdout: "ignore", stderr: "pipe" });
    if (build.exitCode !== 0) throw new Error(`Building the dashboard failed: ${build.stderr.toString()}`);
  }
  gateway = await startTestGateway({ password: ADMIN_PASSWORD });
  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  context = await browser.newContext({
    viewport: { width: 1280, height: 800 },
    colorScheme: "light",
    locale: "en-US",
  });
  // The first-run wizard has its own test (cli-tools.test.ts); here sign-in lands on the status page.
  await context.addInitScript(() => localStorage.setItem("omniroute.onboarding.dismissed", "1"));
  page = await context.newPage();
  page.setDefaultTimeout(5_000);
  page.on("pageerror", (error) => pageErrors.push(error.message));
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await gateway?.stop();
  fakeUpstream?.stop(true);
});

describe.skipIf(SKIP_BROWSER)("dashboard in Chromium", () => {
  test("an unauthenticated visit is redirected to the login page", async () => {
    await page.goto(gatewayUrl("/"));
    await page.waitForURL((url) => url.pathname === "/login");
    await expectVisible(page.getByRole("heading", { name: "Sign in" }));
  }, STEP_TIMEOUT_MS);

  test("a wrong password shows an error and stays on the login page", async () => {
    await page.getByLabel("Password").fill("not-the-password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("alert").textContent()).resolves.toContain("Wrong password.");
    expect(new URL(page.url()).pathname).toBe("/login");
  }, STEP_TIMEOUT_MS);

  test("logging in opens the status page with the gateway's real version and a ticking uptime", async () => {
    await page.getByLabel("Password").fill(ADMIN_PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL((url) => url.pathname === "/");

    const status = await page.evaluate(async () => (await fetch("/api/status")).json());
    const version = page.getByTestId("status-version");
    await expectVisible(version);
    expect(await version.textContent()).toBe(status.version);
    await expectVisible(page.getByText(`${status.listen.host}:${status.listen.port}`));

    const uptime = page.locator(".uptime-counter");
    const before = await uptime.textContent();
    await page.waitForFunction((previous) => document.querySelector(".uptime-counter")?.textContent !== previous, before, {
      timeout: 3_000,
    });
  }, STEP_TIMEOUT_MS);

  test("a connection to a local OpenAI-compatible endpoint can be added, tested, disabled and deleted", async () => {
    fakeUpstream = Bun.serve({
      hostname: "127.0.0.1",
      port: 0,
      fetch: (request) =>
        new URL(request.url).pathname.endsWith("/models")
          ? Response.json({ object: "list", data: [{ id: "fake-model", object: "model", created: 0, owned_by: "test" }] })
          : new Response("not found", { status: 404 }),
    });

    await page.getByRole("navigation", { name: "Main navigation" }).getByRole("link", { name: "Providers" }).click();
    await page.getByLabel("Provider", { exact: true }).selectOption("openai-compatible");
    await page.getByLabel("Name", { exact: true }).fill("Fake local server");
    await page.getByLabel("Base URL").fill(`http://127.0.0.1:${fakeUpstream.port}/v1`);
    await page.getByLabel("Alias").fill("fake");
    await page.getByRole("button", { name: "Add connection" }).click();
    await expectVisible(page.getByRole("button", { name: "Test Fake local server" }));

    await page.getByRole("button", { name: "Test Fake local server" }).click();
    await expectVisible(page.getByText(/OK · \d+ ms · 1 models/));

    const enabledSwitch = page.getByRole("switch", { name: "Enabled: Fake local server" });
    expect(await enabledSwitch.isChecked()).toBe(true);
    await enabledSwitch.click();
    await page.waitForFunction(async () => {
      const connections = await (await fetch("/api/connections")).json();
      return connections.some((connection: { name: string; enabled: boolean }) => connection.name === "Fake local server" && !connection.enabled);
    });

    await page.getByRole("button", { name: "Delete Fake local server" }).click();
    const dialog = page.getByRole("dialog", { name: "Delete this connection?" });
    await dialog.getByRole("button", { name: "Delete" }).click();
    await page.getByRole("button", { name: "Test Fake local server" }).waitFor({ state: "detached" });
  }, STEP_TIMEOUT_MS);

  test("an API key is shown once on creation and can be revoked", async () => {
    await page.getByRole("navigation", { name: "Main navigation" }).getByRole("link", { name: "API keys" }).click();
    // The Providers page has a "Name" field too: wait until the keys page has replaced it before typing.
    await expectVisible(page.getByRole("heading", { name: "Create a key" }));
    await page.getByLabel("Name", { exact: true }).fill(API_KEY_NAME);
    await page.getByRole("button", { name: "Create key" }).click();

    const secretInput = page.getByTestId("new-api-key-secret");
    await expectVisible(secretInput);
    const secret = await secretInput.inputValue();
    expect(secret.length).toBeGreaterThan(20);
    await expectVisible(page.getByText("You will not see it again."));

    const keys: Array<{ name: string; prefix: string; revokedAt: string | null }> = await page.evaluate(async () =>
      (await fetch("/api/keys")).json(),
    );
    const created = keys.find((key) => key.name === API_KEY_NAME);
    expect(created).toBeDefined();
    expect(secret.startsWith(created!.prefix)).toBe(true);

    await page.getByRole("button", { name: "I have saved it" }).click();
    await secretInput.waitFor({ state: "detached" });
    expect(await page.content()).not.toContain(secret);

    await page.getByRole("button", { name: `Revoke ${API_KEY_NAME}` }).click();
    await page.getByRole("dialog", { name: "Revoke this API key?" }).getByRole("button", { name: "Revoke" }).click();
    await expectVisible(page.getByText(/^Revoked /));
    await page.getByRole("button", { name: `Revoke ${API_KEY_NAME}` }).waitFor({ state: "detached" });
  }, STEP_TIMEOUT_MS);

  test("switching to Brazilian Portuguese translates the page and is remembered", async () => {
    await page.getByRole("combobox", { name: "Language" }).selectOption("pt-BR");
    const nav = page.getByRole("navigation", { name: "Navegação principal" });
    await expectVisible(nav.getByRole("link", { name: "Provedores" }));
    await expectVisible(nav.getByRole("link", { name: "Chaves de API" }));
    expect(await page.getAttribute("html", "lang")).toBe("pt-BR");

    await page.reload();
    await expectVisible(page.getByRole("heading", { name: "Chaves de API", level: 1 }));
  }, STEP_TIMEOUT_MS);

  test("the theme toggle switches to dark and the choice survives a reload", async () => {
    const backgroundColor = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(await page.getAttribute("html", "data-theme")).toBe("light");
    const lightBackground = await backgroundColor();

    await page.getByRole("button", { name: "Mudar para o tema escuro" }).click();
    expect(await page.getAttribute("html", "data-theme")).toBe("dark");
    expect(await backgroundColor()).not.toBe(lightBackground);

    await page.reload();
    await expectVisible(page.getByRole("button", { name: "Mudar para o tema claro" }));
    expect(await page.getAttribute("html", "data-theme")).toBe("dark");
  }, STEP_TIMEOUT_MS);

  test("without a saved choice the theme follows the system preference", async () => {
    const darkSystem = await browser.newContext({ colorScheme: "dark" });
    try {
      const fresh = await darkSystem.newPage();
      await fresh.goto(gatewayUrl("/login"));
      await expectVisible(fresh.getByRole("heading", { level: 1 }));
      expect(await fresh.getAttribute("html", "data-theme")).toBe("dark");
    } finally {
      await darkSystem.close();
    }
  }, STEP_TIMEOUT_MS);

  test("a 375 px wide phone screen never scrolls sideways and the menu opens and closes", async () => {
    await page.setViewportSize({ width: 375, height: 740 });
    for (const path of ["/", "/providers", "/api-keys"]) {
      await page.goto(gatewayUrl(path));
      await expectVisible(page.getByRole("heading", { level: 1 }));
      await page.waitForLoadState("networkidle");
      expect({ path, overflow: await horizontalOverflow(page) }).toEqual({ path, overflow: 0 });
    }

    const statusLink = page.getByRole("navigation", { name: "Navegação principal" }).getByRole("link", { name: "Status" });
    expect(await statusLink.isVisible()).toBe(false);
    await page.getByRole("button", { name: "Abrir menu" }).click();
    await expectVisible(statusLink);
    await statusLink.click();
    await page.waitForURL((url) => url.pathname === "/");
    await statusLink.waitFor({ state: "hidden" });
  }, STEP_TIMEOUT_MS);

  test("logging out returns to the login page and guards the dashboard again", async () => {
    await page.getByRole("button", { name: "Sair" }).click();
    await page.waitForURL((url) => url.pathname === "/login");
    await page.goto(gatewayUrl("/api-keys"));
    await page.waitForURL((url) => url.pathname === "/login");
    expect(pageErrors).toEqual([]);
  }, STEP_TIMEOUT_MS);
});

async function expectVisible(locator: ReturnType<Page["locator"]>): Promise<void> {
  await locator.waitFor({ state: "visible" });
}
