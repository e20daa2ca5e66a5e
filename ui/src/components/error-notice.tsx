import { Show } from "solid-js";
import { describeApiError } from "../api/describe-api-error";
import { t } from "../i18n/locale-store";

interface ErrorNoticeProps {
  error: unknown;
  onRetry?: () => void;
}

export function ErrorNotice(props: ErrorNoticeProps) {
  return (
    <div class="notice notice--error" role="alert">
      <span>{describeApiError(props.error)}</span>
      <Show when={props.onRetry}>
        {(retry) => (
          <button type="button" class="button button--small" onClick={() => retry()()}>
            {t("common.retry")}
          </button>
        )}
      </Show>
    </div>
  );
}
