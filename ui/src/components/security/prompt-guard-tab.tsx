import { createSignal, createUniqueId, For, Show } from "solid-js";
import { createStore, produce, unwrap } from "solid-js/store";
import { createApiQuery } from "../../api/create-api-query";
import { PROMPT_GUARD_MODES, securityApi, type PromptGuardMode, type PromptGuardSettings } from "../../api/security-api";
import type { MessageKey } from "../../i18n/en";
import { t } from "../../i18n/locale-store";
import { ErrorNotice } from "../error-notice";
import { LoadingNotice } from "../loading-notice";
import { SettingsForm, useFormFeedback } from "../settings/settings-form";
import { PromptGuardTester } from "./prompt-guard-tester";
import type { SecuritySectionProps } from "./security-section-props";

const MODE_LABELS: Record<PromptGuardMode, MessageKey> = {
  off: "security.guard.modeOff",
  flag: "security.guard.modeFlag",
  block: "security.guard.modeBlock",
};
const MODE_HELP: Record<PromptGuardMode, MessageKey> = {
  off: "security.guard.modeOffHelp",
  flag: "security.guard.modeFlagHelp",
  block: "security.guard.modeBlockHelp",
};

interface PatternRow {
  id: string;
  pattern: string;
  description: string;
}

/** The draft as the settings API takes it: custom patterns without empty descriptions. */
function settingsOf(draft: { mode: PromptGuardMode; builtins: boolean; disabledBuiltins: readonly string[]; patterns: readonly PatternRow[] }): PromptGuardSettings {
  return {
    mode: draft.mode,
    builtins: draft.builtins,
    disabledBuiltins: [...draft.disabledBuiltins],
    patterns: draft.patterns.map((row) => ({
      id: row.id.trim(),
      pattern: row.pattern,
      ...(row.description.trim() ? { description: row.description.trim() } : {}),
    })),
  };
}

