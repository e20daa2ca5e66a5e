import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Page } from "playwright-core";
import { connectFormat, fixtureReply, startRecordedUpstream } from "../fakes/recorded-upstream";
import { expectVisible, openDashboard, SKIP_BROWSER, STEP_TIMEOUT_MS, tabTo, unlabelledControls, type DashboardSession } from "./harness";

/**
 * The Translator page in Chromium against the real gateway and a recorded Anthropic upstream: the playground's
 * translation and format detection, the chat tester's four stages, the test bench's grid, the live monitor.
 */
let session: DashboardSession;
let page: Page;
let upstream: ReturnType<typeof startRecordedUpstream>;
let model: string;

const OPENAI_REQUEST = JSON.stringify(
  { model: "gpt-4o", messages: [{ role: "system", content: "Be brief." }, { role: "user", content: "What is the capital of France?" }] },
  null,
  2,
);
const ANTHROPIC_REQUEST = JSON.stringify({ model: "claude-sonnet-4-5", max_tokens: 256, system: "Be brief.", messages: [{ role: "user", content: "Hi" }] }, null, 2);
/** What the recorded Anthropic upstream answers (anthropic/text-nonstream.response.json). */
const RECORDED_ANSWER = "Hello! I'm doing well, thanks for asking.";

const overflow = (target: Page) => target.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

async function openTab(name: string): Promise<void> {
  await page.getByRole("tab", { name }).click();
  await expectVisible(page.getByRole("tabpanel", { name }));
}

beforeAll(async () => {
  if (SKIP_BROWSER) return;
  upstream = startRecordedUpstream(() => fixtureReply("anthropic", "text-nonstream").reply);
  session = await openDashboard();
  page = session.page;
  model = await connectFormat(session.gateway, "anthropic", upstream.url);
  await session.signIn();
}, 60_000);

afterAll(async () => {
  await session?.close();
  upstream?.stop();
});

