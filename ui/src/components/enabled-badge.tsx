import { t } from "../i18n/locale-store";

export function EnabledBadge(props: { enabled: boolean }) {
  return (
    <span class="badge" classList={{ "badge--ok": props.enabled, "badge--muted": !props.enabled }}>
      {props.enabled ? t("connection.enabled") : t("connection.disabled")}
    </span>
  );
}
