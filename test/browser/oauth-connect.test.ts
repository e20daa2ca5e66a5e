import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Locator } from "playwright-core";
import { oauthTermsPtBR } from "../../ui/src/i18n/areas/oauth-terms.pt-BR";
import { startOAuthMocks } from "../fakes/oauth-mock-servers";
import { expectVisible, openDashboard, SKIP_BROWSER, STEP_TIMEOUT_MS, unlabelledControls, type DashboardSession } from "./harness";

/**
 * Subscription accounts on the Providers page, against the real gateway whose OAuth registry points at the mock
 * OAuth servers: Claude Code is connected by pasting the `code#state` the mock's sign-in page would show, GitHub
 * Copilot through the device flow (the mock approves after a few polls); both cards say "Signed in" with the account.
 * Then the Claude refresh token is revoked on the mock and a refresh forced: the card turns to "Needs re-auth" and
 * Reconnect signs the same account in again. Tests run in order on one page.
 */

const CLAUDE = "claude-code";
const COPILOT = "github-copilot";
const ANTIGRAVITY = "antigravity";
/** Polls the Copilot mock answers `authorization_pending` before approving (the gateway polls about every second). */
const PENDING_POLLS = 4;

interface CatalogEntry {
  id: string;
  name: string;
  oauth?: { flows: string[]; termsNote: string };
}

interface ConnectionView {
  id: string;
  providerId: string;
  name: string;
  auth: { kind: "api-key" } | { kind: "oauth"; state: string; error: string | null; expiresAt: string | null; account: { email?: string } };
}

const mocks = startOAuthMocks({ copilot: { pendingPolls: PENDING_POLLS } });
let session: DashboardSession;
let catalog: CatalogEntry[];
let claudeId: string;

