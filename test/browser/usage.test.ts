import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { openDashboard, SKIP_BROWSER, STEP_TIMEOUT_MS, tabTo, unlabelledControls, expectVisible, type DashboardSession } from "./harness";
import { startRecordedUpstream } from "../fakes/recorded-upstream";

/**
 * The usage page against real traffic: chats sent through the gateway to a fake OpenAI-compatible upstream (some
 * answered 500), one model priced through the settings API, then the page's totals, chart, table and CSV export
 * compared with what the management API says. Tests run in order on one page.
 */

const encoder = new TextEncoder();
/** Prompts containing this word get a 500 from the fake upstream (retries included), so those requests fail. */
const FAIL_WORD = "please-fail";

function chatCompletion(model: string) {
  return {
    id: "chatcmpl-usage",
    object: "chat.completion",
    created: 1_700_000_000,
    model,
    choices: [{ index: 0, message: { role: "assistant", content: "Hello from the fake upstream." }, finish_reason: "stop" }],
    usage: { prompt_tokens: 120, completion_tokens: 30, total_tokens: 150 },
  };
}

const upstream = startRecordedUpstream((request) => {
  const body = request.body ? (JSON.parse(request.body) as { model?: string }) : {};
  if (request.body.includes(FAIL_WORD)) {
    return { status: 500, contentType: "application/json", pieces: [encoder.encode(JSON.stringify({ error: { message: "fake upstream failure", type: "server_error" } }))] };
  }
  return { status: 200, contentType: "application/json", pieces: [encoder.encode(JSON.stringify(chatCompletion(body.model ?? "unknown")))] };
});

let session: DashboardSession;

interface Figures {
  requests: number;
  failed: number;
  successRate: number | null;
  tokensIn: number;
  tokensOut: number;
  costUsd: number;
  costedRequests: number;
  latencyMs: { p50: number | null; p95: number | null };
}
interface Analytics {
  totals: Figures;
  groups: Array<Figures & { key: string | null }>;
}

async function admin(method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${session.gateway.url}${path}`, {
    method,
    headers: await session.gateway.adminHeaders(),
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

async function chat(model: string, content: string): Promise<number> {
  const response = await fetch(`${session.gateway.url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model, messages: [{ role: "user", content }] }),
  });
  await response.arrayBuffer();
  return response.status;
}

// The page formats figures in the browser's locale (en-US here); the test formats the API's numbers the same way.
const count = (value: number) => new Intl.NumberFormat("en-US").format(value);
const share = (value: number | null) => (value === null ? "—" : new Intl.NumberFormat("en-US", { style: "percent", maximumFractionDigits: 1 }).format(value));
const usd = (value: number) =>
  new Intl.NumberFormat("en-US", value === 0 || Math.abs(value) >= 1 ? { style: "currency", currency: "USD" } : { style: "currency", currency: "USD", maximumSignificantDigits: 4 }).format(value);
const ms = (value: number | null) => (value === null ? "—" : new Intl.NumberFormat("en-US", { style: "unit", unit: "millisecond", unitDisplay: "short", maximumFractionDigits: 0 }).format(value));

beforeAll(async () => {
  if (SKIP_BROWSER) return;
  session = await openDashboard();
  const connection = await admin("POST", "/api/connections", {
    providerId: "openai-compatible",
    name: "Usage mock",
    baseUrl: `${upstream.url}/v1`,
    apiKey: "sk-usage-upstream",
    alias: "mock-chat",
    models: ["alpha", "beta"],
  });
  expect(connection.status).toBe(201);
  // A price for alpha only: beta's requests stay unpriced (cost null, never a guess).
  expect((await admin("PATCH", "/api/settings", { pricing: { models: { alpha: { input: 2, output: 10 } } } })).status).toBe(200);

  const statuses = [
    await chat("mock-chat/alpha", "one"),
    await chat("mock-chat/beta", `two ${FAIL_WORD}`),
    await chat("mock-chat/alpha", "three"),
    await chat("mock-chat/alpha", "four"),
    await chat("mock-chat/beta", "five"),
    await chat("mock-chat/alpha", `six ${FAIL_WORD}`),
  ];
  expect(statuses.filter((status) => status === 200)).toHaveLength(4);
  expect(statuses.filter((status) => status >= 500)).toHaveLength(2);
  await session.signIn();
}, 60_000);

