import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { startRecordedUpstream } from "../fakes/recorded-upstream";
import { expectVisible, openDashboard, SKIP_BROWSER, STEP_TIMEOUT_MS, tabTo, unlabelledControls, type DashboardSession } from "./harness";

/**
 * First run and the CLI tools page against the real gateway: a fresh gateway signs in to the setup wizard, which
 * connects a mock upstream, builds a combo from the template, creates a key and writes Claude Code's settings into a
 * temporary home (OMNIROUTE_TOOLS_HOME), backing up the file that was there. Tests run in order on one page.
 */

const encoder = new TextEncoder();
// The mock answers the model list the connection test asks for; nothing in this file sends a generation.
const upstream = startRecordedUpstream((request) =>
  request.path.endsWith("/models")
    ? { status: 200, contentType: "application/json", pieces: [encoder.encode(JSON.stringify({ object: "list", data: [{ id: "mock-model", object: "model", created: 0, owned_by: "mock" }] }))] }
    : { status: 404, contentType: "application/json", pieces: [encoder.encode('{"error":{"message":"not here"}}')] },
);

const home = mkdtempSync(join(tmpdir(), "omniroute-browser-tools-home-"));
const claudeSettings = join(home, ".claude", "settings.json");
const EXISTING_SETTINGS = '{\n  "permissions": {\n    "allow": ["Bash(git diff:*)"]\n  },\n  "env": {\n    "DISABLE_TELEMETRY": "1"\n  }\n}\n';

let session: DashboardSession;
let clientKey: string;

async function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

beforeAll(async () => {
  if (SKIP_BROWSER) return;
  mkdirSync(join(home, ".claude"), { recursive: true });
  writeFileSync(claudeSettings, EXISTING_SETTINGS);
  session = await openDashboard({ onboarding: true, env: { OMNIROUTE_TOOLS_HOME: home } });
}, 60_000);

afterAll(async () => {
  await session?.close();
  upstream.stop();
  rmSync(home, { recursive: true, force: true });
});

