import { createEffect, createSignal, createUniqueId, For, Match, Show, Switch, type JSX } from "solid-js";
import { logsApi, type RequestLogDetail } from "../../api/logs-api";
import { t } from "../../i18n/locale-store";
import { ErrorNotice } from "../error-notice";
import { LoadingNotice } from "../loading-notice";
import { formatCost, formatCount, formatLogTime, formatMilliseconds } from "./log-format";
import type { LogNames } from "./log-names";
import { StatusBadge } from "./request-table";

interface RequestDetailDialogProps {
  requestId: string | undefined;
  names: LogNames;
  onClose: () => void;
}

/** Pretty-prints a body when it is JSON; anything else (SSE text, cut bodies) as it was kept. */
function prettyBody(body: string): string {
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}

function Field(props: { label: string; children: JSX.Element }) {
  return (
    <div class="logs-detail__field">
      <dt>{props.label}</dt>
      <dd>{props.children}</dd>
    </div>
  );
}

function withName(id: string | null, name: string | undefined): string {
  if (id === null) return t("logs.none");
  return name ? t("logs.detail.nameAndId", { name, id }) : id;
}

function DetailBody(props: { detail: RequestLogDetail; names: LogNames }) {
  const row = () => props.detail;
  const yesNo = (value: boolean) => (value ? t("logs.yes") : t("logs.no"));
  const outcomeTarget = () =>
    [row().providerId, row().upstreamModel].filter((part): part is string => part !== null).join(" / ") || t("logs.none");

  return (
    <>
      <section aria-labelledby="logs-detail-route">
        <h3 id="logs-detail-route">{t("logs.detail.route")}</h3>
        <ol class="logs-route">
          <For each={row().attempts}>
            {(attempt) => (
              <li class="logs-route__step logs-route__step--failed">
                <span class="logs-route__target">{attempt.target}</span>
                <StatusBadge status={attempt.status} />
                <span class="logs-route__outcome">{t("logs.detail.attemptFailed")}</span>
                <Show when={attempt.error}>
                  <pre class="logs-route__error">{attempt.error}</pre>
                </Show>
              </li>
            )}
          </For>
          <li classList={{ "logs-route__step": true, "logs-route__step--failed": row().status >= 400 }}>
            <span class="logs-route__target">{outcomeTarget()}</span>
            <StatusBadge status={row().status} />
            <span class="logs-route__outcome">
              <Switch fallback={t("logs.detail.failed")}>
                <Match when={row().cache === "hit"}>{t("logs.detail.servedFromCache")}</Match>
                <Match when={row().sharedWith}>{t("logs.detail.sharedWith", { id: row().sharedWith ?? "" })}</Match>
                <Match when={row().status < 400}>
                  {t("logs.detail.served", { account: withName(row().connectionId, props.names.connectionName(row().connectionId)) })}
                </Match>
              </Switch>
            </span>
            <Show when={row().error}>
              <pre class="logs-route__error">{row().error}</pre>
            </Show>
          </li>
        </ol>
      </section>

      <section aria-labelledby="logs-detail-fields">
        <h3 id="logs-detail-fields">{t("logs.detail.fields")}</h3>
        <dl class="logs-detail__fields">
          <Field label={t("logs.field.id")}>
            <code>{row().id}</code>
          </Field>
          <Field label={t("logs.field.startedAt")}>{formatLogTime(row().startedAt)}</Field>
          <Field label={t("logs.field.status")}>
            <StatusBadge status={row().status} />
          </Field>
          <Field label={t("logs.field.surface")}>{row().surface}</Field>
          <Field label={t("logs.field.requestedModel")}>{row().requestedModel ?? t("logs.none")}</Field>
          <Field label={t("logs.field.upstreamModel")}>{row().upstreamModel ?? t("logs.none")}</Field>
          <Field label={t("logs.field.provider")}>{row().providerId ?? t("logs.none")}</Field>
          <Field label={t("logs.field.connection")}>
            {withName(row().connectionId, props.names.connectionName(row().connectionId))}
          </Field>
          <Field label={t("logs.field.apiKey")}>{withName(row().apiKeyId, props.names.keyName(row().apiKeyId))}</Field>
          <Field label={t("logs.field.combo")}>{row().combo ?? t("logs.none")}</Field>
          <Field label={t("logs.field.comboTarget")}>{row().comboTarget ?? t("logs.none")}</Field>
          <Field label={t("logs.field.stream")}>{yesNo(row().stream)}</Field>
          <Field label={t("logs.field.latency")}>{formatMilliseconds(row().latencyMs)}</Field>
          <Field label={t("logs.field.ttfb")}>{formatMilliseconds(row().ttfbMs)}</Field>
          <Field label={t("logs.field.tokensIn")}>{formatCount(row().tokensIn)}</Field>
          <Field label={t("logs.field.tokensOut")}>{formatCount(row().tokensOut)}</Field>
          <Field label={t("logs.field.tokensCached")}>{formatCount(row().tokensCached)}</Field>
          <Field label={t("logs.field.tokensReasoning")}>{formatCount(row().tokensReasoning)}</Field>
          <Field label={t("logs.field.usageEstimated")}>{yesNo(row().usageEstimated)}</Field>
          <Field label={t("logs.field.cost")}>{formatCost(row().costUsd)}</Field>
          <Field label={t("logs.field.cache")}>{row().cache ?? t("logs.none")}</Field>
          <Field label={t("logs.field.sharedWith")}>{row().sharedWith ?? t("logs.none")}</Field>
          <Field label={t("logs.field.failedAttempts")}>{formatCount(row().attempts.length)}</Field>
        </dl>
      </section>

      <section aria-labelledby="logs-detail-bodies">
        <h3 id="logs-detail-bodies">{t("logs.detail.bodies")}</h3>
        <Show when={row().bodies} fallback={<p class="muted">{t("logs.detail.noBodies")}</p>}>
          {(bodies) => (
            <div class="logs-bodies">
              <div>
                <h4>{t("logs.detail.requestBody")}</h4>
                <Show when={bodies().request} fallback={<p class="muted">{t("logs.none")}</p>}>
                  {(body) => (
                    <pre class="logs-pre" tabIndex={0} aria-label={t("logs.detail.requestBody")}>
                      {prettyBody(body())}
                    </pre>
                  )}
                </Show>
              </div>
              <div>
                <h4>{t("logs.detail.responseBody")}</h4>
                <Show when={bodies().response} fallback={<p class="muted">{t("logs.none")}</p>}>
                  {(body) => (
                    <pre class="logs-pre" tabIndex={0} aria-label={t("logs.detail.responseBody")}>
                      {prettyBody(body())}
                    </pre>
                  )}
                </Show>
              </div>
            </div>
          )}
        </Show>
      </section>
    </>
  );
}