afterAll(async () => {
  await session?.close();
  upstream.stop();
});

describe.skipIf(SKIP_BROWSER)("usage page", () => {
  test("the totals are the figures of GET /api/analytics", async () => {
    const { page } = session;
    await page.getByRole("navigation", { name: "Main navigation" }).getByRole("link", { name: "Usage & costs" }).click();
    await expectVisible(page.getByRole("heading", { name: "Usage & costs", level: 1 }));
    await expectVisible(page.getByTestId("usage-totals"));

    const analytics: Analytics = await page.evaluate(async () => (await fetch("/api/analytics?groupBy=model")).json());
    const { totals } = analytics;
    expect(totals.requests).toBe(6);
    expect(totals.failed).toBe(2);
    expect(totals.costedRequests).toBe(3);
    // alpha: 3 answered requests × (120 in × $2 + 30 out × $10) per 1M tokens.
    expect(totals.costUsd).toBeCloseTo((3 * (120 * 2 + 30 * 10)) / 1_000_000, 12);

    expect(await page.getByTestId("usage-total-requests").textContent()).toBe(count(totals.requests));
    expect(await page.getByTestId("usage-total-success-rate").textContent()).toBe(share(totals.successRate));
    expect(await page.getByTestId("usage-total-tokens-in").textContent()).toBe(count(totals.tokensIn));
    expect(await page.getByTestId("usage-total-tokens-out").textContent()).toBe(count(totals.tokensOut));
    expect(await page.getByTestId("usage-total-cost").textContent()).toBe(usd(totals.costUsd));
    expect(await page.getByTestId("usage-total-p50").textContent()).toBe(`p50 ${ms(totals.latencyMs.p50)}`);
    expect(await page.getByTestId("usage-total-p95").textContent()).toBe(`p95 ${ms(totals.latencyMs.p95)}`);
    await expectVisible(page.getByText("3 of 6 requests priced"));
  }, STEP_TIMEOUT_MS);

  test("the chart renders on a canvas with a legend naming each model", async () => {
    const { page } = session;
    await expectVisible(page.locator(".usage-chart canvas"));
    const legend = page.getByTestId("usage-chart-legend");
    await expectVisible(legend.getByText("mock-chat/alpha"));
    await expectVisible(legend.getByText("mock-chat/beta"));
    // Not hovering: the legend shows each line's total over the range.
    expect(await legend.locator("li", { hasText: "mock-chat/alpha" }).locator(".usage-chart__legend-value").textContent()).toBe("4");
    await expectVisible(page.getByRole("img", { name: /Line chart of Requests over time per Model/ }));
  }, STEP_TIMEOUT_MS);

  test("the table lists each model with its figures and sorts by column", async () => {
    const { page } = session;
    const analytics: Analytics = await page.evaluate(async () => (await fetch("/api/analytics?groupBy=model")).json());
    const table = page.getByTestId("usage-table");
    for (const group of analytics.groups) {
      const row = table.locator("tbody tr", { has: page.getByRole("rowheader", { name: group.key! }) });
      await expectVisible(row);
      expect(await row.locator("td").first().textContent()).toBe(count(group.requests));
    }
    const rowHeaders = async () => table.locator("tbody th").allTextContents();
    expect(await rowHeaders()).toEqual(["mock-chat/alpha", "mock-chat/beta"]);

    const requestsHeader = table.getByRole("columnheader", { name: "Requests" });
    expect(await requestsHeader.getAttribute("aria-sort")).toBe("descending");
    await requestsHeader.getByRole("button").click();
    expect(await requestsHeader.getAttribute("aria-sort")).toBe("ascending");
    expect(await rowHeaders()).toEqual(["mock-chat/beta", "mock-chat/alpha"]);
  }, STEP_TIMEOUT_MS);

  test("the CSV link downloads the request-log rows of the range", async () => {
    const { page } = session;
    const link = page.getByRole("link", { name: "Export CSV" });
    const href = await link.getAttribute("href");
    expect(href).toStartWith("/api/logs/export.csv?from=");
    const [download] = await Promise.all([page.waitForEvent("download"), link.click()]);
    expect(download.suggestedFilename()).toMatch(/^omniroute-requests-.*\.csv$/);
    const csv = readFileSync((await download.path())!, "utf8");
    const lines = csv.trimEnd().split("\r\n");
    expect(lines[0]).toStartWith("id,startedAt,");
    expect(lines).toHaveLength(1 + 6);
    expect(lines.filter((line) => line.includes(",500,")).length).toBe(2);
  }, STEP_TIMEOUT_MS);

  test("group by provider and a cost chart re-read the API", async () => {
    const { page } = session;
    await page.getByLabel("Group by", { exact: true }).selectOption("provider");
    await expectVisible(page.getByRole("heading", { name: "By Provider" }));
    await expectVisible(page.getByTestId("usage-table").getByRole("rowheader", { name: "openai-compatible" }));
    await page.getByLabel("Chart", { exact: true }).selectOption("cost");
    await expectVisible(page.getByRole("heading", { name: "Cost over time" }));
    const analytics: Analytics = await page.evaluate(async () => (await fetch("/api/analytics?groupBy=provider")).json());
    const legend = page.getByTestId("usage-chart-legend");
    expect(await legend.locator("li", { hasText: "openai-compatible" }).locator(".usage-chart__legend-value").textContent()).toBe(
      usd(analytics.groups[0]!.costUsd),
    );
  }, STEP_TIMEOUT_MS);

  test("a custom range is checked, and an empty range says so", async () => {
    const { page } = session;
    await page.getByLabel("Time range", { exact: true }).selectOption("custom");
    await page.getByLabel("From", { exact: true }).fill("2020-01-02T00:00");
    await page.getByLabel("To", { exact: true }).fill("2020-01-01T00:00");
    await expectVisible(page.getByRole("alert").getByText("Choose a start before the end."));
    await page.getByLabel("To", { exact: true }).fill("2020-01-03T00:00");
    await expectVisible(page.getByText("No requests in this range.").first());
    expect(await page.getByTestId("usage-total-requests").textContent()).toBe("0");
    expect(await page.getByRole("link", { name: "Export CSV" }).getAttribute("href")).toContain("from=2020-01-0");
    await page.getByLabel("Time range", { exact: true }).selectOption("7d");
    await expectVisible(page.getByTestId("usage-table"));
    expect(await page.getByTestId("usage-total-requests").textContent()).toBe("6");
  }, STEP_TIMEOUT_MS);

  test("keyboard only: a column is sorted with Tab and Enter", async () => {
    const { page } = session;
    const costHeader = page.getByTestId("usage-table").getByRole("columnheader", { name: "Cost" });
    await page.getByRole("heading", { name: "Usage & costs", level: 1 }).click();
    await tabTo(page, costHeader.getByRole("button"));
    await page.keyboard.press("Enter");
    expect(await costHeader.getAttribute("aria-sort")).toBe("descending");
    await page.keyboard.press("Enter");
    expect(await costHeader.getAttribute("aria-sort")).toBe("ascending");
  }, STEP_TIMEOUT_MS);

  test("labelled controls, dark theme, phone width without sideways scroll, screenshots", async () => {
    const { page } = session;
    expect(await unlabelledControls(page)).toEqual([]);

    const swatchColor = () => page.locator(".usage-chart__swatch").first().evaluate((el) => getComputedStyle(el).backgroundColor);
    const lightSwatch = await swatchColor();
    await page.getByRole("button", { name: "Switch to dark theme" }).click();
    expect(await page.getAttribute("html", "data-theme")).toBe("dark");
    // The chart repaints its colours on the theme change: wait for it rather than read at once.
    await page.waitForFunction((light) => {
      const swatch = document.querySelector(".usage-chart__swatch");
      return swatch !== null && getComputedStyle(swatch).backgroundColor !== light;
    }, lightSwatch);
    expect(await swatchColor()).not.toBe(lightSwatch);
    await expectVisible(page.locator(".usage-chart canvas"));
    await session.screenshots("usage-dark");
    await page.getByRole("button", { name: "Switch to light theme" }).click();

    await page.setViewportSize({ width: 390, height: 844 });
    await expectVisible(page.locator(".usage-chart canvas"));
    // The chart resizes to the new width on its next frame: give it that moment, then require no overflow.
    await page.waitForFunction(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth, undefined, { timeout: 3_000 }).catch(() => {});
    expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0);
    await page.setViewportSize({ width: 1440, height: 900 });
    await session.screenshots("usage");
    expect(session.pageErrors).toEqual([]);
  }, STEP_TIMEOUT_MS);
});
