import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Page } from "playwright-core";
import { connectFormat, fixtureReply, startRecordedUpstream } from "../fakes/recorded-upstream";
import { expectVisible, openDashboard, SKIP_BROWSER, unlabelledControls, type DashboardSession } from "./harness";

/**
 * Accessibility sweep of every signed-in page, read from the main navigation (so a new page is swept without
 * touching this file): at 1440 and 390 px each page has labelled controls, one h1, no sideways scroll on a phone,
 * a visible focus ring on what Tab reaches, and keyboard-only navigation (skip link first, then the nav, Enter on
 * a link opens its page). Then in Arabic: right to left, and no sideways scroll at 390 px.
 * The gateway has a connection, a combo, a key and one request, so tables and their row actions are on the pages.
 */

const upstream = startRecordedUpstream(() => fixtureReply("openai-chat", "text-nonstream").reply);
const WIDE = { width: 1440, height: 900 };
const PHONE = { width: 390, height: 844 };
/** Tab stops checked for a visible focus ring inside each page's main content. */
const MAIN_TAB_STOPS = 25;

interface NavPage {
  path: string;
  name: string;
}

let session: DashboardSession;
let page: Page;
let pages: NavPage[] = [];

async function admin(method: string, path: string, body?: unknown): Promise<void> {
  const response = await fetch(`${session.gateway.url}${path}`, { method, headers: await session.gateway.adminHeaders(), body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
}

/** Opens a page by URL and waits until it has rendered its heading and finished its first loads. */
async function load(path: string): Promise<void> {
  await page.goto(session.url(path));
  await expectVisible(page.getByRole("heading", { level: 1 }));
  await page.waitForFunction(() => document.querySelectorAll("main .loading-notice").length === 0, undefined, { timeout: 5_000 });
}

const horizontalOverflow = () => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

/** The focused element, and whether its focus is visible (an outline or a box-shadow). */
function focused(): Promise<{ tag: string; inMain: boolean; inNav: boolean; skipLink: boolean; href: string | null; visible: boolean } | null> {
  return page.evaluate(() => {
    const element = document.activeElement as HTMLElement | null;
    if (!element || element === document.body) return null;
    const style = getComputedStyle(element);
    const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
    const shadow = style.boxShadow !== "none" && style.boxShadow !== "";
    return {
      tag: element.outerHTML.slice(0, 100),
      inMain: element.closest("main") !== null,
      inNav: element.closest("nav.side-nav") !== null,
      skipLink: element.classList.contains("skip-link"),
      href: element.getAttribute("href"),
      visible: outline || shadow,
    };
  });
}

/**
 * Keyboard only, from the top of `from`: Tab reaches the skip link first, then the main navigation (through the
 * menu button on a phone), then the link to `to`; Enter opens it. Every Tab stop on the way, and the first stops
 * inside the new page's content, must show where the focus is. Returns the problems found.
 */
async function keyboardWalk(from: NavPage, to: NavPage, phone: boolean): Promise<string[]> {
  const problems: string[] = [];
  // Stops in the content after Enter belong to the page just opened: say so.
  let opened = false;
  const note = (stop: Awaited<ReturnType<typeof focused>>) => {
    if (stop && !stop.visible) problems.push(`${opened && stop.inMain ? `(on ${to.path}) ` : ""}focus not visible on ${stop.tag}`);
  };
  await page.keyboard.press("Tab");
  const first = await focused();
  if (!first?.skipLink) problems.push(`first Tab stop is not the skip link: ${first?.tag}`);
  note(first);

  if (phone) {
    const menu = page.getByRole("button", { name: "Open menu" });
    let reached = false;
    for (let i = 0; i < 10 && !reached; i++) {
      await page.keyboard.press("Tab");
      note(await focused());
      reached = await menu.evaluate((element) => element === document.activeElement);
    }
    if (!reached) return [...problems, "Tab never reached the menu button"];
    await page.keyboard.press("Enter");
  }

  let onLink = false;
  let enteredNav = false;
  for (let i = 0; i < 40 && !onLink; i++) {
    await page.keyboard.press("Tab");
    const stop = await focused();
    note(stop);
    if (stop?.inMain && !enteredNav) return [...problems, `Tab went into the page before the main navigation (${stop.tag})`];
    enteredNav ||= Boolean(stop?.inNav);
    onLink = Boolean(stop?.inNav && stop.href === to.path);
  }
  if (!onLink) return [...problems, `Tab never reached the nav link to ${to.path}`];
  await page.keyboard.press("Enter");
  try {
    await page.waitForURL((url) => url.pathname === to.path, { timeout: 3_000 });
    await expectVisible(page.getByRole("heading", { level: 1 }));
    await page.waitForFunction(() => document.querySelectorAll("main .loading-notice").length === 0, undefined, { timeout: 5_000 });
  } catch {
    return [...problems, `Enter on the nav link to ${to.path} (from ${from.path}) did not open it`];
  }

  opened = true;
  // On into the page's own controls, until the focus leaves the page again (or enough stops were seen).
  let insideMain = 0;
  for (let i = 0; i < MAIN_TAB_STOPS + 20 && insideMain < MAIN_TAB_STOPS; i++) {
    await page.keyboard.press("Tab");
    const stop = await focused();
    if (stop?.inMain) insideMain++;
    else if (insideMain > 0) break;
    note(stop);
  }
  if (insideMain === 0) problems.push(`Tab never reached the content of ${to.path} after the nav`);
  return problems;
}

/**
 * Runs `check` on the page as loaded and again on each of its tab panels (pages with tabs hide most of their
 * controls behind them), naming the tab in each problem.
 */
async function inEveryTab(check: () => Promise<string[]>): Promise<string[]> {
  const problems = [...(await check())];
  const tabs = page.locator("main [role=tab]");
  const count = await tabs.count();
  for (let i = 1; i < count; i++) {
    const tab = tabs.nth(i);
    const name = (await tab.textContent())?.trim();
    await tab.click();
    await page.waitForFunction(() => document.querySelectorAll("main .loading-notice").length === 0, undefined, { timeout: 5_000 });
    problems.push(...(await check()).map((problem) => `tab “${name}”: ${problem}`));
  }
  return problems;
}

/** Every check of one page at one width, problems collected rather than stopping at the first. */
async function sweep(target: NavPage, next: NavPage, phone: boolean): Promise<string[]> {
  const problems: string[] = [];
  await load(target.path);
  const headings = await page.locator("h1").count();
  if (headings !== 1) problems.push(`${headings} h1 elements`);
  problems.push(
    ...(await inEveryTab(async () => {
      const found = (await unlabelledControls(page)).map((control) => `unlabelled: ${control}`);
      const overflow = phone ? await horizontalOverflow() : 0;
      return overflow > 0 ? [...found, `scrolls sideways by ${overflow}px`] : found;
    })),
  );
  await load(target.path);
  problems.push(...(await keyboardWalk(target, next, phone)));
  return problems.map((problem) => `${target.path} @${phone ? 390 : 1440}: ${problem}`);
}

beforeAll(async () => {
  if (SKIP_BROWSER) return;
  session = await openDashboard();
  page = session.page;
  const model = await connectFormat(session.gateway, "openai-chat", upstream.url);
  await admin("POST", "/api/combos", { name: "a11y", strategy: "fill-first", targets: [{ model }] });
  await admin("POST", "/api/keys", { name: "a11y-key" });
  const chat = await fetch(`${session.gateway.url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model: "a11y", messages: [{ role: "user", content: "Hi" }] }),
  });
  await chat.arrayBuffer();
  await session.signIn();
}, 60_000);

afterAll(async () => {
  await session?.close();
  upstream.stop();
});

describe.skipIf(SKIP_BROWSER)("accessibility of every page", () => {
  test("the main navigation lists the pages", async () => {
    const links = page.getByRole("navigation", { name: "Main navigation" }).getByRole("link");
    pages = await links.evaluateAll((elements) => elements.map((a) => ({ path: a.getAttribute("href")!, name: a.textContent!.trim() })));
    expect(pages.length).toBeGreaterThan(5);
    expect(new Set(pages.map((entry) => entry.path)).size).toBe(pages.length);

    // The skip link works from the keyboard: Enter moves the focus to the page's content.
    await load(pages[0]!.path);
    await page.keyboard.press("Tab");
    expect((await focused())?.skipLink).toBe(true);
    await expectVisible(page.getByRole("link", { name: "Skip to content" }));
    await page.keyboard.press("Enter");
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("main-content");
    await page.keyboard.press("Tab");
    expect((await focused())?.inMain).toBe(true);
  });

  for (const phone of [false, true]) {
    test(`at ${phone ? 390 : 1440} px: one h1, labelled controls, visible focus, keyboard navigation${phone ? ", no sideways scroll" : ""}`, async () => {
      expect(pages.length).toBeGreaterThan(5);
      await page.setViewportSize(phone ? PHONE : WIDE);
      const problems: string[] = [];
      for (const [index, target] of pages.entries()) problems.push(...(await sweep(target, pages[(index + 1) % pages.length]!, phone)));
      expect(problems).toEqual([]);
    }, 45_000);
  }

  test("in Arabic every page is right to left and does not scroll sideways at 390 px", async () => {
    expect(pages.length).toBeGreaterThan(5);
    await page.setViewportSize(PHONE);
    await page.getByRole("combobox", { name: "Language" }).selectOption("ar");
    const problems: string[] = [];
    for (const target of pages) {
      await load(target.path);
      const dir = await page.getAttribute("html", "dir");
      if (dir !== "rtl") problems.push(`${target.path}: dir=${dir}`);
      const found = await inEveryTab(async () => {
        const overflow = await horizontalOverflow();
        return overflow > 0 ? [`scrolls sideways by ${overflow}px`] : [];
      });
      problems.push(...found.map((problem) => `${target.path}: ${problem}`));
    }
    expect(problems).toEqual([]);
    await page.setViewportSize(WIDE);
    expect(session.pageErrors).toEqual([]);
  }, 20_000);
});