describe.skipIf(SKIP_BROWSER)("first run and CLI tools", () => {
  test("signing in to a gateway without connections lands on the setup wizard", async () => {
    const { page } = session;
    await page.goto(session.url("/login"));
    await page.getByLabel("Password").fill(session.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL((url) => url.pathname === "/welcome");
    await expectVisible(page.getByRole("heading", { name: "Welcome to OmniRoute", level: 1 }));
    await expectVisible(page.getByText("Step 1 of 4"));
    await expect(page.getByRole("navigation", { name: "Setup steps" }).getByRole("button", { name: /Connect a provider/ }).getAttribute("aria-current")).resolves.toBe("step");
    await page.getByLabel("Provider", { exact: true }).waitFor();
    expect(await unlabelledControls(page)).toEqual([]);
    await session.screenshots("onboarding-connect");
  }, STEP_TIMEOUT_MS);

  test("step 1 connects the mock upstream and tests it; the next step is reached with the keyboard", async () => {
    const { page } = session;
    await page.getByLabel("Provider", { exact: true }).selectOption("openai-compatible");
    await page.getByLabel("Name", { exact: true }).fill("Mock upstream");
    await page.getByLabel("Base URL").fill(`${upstream.url}/v1`);
    await page.getByLabel("Alias").fill("mock");
    await page.getByRole("button", { name: "Add connection" }).click();
    await expectVisible(page.getByText("Mock upstream is connected."));
    await expectVisible(page.getByText(/OK · \d+ ms · 1 models/));

    const next = page.getByRole("button", { name: "Next", exact: true });
    await tabTo(page, next);
    await page.keyboard.press("Enter");
    const stepHeading = page.getByRole("heading", { name: "Build a combo", level: 2 });
    await expectVisible(stepHeading);
    // The focus follows to the new step's heading.
    await page.waitForFunction(() => document.activeElement?.id === "wizard-step-heading");
  }, STEP_TIMEOUT_MS);

  test("step 2 builds the first combo from the template, limited to what is connected", async () => {
    const { page } = session;
    const targets = page.getByRole("group", { name: "Targets, tried in this order" });
    await expectVisible(targets.getByText("mock/mock-model"));
    // The template's catalog providers are not connected, so none of its targets is offered.
    const [template] = await page.evaluate(async () => (await fetch("/api/combos/templates")).json());
    for (const target of template.targets as Array<{ model: string }>) expect(await targets.getByText(target.model, { exact: true }).count()).toBe(0);
    await expect(page.getByLabel("Combo name").inputValue()).resolves.toBe(template.name);
    expect(await unlabelledControls(page)).toEqual([]);
    await page.getByRole("button", { name: "Create combo" }).click();
    await expectVisible(page.getByRole("heading", { name: "Create a client key", level: 2 }));
    const combos = await page.evaluate(async () => (await fetch("/api/combos")).json());
    expect(combos).toEqual([expect.objectContaining({ name: template.name, strategy: "fill-first", targets: [expect.objectContaining({ model: "mock/mock-model" })] })]);
  }, STEP_TIMEOUT_MS);

  test("step 3 creates a client key and shows it once", async () => {
    const { page } = session;
    await page.getByLabel("Name", { exact: true }).fill("claude-code");
    await page.getByRole("button", { name: "Create key" }).click();
    const secret = page.getByTestId("new-api-key-secret");
    await expectVisible(secret);
    clientKey = await secret.inputValue();
    expect(clientKey.startsWith("omr_")).toBe(true);
    await page.getByRole("button", { name: "I have saved it" }).click();
    await expectVisible(page.getByRole("heading", { name: "Set up your coding tool", level: 2 }));
    expect(await page.content()).not.toContain(`value="${clientKey}"`);
  }, STEP_TIMEOUT_MS);

  test("the step list works from the keyboard: back to step 3 (no secret shown again) and forward to step 4", async () => {
    const { page } = session;
    const steps = page.getByRole("navigation", { name: "Setup steps" });
    await tabTo(page, steps.getByRole("button", { name: /Set up your coding tool/ }));
    await page.keyboard.press("ArrowLeft");
    await page.keyboard.press("Enter");
    await expectVisible(page.getByRole("heading", { name: "Create a client key", level: 2 }));
    await expectVisible(page.getByText("Key claude-code is ready for the next step."));
    expect(await page.getByTestId("new-api-key-secret").count()).toBe(0);
    await page.keyboard.press("Shift+Tab");
    await page.keyboard.press("End");
    await page.keyboard.press("Enter");
    await expectVisible(page.getByRole("heading", { name: "Set up your coding tool", level: 2 }));
  }, STEP_TIMEOUT_MS);

  test("step 4 previews and writes Claude Code's settings into the tools home, backing up the old file", async () => {
    const { page } = session;
    const card = page.getByTestId("cli-tool-claude-code");
    await expectVisible(card);
    await expect(page.getByLabel("Coding tool", { exact: true }).inputValue()).resolves.toBe("claude-code");
    await expect(page.getByLabel("Model or combo", { exact: true }).inputValue()).resolves.toBe("coding");
    await expectVisible(card.getByText(claudeSettings, { exact: true }).first());
    // The snippet carries the fresh key and this gateway's address.
    const snippet = card.locator(".cli-snippet__code");
    await expect(snippet.textContent()).resolves.toContain(`"ANTHROPIC_AUTH_TOKEN": "${clientKey}"`);
    await expect(snippet.textContent()).resolves.toContain(`"ANTHROPIC_BASE_URL": "${session.gateway.url}"`);

    await card.getByRole("button", { name: "Preview changes" }).click();
    const diff = card.getByTestId("cli-diff");
    await expectVisible(diff);
    await expect(diff.textContent()).resolves.toContain(`+    "ANTHROPIC_AUTH_TOKEN": "${clientKey}",`);
    expect(readFileSync(claudeSettings, "utf8")).toBe(EXISTING_SETTINGS);
    expect(await unlabelledControls(page)).toEqual([]);
    await session.screenshots("onboarding-tool-preview");

    await card.getByRole("button", { name: "Write config" }).click();
    const dialog = page.getByRole("dialog", { name: "Write the Claude Code config?" });
    await expectVisible(dialog);
    await expect(dialog.textContent()).resolves.toContain(claudeSettings);
    await expect(dialog.textContent()).resolves.toContain(".omniroute-backup-");
    await dialog.getByRole("button", { name: "Write", exact: true }).click();
    await expectVisible(card.getByText(`Written: ${claudeSettings}`));
    await expectVisible(card.getByText(/Old file kept as .*settings\.json\.omniroute-backup-/));

    const written = JSON.parse(readFileSync(claudeSettings, "utf8"));
    expect(written.env).toMatchObject({ DISABLE_TELEMETRY: "1", ANTHROPIC_BASE_URL: session.gateway.url, ANTHROPIC_AUTH_TOKEN: clientKey, ANTHROPIC_MODEL: "coding" });
    expect(written.permissions).toEqual({ allow: ["Bash(git diff:*)"] });
    const backups = readdirSync(join(home, ".claude")).filter((name) => name.startsWith("settings.json.omniroute-backup-"));
    expect(backups).toHaveLength(1);
    expect(readFileSync(join(home, ".claude", backups[0]!), "utf8")).toBe(EXISTING_SETTINGS);
  }, STEP_TIMEOUT_MS);

  test("finishing opens the status page, and the wizard does not come back", async () => {
    const { page } = session;
    await page.getByRole("button", { name: "Finish" }).click();
    await page.waitForURL((url) => url.pathname === "/");
    await expectVisible(page.getByRole("heading", { name: "Status", level: 1 }));
    await expectVisible(page.getByTestId("status-version"));
    await page.reload();
    await expectVisible(page.getByTestId("status-version"));
    expect(new URL(page.url()).pathname).toBe("/");
  }, STEP_TIMEOUT_MS);

  test("the CLI tools page shows every tool's settings, with the pasted key filled in", async () => {
    const { page } = session;
    await page.getByRole("navigation", { name: "Main navigation" }).getByRole("link", { name: "CLI tools" }).click();
    await expectVisible(page.getByRole("heading", { name: "CLI tools", level: 1 }));
    for (const name of ["Claude Code", "Codex CLI", "Gemini CLI", "OpenClaw", "opencode", "Cline", "Kilo Code", "Cursor", "Continue"]) {
      await expectVisible(page.getByRole("heading", { name, exact: true, level: 2 }));
    }
    await expect(page.getByLabel("Model or combo", { exact: true }).inputValue()).resolves.toBe("coding");
    const codex = page.getByTestId("cli-tool-codex").locator(".cli-snippet__code");
    await expect(codex.textContent()).resolves.toContain("YOUR_OMNIROUTE_API_KEY");
    await expect(codex.textContent()).resolves.toContain(`base_url = "${session.gateway.url}/v1"`);
    await page.getByLabel("Client API key").fill(clientKey);
    await expect(codex.textContent()).resolves.toContain(`experimental_bearer_token = "${clientKey}"`);
    await expect(page.getByTestId("cli-tool-cursor").locator(".cli-snippet__code").textContent()).resolves.toContain(`OpenAI API Key: ${clientKey}`);
    // Tools set up in their own settings screen have nothing to write.
    expect(await page.getByTestId("cli-tool-cursor").getByRole("button", { name: "Write config" }).count()).toBe(0);
    expect(await unlabelledControls(page)).toEqual([]);
    await session.screenshots("cli-tools");
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await horizontalOverflow(page)).toBe(0);
    await page.setViewportSize({ width: 1440, height: 900 });
    expect(existsSync(join(home, ".codex"))).toBe(false);
    expect(session.pageErrors).toEqual([]);
  }, STEP_TIMEOUT_MS);
});
