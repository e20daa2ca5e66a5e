import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from "playwright-core";
import { startTestGateway, type TestGateway } from "../helpers/test-gateway";

/**
 * What every browser test file needs: the built dashboard served by a real gateway, Debian's Chromium, and a
 * signed-in page. Each file gets its own gateway and browser, so files do not depend on each other's steps.
 */
export const DASHBOARD_INDEX = join(import.meta.dir, "../../dist/dashboard/index.html");
export const CHROMIUM_PATH = "/usr/bin/chromium";
export const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];
export const STEP_TIMEOUT_MS = 15_000;
/** Screenshots are test artefacts, never committed (dist/ is ignored). */
export const SCREENSHOT_DIR = join(import.meta.dir, "../../dist/test-screenshots");

const HAS_CHROMIUM = existsSync(CHROMIUM_PATH);
/** CI installs Chromium and must run browser tests; on a machine without it they are skipped, loudly. */
export const SKIP_BROWSER = !HAS_CHROMIUM && !process.env.CI;
if (SKIP_BROWSER) console.warn(`[browser tests skipped] ${CHROMIUM_PATH} is missing. Install Debian's Chromium: apt-get install -y chromium`);

export interface DashboardSession {
  gateway: TestGateway;
  browser: Browser;
  context: BrowserContext;
  page: Page;
  password: string;
  /** Errors thrown in the page: a test should end with this empty. */
  pageErrors: string[];
  url(path: string): string;
  /** Signs in through the login form and waits for the status page. */
  signIn(): Promise<void>;
  /** Writes `<name>-1440.png` and `<name>-390.png` under dist/test-screenshots. */
  screenshots(name: string): Promise<void>;
  close(): Promise<void>;
}

function ensureDashboardBuilt(): void {
  if (existsSync(DASHBOARD_INDEX)) return;
  // A fresh checkout has no built dashboard yet: build it rather than fail.
  const build = Bun.spawnSync(["bun", "run", "build:ui"], { cwd: join(import.meta.dir, "../.."), stdout: "ignore", stderr: "pipe" });
  if (build.exitCode !== 0) throw new Error(`Building the dashboard failed: ${build.stderr.toString()}`);
}

/** Set by the setup wizard when skipped; tests start with it set so sign-in lands on the status page (`onboarding: true` keeps the wizard). */
export const ONBOARDING_DISMISSED_KEY = "omniroute.onboarding.dismissed";

export async function openDashboard(options: { password?: string; locale?: string; env?: Record<string, string>; onboarding?: boolean } = {}): Promise<DashboardSession> {
  if (!HAS_CHROMIUM) throw new Error(`${CHROMIUM_PATH} is missing. Install Debian's Chromium: apt-get install -y chromium`);
  ensureDashboardBuilt();
  const password = options.password ?? "browser-test-password";
  const gateway = await startTestGateway({ password, ...(options.env ? { env: options.env } : {}) });
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, colorScheme: "light", locale: options.locale ?? "en-US" });
  if (!options.onboarding) await context.addInitScript((key) => localStorage.setItem(key, "1"), ONBOARDING_DISMISSED_KEY);
  const page = await context.newPage();
  page.setDefaultTimeout(5_000);
  const pageErrors: string[] = [];
  page.on("pageerror", (error) => pageErrors.push(error.message));
  const url = (path: string) => new URL(path, gateway.url).toString();
  return {
    gateway,
    browser,
    context,
    page,
    password,
    pageErrors,
    url,
    async signIn() {
      await page.goto(url("/login"));
      await page.getByLabel("Password").fill(password);
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.waitForURL((u) => u.pathname === "/");
    },
    async screenshots(name: string) {
      mkdirSync(SCREENSHOT_DIR, { recursive: true });
      const size = page.viewportSize() ?? { width: 1440, height: 900 };
      for (const width of [1440, 390]) {
        await page.setViewportSize({ width, height: width === 390 ? 844 : 900 });
        await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}-${width}.png`), fullPage: true });
      }
      await page.setViewportSize(size);
    },
    async close() {
      await browser.close();
      await gateway.stop();
    },
  };
}

/** Waits until the locator is visible (a clearer failure than an assertion on a missing element). */
export async function expectVisible(locator: Locator): Promise<void> {
  await locator.waitFor({ state: "visible" });
}

/** Every interactive control on the page has an accessible name (label, aria-label or text). */
export async function unlabelledControls(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const controls = [...document.querySelectorAll("button, input, select, textarea, a[href], [role=button], [role=switch], [role=tab]")];
    return controls
      .filter((el) => {
        const element = el as HTMLElement;
        if (element.offsetParent === null && getComputedStyle(element).position !== "fixed") return false; // hidden
        if ((element as HTMLInputElement).type === "hidden") return false;
        const labelled = element.getAttribute("aria-label") || element.getAttribute("aria-labelledby") || (element.id && document.querySelector(`label[for="${element.id}"]`)) || element.closest("label") || element.textContent?.trim() || element.getAttribute("title");
        return !labelled;
      })
      .map((el) => el.outerHTML.slice(0, 120));
  });
}

/** Presses Tab until focus lands on `locator` (keyboard-only navigation), failing after `maxTabs` presses. */
export async function tabTo(page: Page, locator: Locator, maxTabs = 60): Promise<void> {
  const target = await locator.elementHandle();
  if (!target) throw new Error("tabTo: the element does not exist");
  for (let i = 0; i < maxTabs; i++) {
    await page.keyboard.press("Tab");
    if (await page.evaluate((el) => document.activeElement === el, target)) return;
  }
  throw new Error(`tabTo: focus never reached the element in ${maxTabs} Tab presses`);
}
