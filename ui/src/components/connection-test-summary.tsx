import { Show } from "solid-js";
import type { ConnectionTestResult, ConnectionTestSummary as LastTest } from "../api/management-types";
import { formatDateTime } from "../format/format-date-time";
import { t } from "../i18n/locale-store";

interface ConnectionTestSummaryProps {
  /** Either the stored last test, or the answer of a test just run (which also knows the model count). */
  test: (LastTest | (ConnectionTestResult & { at?: string })) | null;
}

export function ConnectionTestSummary(props: ConnectionTestSummaryProps) {
  const text = (test: NonNullable<ConnectionTestSummaryProps["test"]>) => {
    if (!test.ok) return test.error ? t("test.failedWithError", { error: test.error }) : t("test.failed");
    const modelCount = "modelCount" in test ? test.modelCount : undefined;
    return modelCount === undefined
      ? t("test.ok", { latency: Math.round(test.latencyMs) })
      : t("test.okWithModels", { latency: Math.round(test.latencyMs), count: modelCount });
  };

  return (
    <Show when={props.test} fallback={<span class="muted">{t("test.never")}</span>}>
      {(test) => (
        <span class="test-summary">
          <span class="badge" classList={{ "badge--ok": test().ok, "badge--error": !test().ok }}>
            {text(test())}
          </span>
          <Show when={test().at}>
            {(at) => <span class="test-summary__time muted">{t("test.testedAt", { time: formatDateTime(at()) })}</span>}
          </Show>
        </span>
      )}
    </Show>
  );
}
