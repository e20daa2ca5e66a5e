import { createMemo, createUniqueId, For, type JSX, Show } from "solid-js";
import type { Combo } from "../../api/combos-api";
import { COMBO_MODEL_OWNER } from "../../api/keys-api";
import type { GatewayModel, Provider } from "../../api/management-types";
import type { MessageKey } from "../../i18n/en";
import { t } from "../../i18n/locale-store";
import { SearchablePicker, type PickerOption } from "../searchable-picker";
import "../../styles/form-group.css";
import { COMBO_ENTRY_PREFIX, entryKind, isWellFormedEntry, PROVIDER_ENTRY_PREFIX, type PermissionEntryKind } from "./permission-entries";

export const KIND_LABELS: Record<PermissionEntryKind, MessageKey> = {
  everything: "apiKeys.kind.everything",
  model: "apiKeys.kind.model",
  pattern: "apiKeys.kind.pattern",
  provider: "apiKeys.kind.provider",
  combo: "apiKeys.kind.combo",
};

interface KeyScopeFieldsProps {
  restricted: boolean;
  allow: readonly string[];
  blocked: readonly string[];
  models: readonly GatewayModel[];
  providers: readonly Provider[];
  combos: readonly Combo[];
  /** Set when the last check failed on the rules (no rule while restricted), for aria-invalid. */
  rulesInvalid: boolean;
  errorId: string;
  onRestrictedChange: (restricted: boolean) => void;
  onAllowChange: (allow: string[]) => void;
  onBlockedChange: (blocked: string[]) => void;
  /** Polite announcements (additions, removals) for screen readers. */
  announce: (message: string) => void;
}

