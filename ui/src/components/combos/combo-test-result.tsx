import { Show } from "solid-js";
import type { ComboTestResult } from "../../api/combos-api";
import { t } from "../../i18n/locale-store";

/** Longest reply shown in the table; the rest is cut with an ellipsis. */
const REPLY_MAX = 280;

const clip = (text: string) => (text.length > REPLY_MAX ? `${text.slice(0, REPLY_MAX).trimEnd()}…` : text);

/** The outcome of one "Test" click: which target served, how long it took, and the reply or the error. */
export function ComboTestResultView(props: { result: ComboTestResult }) {
  return (
    <div class="combo-test" data-testid="combo-test-result">
      <Show
        when={props.result.ok}
        fallback={
          <span class="badge badge--error combo-test__badge">
            {t("combos.test.failed", { status: props.result.status, latency: props.result.latencyMs })}
          </span>
        }
      >
        <span class="badge badge--ok combo-test__badge">{t("combos.test.ok", { latency: props.result.latencyMs })}</span>
      </Show>
      <Show when={props.result.model}>
        {(model) => (
          <span class="combo-test__line">
            {props.result.ok ? t("combos.test.servedBy") : t("combos.test.lastTried")} <code>{model()}</code>
          </span>
        )}
      </Show>
      <Show when={props.result.route}>
        {(route) => (
          <span class="combo-test__line muted">
            {t("combos.test.route")} <code>{route()}</code>
          </span>
        )}
      </Show>
      <Show when={props.result.ok}>
        <span class="combo-test__line">
          {t("combos.test.reply")}{" "}
          <Show when={props.result.reply?.trim()} fallback={<span class="muted">{t("combos.test.emptyReply")}</span>}>
            {(reply) => <q class="combo-test__reply">{clip(reply())}</q>}
          </Show>
        </span>
      </Show>
      <Show when={props.result.error}>
        {(error) => (
          <span class="combo-test__line combo-test__error">
            {error().message}
            <Show when={error().code}>{(code) => <code class="muted"> ({code()})</code>}</Show>
          </span>
        )}
      </Show>
    </div>
  );
}
