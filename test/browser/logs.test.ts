import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Page } from "playwright-core";
import { startRecordedUpstream, fixtureReply } from "../fakes/recorded-upstream";
import { expectVisible, openDashboard, SKIP_BROWSER, STEP_TIMEOUT_MS, tabTo, unlabelledControls, type DashboardSession } from "./harness";

/**
 * The Logs page against the real gateway: requests that fail over between two mock upstreams (the first
 * answers 500, the second serves), found in the request log, filtered, opened; the live monitor; the console.
 */

const encoder = new TextEncoder();
const MODEL_LIST = encoder.encode(JSON.stringify({ object: "list", data: [{ id: "test-model", object: "model", created: 0, owned_by: "test" }] }));
const UPSTREAM_ERROR = encoder.encode(JSON.stringify({ error: { message: "mock upstream is down", type: "server_error" } }));

let session: DashboardSession;
let page: Page;
let clientKey: string;
let badConnectionId: string;
const badUpstream = startRecordedUpstream(() => ({ status: 500, contentType: "application/json", pieces: [UPSTREAM_ERROR] }));
const goodUpstream = startRecordedUpstream((request) =>
  request.path.endsWith("/models")
    ? { status: 200, contentType: "application/json", pieces: [MODEL_LIST] }
    : fixtureReply("openai-chat", "text-nonstream").reply,
);

async function admin(method: string, path: string, body?: unknown): Promise<Response> {
  const response = await fetch(`${session.gateway.url}${path}`, {
    method,
    headers: await session.gateway.adminHeaders(),
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return response;
}

async function chat(model: string, text: string): Promise<Response> {
  return fetch(`${session.gateway.url}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${clientKey}`, "content-type": "application/json" },
    body: JSON.stringify({ model, messages: [{ role: "user", content: text }] }),
  });
}

const tab = (name: string) => page.getByRole("tab", { name });
const panel = (name: string) => page.getByRole("tabpanel", { name });

async function horizontalOverflow(): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

beforeAll(async () => {
  if (SKIP_BROWSER) return;
  // info, so the console has info lines (the start-up one) for the level filter to hide.
  session = await openDashboard({ env: { LOG_LEVEL: "info" } });
  page = session.page;

  // One attempt per target, so the route is exactly: the first connection's 500, then the second's answer.
  // Bodies kept, so the detail has them to show.
  await admin("PATCH", "/api/settings", { routing: { transientRetries: 0 }, requestLog: { bodies: true } });
  const bad = (await (
    await admin("POST", "/api/connections", { providerId: "openai-compatible", name: "Broken box", alias: "logs-bad", baseUrl: `${badUpstream.url}/v1`, models: ["test-model"] })
  ).json()) as { id: string };
  badConnectionId = bad.id;
  await admin("POST", "/api/connections", { providerId: "openai-compatible", name: "Healthy box", alias: "logs-good", baseUrl: `${goodUpstream.url}/v1`, models: ["test-model"] });
  await admin("POST", "/api/combos", { name: "logs-failover", strategy: "fill-first", targets: [{ model: "logs-bad/test-model" }, { model: "logs-good/test-model" }] });
  clientKey = ((await (await admin("POST", "/api/keys", { name: "logs-browser" })).json()) as { key: string }).key;

  // 52 plain requests (more than one page of 50), one that fails over, one that fails outright.
  for (let batch = 0; batch < 4; batch++) {
    const sent = await Promise.all(Array.from({ length: 13 }, (_, i) => chat("logs-good/test-model", `filler ${batch}-${i}`)));
    expect(sent.every((response) => response.status === 200)).toBe(true);
  }
  const failedOver = await chat("logs-failover", "fail over please");
  expect(failedOver.status).toBe(200);
  expect(failedOver.headers.get("x-omniroute-route")).toContain("failed=logs-bad/test-model (500)");
  expect((await chat("logs-bad/test-model", "this one fails")).status).toBe(500);
}, 30_000);

afterAll(async () => {
  await session?.close();
  badUpstream.stop();
  goodUpstream.stop();
});