/** security.promptGuard: the mode, the built-in patterns one by one, the custom patterns, and a tester. */
export function PromptGuardTab(props: SecuritySectionProps) {
  const guard = createApiQuery(securityApi.getPromptGuard);
  const initial = props.settings.security.promptGuard;
  const [draft, setDraft] = createStore({
    mode: initial.mode,
    builtins: initial.builtins,
    disabledBuiltins: [...initial.disabledBuiltins],
    patterns: initial.patterns.map((pattern): PatternRow => ({ id: pattern.id, pattern: pattern.pattern, description: pattern.description ?? "" })),
  });
  const modeName = createUniqueId();

  function setBuiltin(id: string, enabled: boolean) {
    setDraft("disabledBuiltins", (disabled) => (enabled ? disabled.filter((entry) => entry !== id) : [...disabled.filter((entry) => entry !== id), id]));
  }

  function check(): string | undefined {
    const ids = draft.patterns.map((row) => row.id.trim());
    if (ids.some((id) => id === "") || draft.patterns.some((row) => row.pattern === "")) return t("security.guard.patternIncomplete");
    const duplicate = ids.find((id, index) => ids.indexOf(id) !== index);
    return duplicate ? t("security.guard.patternDuplicate", { id: duplicate }) : undefined;
  }

  async function save() {
    props.onSaved(await securityApi.updateSettings({ security: { promptGuard: settingsOf(unwrap(draft)) } }));
  }

  return (
    <div class="security-tab">
      <SettingsForm title={t("security.guard.heading")} intro={t("security.guard.intro")} check={check} onSave={save}>
        <fieldset class="settings-choices settings-choices--stacked">
          <legend>{t("security.guard.mode")}</legend>
          <For each={PROMPT_GUARD_MODES}>
            {(mode) => {
              const helpId = createUniqueId();
              return (
                <label class="settings-choice settings-choice--described">
                  <input type="radio" name={modeName} value={mode} checked={draft.mode === mode} aria-describedby={helpId} onChange={() => setDraft("mode", mode)} />
                  <span>
                    <span class="strong">{t(MODE_LABELS[mode])}</span>
                    <span id={helpId} class="settings-choice__help">
                      {t(MODE_HELP[mode])}
                    </span>
                  </span>
                </label>
              );
            }}
          </For>
        </fieldset>

        <fieldset class="form-group security-fieldset">
          <legend>{t("security.guard.builtinsHeading")}</legend>
          <label class="switch">
            <input type="checkbox" role="switch" checked={draft.builtins} onChange={(event) => setDraft("builtins", event.currentTarget.checked)} />
            <span class="strong">{t("security.guard.useBuiltins")}</span>
          </label>
          <Show when={guard.error()}>{(error) => <ErrorNotice error={error()} onRetry={guard.refetch} />}</Show>
          <Show when={guard.data()} fallback={<Show when={!guard.error()}><LoadingNotice /></Show>}>
            {(view) => (
              <ul class="security-builtins">
                <For each={view().builtins}>
                  {(builtin) => {
                    const descriptionId = createUniqueId();
                    return (
                      <li class="security-builtin">
                        <label class="switch">
                          <input
                            type="checkbox"
                            role="switch"
                            disabled={!draft.builtins}
                            checked={!draft.disabledBuiltins.includes(builtin.id)}
                            aria-describedby={descriptionId}
                            onChange={(event) => setBuiltin(builtin.id, event.currentTarget.checked)}
                          />
                          <code>{builtin.id}</code>
                        </label>
                        <span id={descriptionId} class="field__hint">
                          {builtin.description}
                        </span>
                      </li>
                    );
                  }}
                </For>
              </ul>
            )}
          </Show>
        </fieldset>

        <fieldset class="form-group security-fieldset">
          <legend>{t("security.guard.customHeading")}</legend>
          <p class="field__hint">{t("security.guard.customIntro")}</p>
          <Show when={draft.patterns.length > 0} fallback={<p class="empty-state">{t("security.guard.customEmpty")}</p>}>
            <div class="security-patterns">
              <For each={draft.patterns}>
                {(row, index) => (
                  <div class="security-pattern" role="group" aria-label={t("security.guard.patternNamed", { id: row.id || String(index() + 1) })}>
                    <PatternInput path={`security.promptGuard.patterns.${index()}.id`} label={t("security.guard.patternId")} value={row.id} mono onInput={(value) => setDraft("patterns", index(), "id", value)} />
                    <PatternInput path={`security.promptGuard.patterns.${index()}.pattern`} label={t("security.guard.patternRegex")} value={row.pattern} mono onInput={(value) => setDraft("patterns", index(), "pattern", value)} />
                    <PatternInput path={`security.promptGuard.patterns.${index()}.description`} label={t("security.guard.patternDescription")} value={row.description} onInput={(value) => setDraft("patterns", index(), "description", value)} />
                    <div class="security-pattern__remove">
                      <button
                        type="button"
                        class="button button--small button--danger-quiet"
                        aria-label={t("security.guard.removeNamed", { id: row.id || String(index() + 1) })}
                        onClick={() => setDraft("patterns", produce((list) => void list.splice(index(), 1)))}
                      >
                        {t("security.guard.remove")}
                      </button>
                    </div>
                  </div>
                )}
              </For>
            </div>
          </Show>
          <div>
            <button type="button" class="button" onClick={() => setDraft("patterns", draft.patterns.length, { id: "", pattern: "", description: "" })}>
              {t("security.guard.addPattern")}
            </button>
          </div>
        </fieldset>
      </SettingsForm>

      <PromptGuardTester draft={() => settingsOf(unwrap(draft))} />
    </div>
  );
}

function PatternInput(props: { path: string; label: string; value: string; mono?: boolean; onInput: (value: string) => void }) {
  const id = createUniqueId();
  const feedback = useFormFeedback();
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      <input
        id={id}
        class="input"
        classList={{ "input--mono": props.mono }}
        type="text"
        name={props.path}
        dir={props.mono ? "ltr" : undefined}
        spellcheck={false}
        autocomplete="off"
        value={props.value}
        aria-invalid={feedback.isInvalid(props.path) ? true : undefined}
        aria-describedby={feedback.isInvalid(props.path) ? feedback.errorId : undefined}
        onInput={(event) => props.onInput(event.currentTarget.value)}
      />
    </div>
  );
}