describe.skipIf(SKIP_BROWSER)("translator page", () => {
  test("the playground translates a pasted OpenAI request to Anthropic and detects an Anthropic body", async () => {
    await page.getByRole("navigation", { name: "Main navigation" }).getByRole("link", { name: "Translator" }).click();
    await expectVisible(page.getByRole("heading", { name: "Translator", level: 1 }));
    expect(await page.getByRole("tab", { name: "Playground" }).getAttribute("aria-selected")).toBe("true");

    await page.getByLabel("Input", { exact: true }).fill(OPENAI_REQUEST);
    await expectVisible(page.getByText("Detected: OpenAI Chat Completions · Request"));
    await page.getByLabel("Target format").selectOption("anthropic");
    await page.getByRole("button", { name: "Translate", exact: true }).click();
    await expectVisible(page.getByText("Translated from OpenAI Chat Completions to Anthropic Messages."));
    const output = JSON.parse(await page.getByLabel("Output", { exact: true }).inputValue());
    expect(JSON.stringify(output.system)).toContain("Be brief.");
    expect(output.messages).toHaveLength(1);
    expect(typeof output.max_tokens).toBe("number");
    await page.getByText("Internal representation (IR)").click();
    expect(await page.getByLabel("Internal representation (IR)").textContent()).toContain('"messages"');

    await page.getByLabel("Input", { exact: true }).fill(ANTHROPIC_REQUEST);
    await expectVisible(page.getByText("Detected: Anthropic Messages · Request"));

    // Nothing to detect: said before any call. A body the chosen format rejects: the API's own message.
    await page.getByLabel("Input", { exact: true }).fill("{ not json");
    await expectVisible(page.getByText("Format not recognised: choose it."));
    await page.getByRole("button", { name: "Translate", exact: true }).click();
    await expectVisible(page.getByRole("alert").filter({ hasText: "could not be detected" }));
    await page.getByLabel("Source format").selectOption("gemini");
    await page.getByLabel("Input", { exact: true }).fill(OPENAI_REQUEST);
    await page.getByRole("button", { name: "Translate", exact: true }).click();
    await expectVisible(page.getByRole("alert").filter({ hasText: "contents is required" }));
    await page.getByLabel("Source format").selectOption("auto");

    expect(await unlabelledControls(page)).toEqual([]);
    await page.getByLabel("Input", { exact: true }).fill(OPENAI_REQUEST);
    await page.getByRole("button", { name: "Translate", exact: true }).click();
    await expectVisible(page.getByText("Translated from OpenAI Chat Completions to Anthropic Messages."));
    await session.screenshots("translator-playground");
  }, STEP_TIMEOUT_MS);

  test("keyboard only: arrow keys move between the tabs", async () => {
    await tabTo(page, page.getByRole("tab", { name: "Playground" }));
    await page.keyboard.press("ArrowRight");
    const chatTab = page.getByRole("tab", { name: "Chat tester" });
    expect(await chatTab.getAttribute("aria-selected")).toBe("true");
    expect(await chatTab.evaluate((el) => document.activeElement === el)).toBe(true);
    await expectVisible(page.getByRole("tabpanel", { name: "Chat tester" }));
    await page.keyboard.press("End");
    expect(await page.getByRole("tab", { name: "Live monitor" }).getAttribute("aria-selected")).toBe("true");
    await page.keyboard.press("Home");
    expect(await page.getByRole("tab", { name: "Playground" }).getAttribute("aria-selected")).toBe("true");
    // The playground kept its work while hidden.
    expect(await page.getByLabel("Input", { exact: true }).inputValue()).toBe(OPENAI_REQUEST);
  }, STEP_TIMEOUT_MS);

  test("the chat tester's round trip against the recorded Anthropic upstream shows all four stages", async () => {
    await openTab("Chat tester");
    await page.getByLabel("Model", { exact: true }).selectOption(model);
    await page.getByLabel("Client format").selectOption("openai-chat");
    await page.getByLabel("Message", { exact: true }).fill("Hello, how are you?");
    await page.getByRole("button", { name: "Send", exact: true }).click();

    await expectVisible(page.getByTestId("round-trip-summary").getByText("HTTP 200"));
    await expectVisible(page.getByText("Translated OpenAI Chat Completions → Anthropic Messages"));
    const stage = (id: string) => page.getByTestId(id).textContent();
    expect(await stage("stage-client-request")).toContain("POST /v1/chat/completions");
    expect(await stage("stage-client-request")).toContain("Hello, how are you?");
    const upstreamRequest = await stage("stage-upstream-request");
    expect(upstreamRequest).toContain(`${upstream.url}/v1/messages`);
    expect(upstreamRequest).toContain('"max_tokens"');
    expect(upstreamRequest).not.toContain("sk-anthropic-upstream-secret");
    expect(await stage("stage-upstream-response")).toContain("msg_01VdEjxAP5ahtHKrrRdNBteQ");
    expect(await stage("stage-client-response")).toContain('"chat.completion"');
    expect(await page.getByTestId("round-trip-answer").textContent()).toStartWith(RECORDED_ANSWER);
    expect(await page.content()).not.toContain("sk-anthropic-upstream-secret");

    expect(await unlabelledControls(page)).toEqual([]);
    await session.screenshots("translator-chat-tester");
  }, STEP_TIMEOUT_MS);

  test("the test bench runs two cases on one model: one passes, one fails", async () => {
    await openTab("Test bench");
    await expectVisible(page.getByText("saved in this browser only"));

    const addCase = async (name: string, mode: string, expected: string) => {
      await page.getByLabel("Name", { exact: true }).fill(name);
      await page.getByLabel("Check", { exact: true }).selectOption(mode);
      await page.getByLabel("Expected", { exact: true }).fill(expected);
      await page.getByRole("button", { name: "Add case" }).click();
      await expectVisible(page.getByRole("status").filter({ hasText: `Case “${name}” added.` }));
    };
    await addCase("greets back", "contains", "Hello!");
    await addCase("says pong", "equals", "pong");
    await expectVisible(page.getByRole("heading", { name: "Cases (2)" }));

    await page.getByRole("group", { name: "Models to compare" }).getByLabel(model).check();
    await page.getByRole("button", { name: "Run all (2 runs)" }).click();
    await expectVisible(page.getByText("1 of 2 runs passed."));
    const grid = page.getByTestId("bench-results");
    expect(await grid.getByRole("columnheader", { name: model }).count()).toBe(1);
    expect(await grid.getByRole("row", { name: /greets back/ }).getByText("Pass", { exact: true }).count()).toBe(1);
    const failed = grid.getByRole("row", { name: /says pong/ });
    expect(await failed.getByText("Fail", { exact: true }).count()).toBe(1);
    expect(await failed.textContent()).toContain(`Answer: ${RECORDED_ANSWER}`);

    // The cases are the user's scratch space: still there after a reload.
    await page.reload();
    await expectVisible(page.getByRole("tab", { name: "Test bench", selected: true }));
    await expectVisible(page.getByRole("heading", { name: "Cases (2)" }));
    expect(await unlabelledControls(page)).toEqual([]);
    await page.getByRole("button", { name: "Run all (2 runs)" }).click();
    await expectVisible(page.getByText("1 of 2 runs passed."));
    await session.screenshots("translator-test-bench");
  }, STEP_TIMEOUT_MS);

  test("the live monitor shows a translated request with both formats", async () => {
    await openTab("Live monitor");
    await expectVisible(page.getByTestId("monitor-state").getByText("Live"));
    // A real request from another client of the gateway (here: the page itself) shows up as it finishes.
    const status = await page.evaluate(async (target) => {
      const response = await fetch("/v1/chat/completions", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ model: target, messages: [{ role: "user", content: "Hi" }] }),
      });
      return response.status;
    }, model);
    expect(status).toBe(200);
    const row = page.getByTestId("monitor-table").getByRole("row").filter({ hasText: model });
    await expectVisible(row.first());
    expect(await row.first().textContent()).toContain("OpenAI Chat Completions → Anthropic Messages");
    expect(await unlabelledControls(page)).toEqual([]);
    await session.screenshots("translator-live-monitor");
  }, STEP_TIMEOUT_MS);

  test("in Brazilian Portuguese and the dark theme the page is translated", async () => {
    await page.getByRole("combobox", { name: "Language" }).selectOption("pt-BR");
    await expectVisible(page.getByRole("heading", { name: "Tradutor", level: 1 }));
    await expectVisible(page.getByRole("tab", { name: "Bancada de testes" }));
    await expectVisible(page.getByText("Somente requisições traduzidas"));
    await page.getByRole("button", { name: "Mudar para o tema escuro" }).click();
    await openTab("Testador de chat");
    await session.screenshots("translator-pt-BR-dark");
    await page.getByRole("button", { name: "Mudar para o tema claro" }).click();
    await page.getByRole("combobox", { name: "Idioma" }).selectOption("en");
    await expectVisible(page.getByRole("heading", { name: "Translator", level: 1 }));
  }, STEP_TIMEOUT_MS);

  test("no tab scrolls sideways on a 390 px phone, and the page threw no errors", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    for (const name of ["Playground", "Chat tester", "Test bench", "Live monitor"]) {
      await openTab(name);
      expect({ name, overflow: await overflow(page) }).toEqual({ name, overflow: 0 });
    }
    await page.setViewportSize({ width: 1440, height: 900 });
    expect(session.pageErrors).toEqual([]);
  }, STEP_TIMEOUT_MS);
});