describe.skipIf(SKIP_BROWSER)("logs page", () => {
  test("the request log lists real requests, filters by status and pages with the cursor", async () => {
    await session.signIn();
    await page.getByRole("navigation", { name: "Main navigation" }).getByRole("link", { name: "Logs" }).click();
    await expectVisible(page.getByRole("heading", { name: "Logs", level: 1 }));
    const requests = panel("Requests");
    await expectVisible(requests.getByRole("table"));

    // Newest first: the outright failure, then the failover through the combo.
    const rows = requests.locator("tbody tr");
    await expect(rows.nth(0).textContent()).resolves.toContain("logs-bad/test-model");
    const failoverRow = rows.nth(1);
    const failoverText = await failoverRow.textContent();
    expect(failoverText).toContain("logs-failover");
    await expectVisible(failoverRow.getByText("Healthy box")); // the account's name, not its id
    expect(failoverText).toContain("Failed attempts: 1");
    expect(await rows.count()).toBe(50);
    await expectVisible(requests.getByText("Requests shown: 50 (more are available)"));

    await requests.getByRole("button", { name: "Load more" }).click();
    await expectVisible(requests.getByText("Requests shown: 54"));
    expect(await rows.count()).toBe(54);
    await requests.getByRole("button", { name: "Load more" }).waitFor({ state: "detached" });

    await requests.getByLabel("Status", { exact: true }).selectOption("error");
    await requests.getByRole("button", { name: "Apply filters" }).click();
    await page.waitForFunction(() => document.querySelectorAll("tbody .logs-status").length === 1);
    await expectVisible(requests.getByText("Requests shown: 1"));
    expect(await requests.locator("tbody .logs-status").allTextContents()).toEqual(["500"]);
    expect(await requests.getByRole("link", { name: "Export CSV" }).getAttribute("href")).toBe("/api/logs/export.csv?status=error");

    await requests.getByLabel("Status", { exact: true }).selectOption("ok");
    await requests.getByLabel("Model", { exact: true }).fill("logs-failover");
    await requests.getByRole("button", { name: "Apply filters" }).click();
    // "Requests shown: 1" was already on screen for the previous filter: wait for the new row itself.
    await page.waitForFunction(() => {
      const cells = [...document.querySelectorAll("tbody .logs-status")].map((cell) => cell.textContent);
      return cells.length === 1 && cells[0] === "200";
    });
    await expectVisible(requests.getByText("Requests shown: 1"));
    expect(await requests.locator("tbody .logs-status").allTextContents()).toEqual(["200"]);

    expect(await unlabelledControls(page)).toEqual([]);
    expect(await horizontalOverflow()).toBeLessThanOrEqual(0);
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await horizontalOverflow()).toBeLessThanOrEqual(0);
    await page.setViewportSize({ width: 1440, height: 900 });
    await session.screenshots("logs-requests");
  }, STEP_TIMEOUT_MS);

  test("the detail dialog shows every field and both attempts in order", async () => {
    const requests = panel("Requests");
    await requests.getByRole("button", { name: /^Details of the request at .* \(logs-failover\)$/ }).click();
    const dialog = page.getByRole("dialog", { name: "Request details" });
    await expectVisible(dialog);
    const steps = dialog.locator(".logs-route > li");
    // The dialog opens at once; its detail arrives with GET /api/logs/{id} (a loaded machine may take a moment).
    await expectVisible(steps.nth(1));
    await expect(steps.count()).resolves.toBe(2);
    const first = await steps.nth(0).textContent();
    expect(first).toContain("logs-bad/test-model");
    expect(first).toContain("500");
    expect(first).toContain("mock upstream is down");
    const second = await steps.nth(1).textContent();
    expect(second).toContain("200");
    expect(second).toContain("served by Healthy box");
    await expectVisible(dialog.getByText("logs-failover", { exact: true }).first());
    await expectVisible(dialog.getByText("Combo tier"));
    await expectVisible(dialog.getByText("logs-good/test-model", { exact: true }));
    const requestBody = dialog.getByLabel("Request body");
    expect(await requestBody.textContent()).toContain("fail over please");
    expect(await dialog.getByLabel("Response body").textContent()).toContain("chat.completion");
    expect(await unlabelledControls(page)).toEqual([]);
    await session.screenshots("logs-detail");

    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "hidden" });
  }, STEP_TIMEOUT_MS);

  test("keyboard only: Tab reaches the tabs, arrow keys move between them", async () => {
    await page.goto(session.url("/logs"));
    await expectVisible(panel("Requests").getByRole("table"));
    await tabTo(page, tab("Requests"));
    await page.keyboard.press("ArrowRight");
    expect(await tab("Live").getAttribute("aria-selected")).toBe("true");
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Live");
    await page.keyboard.press("End");
    expect(await tab("Console").getAttribute("aria-selected")).toBe("true");
    await page.keyboard.press("ArrowRight");
    expect(await tab("Requests").getAttribute("aria-selected")).toBe("true");
    await page.keyboard.press("ArrowLeft");
    expect(await tab("Console").getAttribute("aria-selected")).toBe("true");
    await page.keyboard.press("ArrowLeft");
    expect(await tab("Live").getAttribute("aria-selected")).toBe("true");
    expect(new URL(page.url()).searchParams.get("tab")).toBe("live");
    expect(await panel("Requests").isHidden()).toBe(true);
  }, STEP_TIMEOUT_MS);

  test("the live tab shows requests made after it opened; pause holds them back", async () => {
    const live = panel("Live");
    await expectVisible(live.getByRole("status").getByText("Live", { exact: true }));
    expect((await chat("logs-failover", "live one")).status).toBe(200);
    const firstRow = live.locator("tbody tr").first();
    await expectVisible(firstRow);
    expect(await firstRow.textContent()).toContain("logs-failover");
    expect(await firstRow.textContent()).toContain("Failed attempts: 1");

    await live.getByRole("button", { name: "Pause" }).click();
    expect((await chat("logs-good/test-model", "while paused")).status).toBe(200);
    await expectVisible(live.getByText("Paused. New requests waiting: 1"));
    expect(await live.locator("tbody tr").count()).toBe(1);
    await live.getByRole("button", { name: "Resume" }).click();
    // The held row is added when the page re-renders: wait for it rather than count at once.
    await expectVisible(live.locator("tbody tr").nth(1));
    await expect(live.locator("tbody tr").count()).resolves.toBe(2);
    expect(await live.locator("tbody tr").first().textContent()).toContain("logs-good/test-model");

    // A live row opens the same detail as the log.
    await live.getByRole("button", { name: /\(logs-failover\)$/ }).click();
    const dialog = page.getByRole("dialog", { name: "Request details" });
    await expectVisible(dialog.locator(".logs-route > li").nth(1));
    await expect(dialog.locator(".logs-route > li").count()).resolves.toBe(2);
    await dialog.getByRole("button", { name: "Close" }).click();
    await dialog.waitFor({ state: "hidden" });

    // The gateway ends the stream (as a proxy or a restart would): the tab says so, then reconnects by itself,
    // and requests after the reconnect arrive.
    session.gateway.gateway.runtime.liveMonitor.endSubscriptions();
    await expectVisible(live.getByRole("status").getByText("Connection lost, reconnecting…"));
    await expectVisible(live.getByRole("status").getByText("Live", { exact: true }));
    expect((await chat("logs-good/test-model", "after the drop")).status).toBe(200);
    await expectVisible(live.locator("tbody tr").nth(2));

    expect(await unlabelledControls(page)).toEqual([]);
    await session.screenshots("logs-live");
    await live.getByRole("button", { name: "Clear" }).click();
    await expectVisible(live.getByText("Waiting for requests…"));
  }, STEP_TIMEOUT_MS);

  test("the console streams a provoked warning; the level filter hides info lines", async () => {
    await tab("Live").focus();
    await page.keyboard.press("ArrowRight");
    const consolePanel = panel("Console");
    const log = consolePanel.getByRole("log", { name: "Console log" });
    await expectVisible(log);
    await expectVisible(log.locator('[data-level="info"]', { hasText: "listening on" }));
    await expectVisible(consolePanel.getByRole("status").getByText("Live", { exact: true }));

    // A failed connection test logs a warning: it arrives through the stream.
    await admin("POST", `/api/connections/${badConnectionId}/test`);
    const warning = log.locator('[data-level="warn"]', { hasText: "connection test failed: Broken box" }).first();
    await expectVisible(warning);
    expect(await consolePanel.getByRole("switch", { name: "Follow new entries" }).isChecked()).toBe(true);
    expect(await unlabelledControls(page)).toEqual([]);
    await session.screenshots("logs-console");
    await page.getByRole("button", { name: "Switch to dark theme" }).click();
    await session.screenshots("logs-console-dark");
    await page.getByRole("button", { name: "Switch to light theme" }).click();

    // Following keeps the newest line in view; scrolling up stops it, the switch turns it back on.
    const follow = consolePanel.getByRole("switch", { name: "Follow new entries" });
    const logElement = (await log.elementHandle())!;
    const warnLinesAtBottom = (count: number) =>
      page.waitForFunction(
        ([element, wanted]) => {
          const list = element as HTMLElement;
          const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 8;
          return list.querySelectorAll('[data-level="warn"]').length >= (wanted as number) && list.scrollHeight > list.clientHeight && atBottom;
        },
        [logElement, count] as const,
      );
    await Promise.all(Array.from({ length: 16 }, () => admin("POST", `/api/connections/${badConnectionId}/test`)));
    await warnLinesAtBottom(17);
    await log.evaluate((element) => element.scrollTo({ top: 0 }));
    await page.waitForFunction((element) => !(element.closest("[role=tabpanel]")!.querySelector("[role=switch]") as HTMLInputElement).checked, logElement);
    await admin("POST", `/api/connections/${badConnectionId}/test`);
    await page.waitForFunction((element) => element.querySelectorAll('[data-level="warn"]').length >= 18, logElement);
    expect(await log.evaluate((element) => element.scrollTop)).toBe(0);
    await follow.check();
    await warnLinesAtBottom(18);

    await consolePanel.getByLabel("Level").selectOption("warn");
    await expectVisible(warning);
    await log.locator('[data-level="info"]').first().waitFor({ state: "detached" });
    expect(await log.locator('[data-level="info"], [data-level="debug"]').count()).toBe(0);

    await consolePanel.getByLabel("Search").fill("no such text anywhere");
    await expectVisible(consolePanel.getByText("No console entries match."));
    await consolePanel.getByLabel("Search").fill("broken box");
    await expectVisible(warning);
    expect(await log.locator('li:not([data-level="warn"])').count()).toBe(0);

    await page.setViewportSize({ width: 390, height: 844 });
    expect(await horizontalOverflow()).toBeLessThanOrEqual(0);
    await page.setViewportSize({ width: 1440, height: 900 });
    expect(session.pageErrors).toEqual([]);
  }, STEP_TIMEOUT_MS);
});
