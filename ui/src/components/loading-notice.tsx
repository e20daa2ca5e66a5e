import { t } from "../i18n/locale-store";

export function LoadingNotice() {
  return (
    <p class="loading-notice" role="status">
      {t("common.loading")}
    </p>
  );
}
