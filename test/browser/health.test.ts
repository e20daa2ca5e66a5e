import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { expectVisible, openDashboard, SKIP_BROWSER, STEP_TIMEOUT_MS, tabTo, unlabelledControls, type DashboardSession } from "./harness";
import { chatCompletionReply, rateLimitedReply, startRecordedUpstream } from "../fakes/recorded-upstream";

/**
 * The health page against a real gateway: a fake upstream answers one model with 429 + Retry-After, which cools the
 * account down; the page shows it and resets it. Quota bars, cache statistics and latency come from real traffic.
 * Tests run in order on one page.
 */

const RETRY_AFTER_SECONDS = 600;

const upstream = startRecordedUpstream((request) => {
  const body = request.body ? (JSON.parse(request.body) as { model?: string }) : {};
  if (body.model === "limited") return rateLimitedReply(RETRY_AFTER_SECONDS);
  return chatCompletionReply(body.model ?? "unknown", "chatcmpl-health");
});

const CONNECTION_NAME = "Health mock";
let session: DashboardSession;
let connectionId: string;
let clientKey: string;

async function admin(method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${session.gateway.url}${path}`, {
    method,
    headers: await session.gateway.adminHeaders(),
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

async function chat(model: string, extra: Record<string, unknown> = {}): Promise<Response> {
  const response = await fetch(`${session.gateway.url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${clientKey}` },
    body: JSON.stringify({ model, messages: [{ role: "user", content: "hello" }], ...extra }),
  });
  await response.arrayBuffer();
  return response;
}

interface HealthDetails {
  coolingDown: Array<{ connectionId: string; until: number }>;
  cache: { entries: number };
}

async function details(): Promise<HealthDetails> {
  return (await admin("GET", "/api/health/details")).json() as Promise<HealthDetails>;
}

beforeAll(async () => {
  if (SKIP_BROWSER) return;
  session = await openDashboard();
  const created = await admin("POST", "/api/connections", {
    providerId: "openai-compatible",
    name: CONNECTION_NAME,
    baseUrl: `${upstream.url}/v1`,
    apiKey: "sk-health-upstream",
    alias: "mock-chat",
    models: ["fine", "limited"],
    quota: [{ id: "day", window: { kind: "daily", resetHour: 0, utcOffsetMinutes: 0 }, limits: { requests: 10 } }],
  });
  expect(created.status).toBe(201);
  connectionId = ((await created.json()) as { id: string }).id;
  // A client key that opts into the response cache: its deterministic requests are stored.
  const key = await admin("POST", "/api/keys", { name: "health-cache-key", cacheTtlSeconds: 600 });
  expect(key.status).toBe(201);
  clientKey = ((await key.json()) as { key: string }).key;

  expect((await chat("mock-chat/fine", { temperature: 0 })).headers.get("x-omniroute-cache")).toBe("miss");
  expect((await chat("mock-chat/fine")).status).toBe(200);
  expect((await chat("mock-chat/fine")).status).toBe(200);
  expect((await details()).cache.entries).toBe(1);
  await session.signIn();
}, 60_000);

afterAll(async () => {
  await session?.close();
  upstream.stop();
});

describe.skipIf(SKIP_BROWSER)("health page", () => {
  test("shows version, uptime, the account, latency percentiles, quota and cache from the API", async () => {
    const { page } = session;
    await page.getByRole("navigation", { name: "Main navigation" }).getByRole("link", { name: "Health" }).click();
    await expectVisible(page.getByRole("heading", { name: "Health", level: 1 }));
    const status = await page.evaluate(async () => (await fetch("/api/health/details")).json());
    expect(await page.getByTestId("health-version").textContent()).toBe(status.version);

    const row = page.getByTestId(`health-account-${connectionId}`);
    await expectVisible(row.getByText(CONNECTION_NAME));
    expect(await row.getByTestId("health-availability").textContent()).toBe("Available");

    const latency = page.getByTestId("health-latency");
    await expectVisible(latency.getByRole("cell", { name: "openai-compatible" }));

    // Quota: 3 of the window's 10 requests used.
    const quota = page.getByTestId(`health-quota-${connectionId}`);
    const bar = quota.getByRole("progressbar", { name: /day · daily/ });
    await expectVisible(bar);
    expect(await bar.getAttribute("aria-valuenow")).toBe("30");
    await expectVisible(quota.getByText(/3 of 10 requests · resets in/));

    expect(await page.getByTestId("health-cache-entries").textContent()).toBe("1");
  }, STEP_TIMEOUT_MS);

  test("a 429 upstream cools the account down; the page shows it without a reload and resets it", async () => {
    const { page } = session;
    const limited = await chat("mock-chat/limited");
    expect(limited.status).toBe(429);
    const cooling = (await details()).coolingDown.find((entry) => entry.connectionId === connectionId);
    expect(cooling).toBeDefined();
    expect(cooling!.until).toBeGreaterThan(Date.now() + (RETRY_AFTER_SECONDS - 30) * 1000);

    // The page refreshes itself every few seconds while visible.
    const availability = page.getByTestId(`health-account-${connectionId}`).getByTestId("health-availability");
    await availability.getByText(/^Cooling down · 9m \d+s$/).waitFor({ timeout: 8_000 });
    await expectVisible(page.getByTestId(`health-account-${connectionId}`).getByText("429 rate_limit_exceeded"));
    await session.screenshots("health-cooling-down");

    await page.getByRole("button", { name: `Reset ${CONNECTION_NAME}` }).click();
    await availability.getByText("Available", { exact: true }).waitFor();
    expect(await page.getByTestId("health-announcement").textContent()).toBe(`${CONNECTION_NAME} was reset.`);
    expect((await details()).coolingDown).toEqual([]);
  }, STEP_TIMEOUT_MS);

  test("keyboard only: a cooled-down account is reset with Tab and Enter", async () => {
    const { page } = session;
    expect((await chat("mock-chat/limited")).status).toBe(429);
    await page.getByRole("button", { name: "Refresh" }).click();
    const availability = page.getByTestId(`health-account-${connectionId}`).getByTestId("health-availability");
    await availability.getByText(/^Cooling down/).waitFor();

    await page.getByRole("heading", { name: "Health", level: 1 }).click();
    await tabTo(page, page.getByRole("button", { name: `Reset ${CONNECTION_NAME}` }));
    await page.keyboard.press("Enter");
    await availability.getByText("Available", { exact: true }).waitFor();
    expect((await details()).coolingDown).toEqual([]);
  }, STEP_TIMEOUT_MS);

  test("reset all, the quota reset and clearing the cache are real actions", async () => {
    const { page } = session;
    await page.getByRole("button", { name: "Reset all" }).click();
    await page.getByTestId("health-announcement").getByText(/^Accounts reset: \d+\. Every provider breaker was reset too\.$/).waitFor();

    await page.getByRole("button", { name: `Reset quota of ${CONNECTION_NAME}` }).click();
    const quotaDialog = page.getByRole("dialog", { name: "Reset this account's quota?" });
    await quotaDialog.getByRole("button", { name: "Reset quota" }).click();
    await quotaDialog.waitFor({ state: "hidden" });
    const bar = page.getByTestId(`health-quota-${connectionId}`).getByRole("progressbar", { name: /day · daily/ });
    await page.waitForFunction((element) => element?.getAttribute("aria-valuenow") === "0", await bar.elementHandle());
    const quota = await page.evaluate(async () => (await fetch("/api/quota")).json());
    expect(quota.connections[0].windows[0].used.requests).toBe(0);

    await page.getByRole("button", { name: "Clear cache" }).click();
    const cacheDialog = page.getByRole("dialog", { name: "Clear the response cache?" });
    await cacheDialog.getByRole("button", { name: "Clear cache" }).click();
    await cacheDialog.waitFor({ state: "hidden" });
    await page.getByTestId("health-cache-entries").getByText("0", { exact: true }).waitFor();
    expect((await details()).cache.entries).toBe(0);
    expect(await page.getByTestId("health-announcement").textContent()).toBe("The response cache was cleared.");
  }, STEP_TIMEOUT_MS);

  test("labelled controls, phone width without sideways scroll, screenshots, no page errors", async () => {
    const { page } = session;
    expect(await unlabelledControls(page)).toEqual([]);
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0);
    await page.setViewportSize({ width: 1440, height: 900 });
    await session.screenshots("health");
    expect(session.pageErrors).toEqual([]);
  }, STEP_TIMEOUT_MS);
});