/** One request in a modal dialog: its route (failed attempts in order, then the outcome), every field, the bodies. */
export function RequestDetailDialog(props: RequestDetailDialogProps) {
  const titleId = createUniqueId();
  let dialog!: HTMLDialogElement;
  const [detail, setDetail] = createSignal<RequestLogDetail>();
  const [error, setError] = createSignal<unknown>();
  let latest = 0;

  // Loaded outside Suspense, so opening a request never blanks the page behind the dialog.
  async function load(id: string) {
    const request = ++latest;
    setDetail(undefined);
    setError(undefined);
    try {
      const loaded = await logsApi.getRequest(id);
      if (request === latest) setDetail(loaded);
    } catch (failure) {
      if (request === latest) setError(() => failure);
    }
  }

  createEffect(() => {
    const id = props.requestId;
    if (id !== undefined) void load(id);
  });

  createEffect(() => {
    if (props.requestId !== undefined && !dialog.open) dialog.showModal();
    else if (props.requestId === undefined && dialog.open) dialog.close();
  });

  return (
    <dialog
      ref={dialog}
      class="logs-detail"
      aria-labelledby={titleId}
      onClose={() => props.onClose()}
      onClick={(event) => {
        // A click on the backdrop (outside the dialog's box) closes it.
        if (event.target === dialog) props.onClose();
      }}
    >
      <div class="logs-detail__header">
        <h2 id={titleId}>{t("logs.detail.title")}</h2>
        <button type="button" class="button button--small" autofocus onClick={() => props.onClose()}>
          {t("logs.detail.close")}
        </button>
      </div>
      <Show when={props.requestId !== undefined}>
        <Switch>
          <Match when={error()}>
            {(failure) => <ErrorNotice error={failure()} onRetry={() => props.requestId && void load(props.requestId)} />}
          </Match>
          <Match when={detail()}>{(loaded) => <DetailBody detail={loaded()} names={props.names} />}</Match>
        </Switch>
        <Show when={!detail() && !error()}>
          <LoadingNotice />
        </Show>
      </Show>
    </dialog>
  );
}
