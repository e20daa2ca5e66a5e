import { createSignal, createUniqueId, For, Show } from "solid-js";
import { describeApiError } from "../../api/describe-api-error";
import { securityApi, type PromptGuardMatch, type PromptGuardSettings } from "../../api/security-api";
import { t } from "../../i18n/locale-store";
import { FormError } from "../form-error";

/** "Try it": runs a text through the guard as the form stands now, saved or not, and lists the patterns that matched. */
export function PromptGuardTester(props: { draft: () => PromptGuardSettings }) {
  const headingId = createUniqueId();
  const textId = createUniqueId();
  const [text, setText] = createSignal("");
  const [busy, setBusy] = createSignal(false);
  const [matches, setMatches] = createSignal<PromptGuardMatch[]>();
  const [error, setError] = createSignal<string>();

  async function submit(event: SubmitEvent) {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    setMatches(undefined);
    try {
      setMatches((await securityApi.testPromptGuard(text(), props.draft())).matches);
    } catch (failure) {
      setError(describeApiError(failure));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section class="panel" aria-labelledby={headingId}>
      <h2 id={headingId}>{t("security.guardTest.heading")}</h2>
      <p class="muted">{t("security.guardTest.intro")}</p>
      <form class="settings-form" onSubmit={(event) => void submit(event)}>
        <div class="field">
          <label for={textId}>{t("security.guardTest.text")}</label>
          <textarea id={textId} class="input security-guard-text" rows={4} maxLength={100_000} value={text()} onInput={(event) => setText(event.currentTarget.value)} />
        </div>
        <div class="settings-form__actions">
          <button type="submit" class="button button--primary" disabled={busy() || text().trim() === ""}>
            {busy() ? t("security.guardTest.checking") : t("security.guardTest.check")}
          </button>
        </div>
        <FormError message={error()} />
        <div role="status" class="security-guard-result" data-testid="prompt-guard-result">
          <Show when={matches()}>
            {(found) => (
              <Show when={found().length > 0} fallback={<p>{t("security.guardTest.noMatch")}</p>}>
                <p class="strong">{t("security.guardTest.matched", { count: found().length })}</p>
                <Show when={props.draft().mode === "off"}>
                  <p class="field__hint">{t("security.guardTest.modeOff")}</p>
                </Show>
                <ul class="security-matches">
                  <For each={found()}>
                    {(match) => (
                      <li>
                        <code>{match.id}</code>{" "}
                        <span class="badge">{match.source === "builtin" ? t("security.guardTest.builtin") : t("security.guardTest.custom")}</span>
                      </li>
                    )}
                  </For>
                </ul>
              </Show>
            )}
          </Show>
        </div>
      </form>
    </section>
  );
}