/** "All models" or a list of allow rules, and the providers this key may never reach. */
export function KeyScopeFields(props: KeyScopeFieldsProps) {
  const ids = { scopeName: createUniqueId(), blockedHint: createUniqueId() };
  const providerNames = createMemo(() => new Map(props.providers.map((provider) => [provider.id, provider.name])));
  const providerName = (id: string) => providerNames().get(id) ?? id;

  const ruleOptions = createMemo<PickerOption[]>(() => {
    const models = props.models
      .filter((model) => model.owned_by !== COMBO_MODEL_OWNER)
      .map((model) => ({ value: model.id, detail: providerName(model.owned_by) }));
    const providers = props.providers.map((provider) => ({
      value: `${PROVIDER_ENTRY_PREFIX}${provider.id}`,
      detail: t("apiKeys.picker.providerDetail", { name: provider.name }),
    }));
    const combos = props.combos.map((combo) => ({
      value: `${COMBO_ENTRY_PREFIX}${combo.name}`,
      detail: combo.enabled ? t("apiKeys.picker.comboDetail") : t("apiKeys.picker.comboDisabledDetail"),
    }));
    return [...models, ...providers, ...combos];
  });
  const providerOptions = createMemo<PickerOption[]>(() => props.providers.map((provider) => ({ value: provider.id, detail: provider.name })));
  const allowSet = createMemo(() => new Set(props.allow));
  const blockedSet = createMemo(() => new Set(props.blocked));

  function typedRule(text: string): string | null {
    if (!isWellFormedEntry(text)) return null;
    return t("apiKeys.picker.typed", { kind: t(KIND_LABELS[entryKind(text)]) });
  }

  const morePicked = (shown: number, total: number) => t("apiKeys.picker.more", { shown, total });

  function addRule(entry: string) {
    props.onAllowChange([...props.allow, entry]);
    props.announce(t("apiKeys.form.ruleAdded", { entry }));
  }

  function removeRule(entry: string, index: number) {
    props.onAllowChange(props.allow.filter((candidate) => candidate !== entry));
    props.announce(t("apiKeys.form.ruleRemoved", { entry }));
    focusAfterRemoval("key-rules", index, "key-rule-picker");
  }

  function block(id: string) {
    props.onBlockedChange([...props.blocked, id]);
    props.announce(t("apiKeys.form.blockedAdded", { name: providerName(id) }));
  }

  function unblock(id: string, index: number) {
    props.onBlockedChange(props.blocked.filter((candidate) => candidate !== id));
    props.announce(t("apiKeys.form.blockedRemoved", { name: providerName(id) }));
    focusAfterRemoval("key-blocked", index, "key-block-picker");
  }

  /** The removed chip's button is gone: focus the next Remove button, else the previous one, else the picker. */
  function focusAfterRemoval(listTestId: string, index: number, pickerTestId: string) {
    queueMicrotask(() => {
      const buttons = [...document.querySelectorAll<HTMLElement>(`[data-testid=${listTestId}] .key-chip__remove`)];
      (buttons[index] ?? buttons[index - 1] ?? document.querySelector<HTMLElement>(`[data-testid=${pickerTestId}]`))?.focus();
    });
  }

  return (
    <>
      <fieldset class="form-group key-scope" aria-describedby={props.rulesInvalid ? props.errorId : undefined}>
        <legend>{t("apiKeys.form.scopeLegend")}</legend>
        <div class="key-scope__choices">
          <label class="key-scope__choice">
            <input type="radio" name={ids.scopeName} value="all" checked={!props.restricted} onChange={() => props.onRestrictedChange(false)} />
            {t("apiKeys.form.scopeAll")}
          </label>
          <label class="key-scope__choice">
            <input type="radio" name={ids.scopeName} value="listed" checked={props.restricted} onChange={() => props.onRestrictedChange(true)} />
            {t("apiKeys.form.scopeListed")}
          </label>
        </div>
        <Show when={props.restricted}>
          <Show
            when={props.allow.length > 0}
            fallback={
              <p class="key-scope__empty" classList={{ "key-scope__empty--invalid": props.rulesInvalid }} data-testid="key-rules-empty">
                {t("apiKeys.form.rulesEmpty")}
              </p>
            }
          >
            <KeyChips
              entries={props.allow}
              label={t("apiKeys.form.rulesListLabel")}
              testId="key-rules"
              chip={(entry) => (
                <>
                  <code class="key-chip__value">{entry}</code>
                  <span class="key-chip__kind">{t(KIND_LABELS[entryKind(entry)])}</span>
                </>
              )}
              removeLabel={(entry) => t("apiKeys.form.removeRuleNamed", { entry })}
              onRemove={removeRule}
            />
          </Show>
          <SearchablePicker
            label={t("apiKeys.picker.ruleLabel")}
            hint={t("apiKeys.picker.ruleHint")}
            placeholder={t("apiKeys.picker.rulePlaceholder")}
            listLabel={t("apiKeys.picker.ruleListLabel")}
            noMatch={t("apiKeys.picker.ruleNoMatch")}
            more={morePicked}
            options={ruleOptions()}
            exclude={allowSet()}
            typedDetail={typedRule}
            typedFirst
            onPick={addRule}
            testId="key-rule-picker"
          />
        </Show>
      </fieldset>

      <fieldset class="form-group key-scope" aria-describedby={ids.blockedHint}>
        <legend>{t("apiKeys.form.blockedLegend")}</legend>
        <p id={ids.blockedHint} class="field__hint">
          {t("apiKeys.form.blockedHint")}
        </p>
        <Show when={props.blocked.length > 0}>
          <KeyChips
            entries={props.blocked}
            label={t("apiKeys.form.blockedLegend")}
            testId="key-blocked"
            blocked
            chip={(id) => (
              <>
                <span class="key-chip__value">{providerName(id)}</span>
                <code class="key-chip__kind">{id}</code>
              </>
            )}
            removeLabel={(id) => t("apiKeys.form.unblockNamed", { name: providerName(id) })}
            onRemove={unblock}
          />
        </Show>
        <SearchablePicker
          label={t("apiKeys.picker.blockLabel")}
          hint={t("apiKeys.picker.blockHint")}
          placeholder={t("apiKeys.picker.blockPlaceholder")}
          listLabel={t("apiKeys.picker.blockListLabel")}
          noMatch={t("apiKeys.picker.blockNoMatch")}
          more={morePicked}
          options={providerOptions()}
          exclude={blockedSet()}
          onPick={block}
          testId="key-block-picker"
        />
      </fieldset>
    </>
  );
}

interface KeyChipsProps {
  entries: readonly string[];
  /** Accessible name of the list. */
  label: string;
  testId: string;
  /** Chips of blocked providers get their own colour. */
  blocked?: boolean;
  /** The chip's text: its value and what kind of entry it is. */
  chip: (entry: string) => JSX.Element;
  removeLabel: (entry: string) => string;
  onRemove: (entry: string, index: number) => void;
}

/** A list of removable chips (allow rules, blocked providers), each with its own labelled Remove button. */
function KeyChips(props: KeyChipsProps) {
  return (
    <ul class="key-chips" aria-label={props.label} data-testid={props.testId}>
      <For each={props.entries}>
        {(entry, index) => (
          <li class="key-chip" classList={{ "key-chip--blocked": props.blocked }}>
            {props.chip(entry)}
            <button
              type="button"
              class="button button--small button--quiet key-chip__remove"
              aria-label={props.removeLabel(entry)}
              onClick={() => props.onRemove(entry, index())}
            >
              <span aria-hidden="true">×</span>
            </button>
          </li>
        )}
      </For>
    </ul>
  );
}