async function admin<T>(method: string, path: string): Promise<T> {
  const response = await fetch(`${session.gateway.url}${path}`, { method, headers: await session.gateway.adminHeaders() });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

const provider = (id: string) => catalog.find((entry) => entry.id === id)!;
const connectionsOf = async (providerId: string) => (await admin<ConnectionView[]>("GET", "/api/connections")).filter((connection) => connection.providerId === providerId);
const horizontalOverflow = () => session.page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
const focusedTestId = () => session.page.evaluate(() => document.activeElement?.getAttribute("data-testid") ?? null);

/** Runs the authorization-code steps in the open dialog: the mock "approves" the link, the code is pasted. */
async function pasteApprovedCode(dialog: Locator): Promise<void> {
  const link = dialog.getByTestId("oauth-authorize-link");
  await expectVisible(link);
  const href = (await link.getAttribute("href"))!;
  expect(href.startsWith(mocks.claude.endpoints.authorize)).toBe(true);
  expect(await link.getAttribute("target")).toBe("_blank");
  await dialog.getByLabel("Code or redirected URL").fill(mocks.claude.approve(href));
  await dialog.getByRole("button", { name: "Submit" }).click();
}

beforeAll(async () => {
  if (SKIP_BROWSER) return;
  session = await openDashboard();
  const registry = session.gateway.gateway.runtime.oauth.registry;
  registry.overrideEndpoints(CLAUDE, mocks.claude.endpoints);
  registry.overrideEndpoints(COPILOT, mocks.copilot.endpoints);
  catalog = await admin<CatalogEntry[]>("GET", "/api/providers");
  await session.signIn();
}, 60_000);

afterAll(async () => {
  await session?.close();
  mocks.stop();
});

describe.skipIf(SKIP_BROWSER)("connecting subscription accounts over OAuth", () => {
  test("Claude Code: the terms note first, then the sign-in link and the pasted code#state add the account", async () => {
    const { page } = session;
    await page.getByRole("navigation", { name: "Main navigation" }).getByRole("link", { name: "Providers" }).click();
    const card = page.getByTestId(`provider-card-${CLAUDE}`);
    await expectVisible(card.getByText("Connected by signing in with your account, no API key."));
    // The API-key form does not offer sign-in providers.
    expect(await page.getByLabel("Provider", { exact: true }).locator(`option[value="${CLAUDE}"]`).count()).toBe(0);

    const name = provider(CLAUDE).name;
    await card.getByRole("button", { name: `Connect ${name}` }).click();
    const dialog = page.getByRole("dialog", { name: `Connect ${name}` });
    await expectVisible(dialog);
    expect(provider(CLAUDE).oauth!.termsNote.length).toBeGreaterThan(20);
    expect(await dialog.getByTestId("oauth-terms").textContent()).toContain(provider(CLAUDE).oauth!.termsNote);

    // Escape closes it and gives the focus back to the card's button; then it is opened again.
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "hidden" });
    expect(await page.evaluate(() => document.activeElement?.getAttribute("aria-label"))).toBe(`Connect ${name}`);
    await page.keyboard.press("Enter");
    await expectVisible(dialog);
    await session.screenshots("oauth-connect-terms");

    await dialog.getByRole("button", { name: "Start sign-in" }).click();
    await expectVisible(dialog.getByTestId("oauth-authorize-link"));
    expect(await focusedTestId()).toBe("oauth-authorize-link");
    await expectVisible(dialog.getByText(/^This sign-in expires in \d+m/));
    expect(await unlabelledControls(page)).toEqual([]);
    await session.screenshots("oauth-connect-code");

    // A wrong code is refused with the gateway's message; the right one connects.
    await dialog.getByLabel("Code or redirected URL").fill("not-a-code#wrong-state");
    await dialog.getByRole("button", { name: "Submit" }).click();
    await expectVisible(dialog.getByRole("alert"));
    await pasteApprovedCode(dialog);
    await expectVisible(dialog.getByTestId("oauth-connect-result").getByText(/^Connected: /));
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Close");
    await dialog.getByRole("button", { name: "Close" }).click();
    await dialog.waitFor({ state: "hidden" });

    const [connection] = await connectionsOf(CLAUDE);
    expect(connection?.auth).toMatchObject({ kind: "oauth", state: "ok", account: { email: "claude-user@example.com" } });
    claudeId = connection!.id;
    const row = page.getByTestId(`connection-${claudeId}`);
    await expectVisible(row.getByTestId("oauth-state").getByText("Signed in", { exact: true }));
    expect(await row.getByTestId("oauth-account-name").textContent()).toBe("claude-user@example.com");
    await expectVisible(row.getByTestId("oauth-expiry").getByText(/^Access token expires in 7h 59m/));
    await expectVisible(card.getByText("Connected: 1"));
  }, STEP_TIMEOUT_MS);

  test("GitHub Copilot: the device code and its link are shown while the gateway waits for the approval", async () => {
    const { page } = session;
    const name = provider(COPILOT).name;
    await page.getByTestId(`provider-card-${COPILOT}`).getByRole("button", { name: `Connect ${name}` }).click();
    const dialog = page.getByRole("dialog", { name: `Connect ${name}` });
    await expectVisible(dialog.getByTestId("oauth-terms"));
    await dialog.getByRole("button", { name: "Start sign-in" }).click();

    const code = dialog.getByTestId("oauth-user-code");
    await expectVisible(code);
    expect(await code.textContent()).toMatch(/^MOCK-\d{4}$/);
    const link = dialog.getByTestId("oauth-verification-link");
    expect(await link.getAttribute("href")).toBe("https://github.com/login/device");
    expect(await link.getAttribute("target")).toBe("_blank");
    expect(await dialog.getByRole("button", { name: "Copy code" }).count()).toBe(1);
    expect(await dialog.getByTestId("oauth-flow-status").textContent()).toBe(`Waiting for your approval on ${name}…`);
    expect(await unlabelledControls(page)).toEqual([]);
    await session.screenshots("oauth-connect-device");

    // The mock approves after a few polls of the gateway; the dialog learns it from GET /api/oauth/flows/{id}.
    await dialog.getByTestId("oauth-connect-result").getByText(/^Connected: /).waitFor({ timeout: 10_000 });
    expect(mocks.copilot.polls).toBeGreaterThan(PENDING_POLLS);
    await dialog.getByRole("button", { name: "Close" }).click();

    const [connection] = await connectionsOf(COPILOT);
    expect(connection?.auth).toMatchObject({ kind: "oauth", state: "ok" });
    const row = page.getByTestId(`connection-${connection!.id}`);
    await expectVisible(row.getByTestId("oauth-state").getByText("Signed in", { exact: true }));
    expect(await row.getByTestId("oauth-account-name").textContent()).toContain("octocat@example.com");
  }, 25_000);

  test("a revoked refresh token turns the card to needs re-auth; Reconnect signs the same account in again", async () => {
    const { page } = session;
    mocks.claude.revokeRefreshToken();
    await session.gateway.gateway.runtime.oauth.refreshNow(claudeId).catch(() => undefined);
    const [refused] = await connectionsOf(CLAUDE);
    expect(refused?.auth).toMatchObject({ kind: "oauth", state: "needs-reauth" });

    // The page reads signed-in accounts again with its live refresh (every 5 s).
    const row = page.getByTestId(`connection-${claudeId}`);
    await row.getByTestId("oauth-state").getByText("Needs re-auth", { exact: true }).waitFor({ timeout: 8_000 });
    await expectVisible(row.getByTestId("oauth-error"));
    await expectVisible(row.getByText("Routing skips this account until it is reconnected."));
    await session.screenshots("oauth-needs-reauth");

    await row.getByRole("button", { name: `Reconnect ${refused!.name}` }).click();
    const dialog = page.getByRole("dialog", { name: `Reconnect ${refused!.name}` });
    await expectVisible(dialog);
    // A reconnect keeps the connection: no name field.
    expect(await dialog.getByLabel("Connection name").count()).toBe(0);
    await dialog.getByRole("button", { name: "Start sign-in" }).click();
    await pasteApprovedCode(dialog);
    await expectVisible(dialog.getByTestId("oauth-connect-result").getByText(`Reconnected: ${refused!.name}.`));
    await dialog.getByRole("button", { name: "Close" }).click();
    await dialog.waitFor({ state: "hidden" });

    await expectVisible(row.getByTestId("oauth-state").getByText("Signed in", { exact: true }));
    const after = await connectionsOf(CLAUDE);
    expect(after.map((connection) => connection.id)).toEqual([claudeId]);
    expect(after[0]!.auth).toMatchObject({ kind: "oauth", state: "ok", error: null });
  }, 20_000);

  test("in Portuguese the terms note is the dashboard's translation, not the server's English", async () => {
    const { page } = session;
    await page.getByRole("combobox", { name: "Language" }).selectOption("pt-BR");
    try {
      const name = provider(ANTIGRAVITY).name;
      await page.getByTestId(`provider-card-${ANTIGRAVITY}`).getByRole("button", { name: `Conectar ${name}` }).click();
      const terms = page.getByRole("dialog").getByTestId("oauth-terms");
      await expectVisible(terms);
      expect(await terms.locator("p").textContent()).toBe(oauthTermsPtBR[ANTIGRAVITY]!);
      expect(await terms.locator("p").getAttribute("lang")).toBeNull();
      await page.keyboard.press("Escape");
      await terms.waitFor({ state: "hidden" });
    } finally {
      await page.getByRole("combobox", { name: "Idioma" }).selectOption("en");
    }
  }, STEP_TIMEOUT_MS);

  test("labelled controls, no sideways scroll at 390 px, screenshots, no page errors", async () => {
    const { page } = session;
    expect(await unlabelledControls(page)).toEqual([]);
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await horizontalOverflow()).toBeLessThanOrEqual(0);
    await page.setViewportSize({ width: 1440, height: 900 });
    await session.screenshots("oauth-accounts");
    expect(session.pageErrors).toEqual([]);
  }, STEP_TIMEOUT_MS);
});
