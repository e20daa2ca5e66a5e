import { Show } from "solid-js";
import type { KeyPermissions } from "../../api/keys-api";
import type { MessageKey } from "../../i18n/en";
import { locale, t } from "../../i18n/locale-store";
import { UNRESTRICTED } from "./permission-entries";

/** Rules listed under the summary before "+N more". */
const RULES_SHOWN = 3;

function counted(count: number, one: MessageKey, other: MessageKey): string {
  return t(new Intl.PluralRules(locale().code).select(count) === "one" ? one : other, { count });
}

/** The scope in a few words ("All models", "3 rules, 1 blocked provider"), for a table cell. */
export function scopeSummary(permissions: KeyPermissions): string {
  const blocked = permissions.blockedProviders.length;
  const blockedText = blocked > 0 ? counted(blocked, "apiKeys.scope.blockedOne", "apiKeys.scope.blockedOther") : null;
  const base = permissions.allow === null ? t("apiKeys.scope.all") : counted(permissions.allow.length, "apiKeys.scope.rulesOne", "apiKeys.scope.rulesOther");
  return blockedText ? t("apiKeys.scope.join", { first: base, second: blockedText }) : base;
}

/** Summary line plus the first rules and the blocked provider ids, small, under it. */
export function KeyScopeSummary(props: { permissions: KeyPermissions | undefined }) {
  const permissions = () => props.permissions ?? UNRESTRICTED;
  const shownRules = () => (permissions().allow ?? []).slice(0, RULES_SHOWN).join(", ");
  const hiddenRules = () => Math.max(0, (permissions().allow?.length ?? 0) - RULES_SHOWN);
  return (
    <div>
      <span data-testid="api-key-scope">{scopeSummary(permissions())}</span>
      <Show when={shownRules()}>
        <code class="api-keys__detail api-keys__rules break-anywhere">
          {shownRules()}
          <Show when={hiddenRules() > 0}> {t("apiKeys.scope.more", { count: hiddenRules() })}</Show>
        </code>
      </Show>
      <Show when={permissions().blockedProviders.length > 0}>
        <span class="api-keys__detail muted break-anywhere">{t("apiKeys.scope.blockedList", { providers: permissions().blockedProviders.join(", ") })}</span>
      </Show>
    </div>
  );
}
