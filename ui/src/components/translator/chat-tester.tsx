import { A } from "@solidjs/router";
import { createEffect, createSignal, createUniqueId, For, Show } from "solid-js";
import type { ApiQuery } from "../../api/create-api-query";
import { translatorApi, type RoundTripResult, type TranslatorModel } from "../../api/translator-api";
import { t } from "../../i18n/locale-store";
import { PROVIDERS_PATH } from "../../route-paths";
import { ErrorNotice } from "../error-notice";
import { LoadingNotice } from "../loading-notice";
import type { WireFormatId } from "./detect-format";
import { formatIdLabel, formatLabel } from "./format-labels";
import { FormatSelect } from "./format-select";
import { chatRequestBody } from "./request-templates";
import { StagePane } from "./stage-pane";

interface ChatTesterProps {
  models: ApiQuery<TranslatorModel[]>;
}

/** One message through the gateway (POST /api/translate/round-trip), shown at each of its four stages. */
export function ChatTester(props: ChatTesterProps) {
  const ids = { model: createUniqueId(), message: createUniqueId(), stream: createUniqueId() };
  const [model, setModel] = createSignal("");
  const [format, setFormat] = createSignal<WireFormatId>("openai-chat");
  const [message, setMessage] = createSignal("");
  const [stream, setStream] = createSignal(false);
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<unknown>();
  const [emptyMessage, setEmptyMessage] = createSignal(false);
  const [result, setResult] = createSignal<RoundTripResult>();

  // The first model is picked once the list arrives (and again if the chosen one disappears).
  createEffect(() => {
    const list = props.models.data();
    if (list && list.length > 0 && !list.some((item) => item.id === model())) setModel(list[0]!.id);
  });

  async function send(event?: Event) {
    event?.preventDefault();
    if (message().trim() === "") return setEmptyMessage(true);
    setEmptyMessage(false);
    setBusy(true);
    setError(undefined);
    try {
      const body = chatRequestBody(format(), message(), stream());
      setResult(await translatorApi.roundTrip({ format: format(), body, model: model(), ...(format() === "gemini" ? { stream: stream() } : {}) }));
    } catch (failure) {
      setError(() => failure);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div class="translator-chat">
      <p class="muted">{t("translator.chat.intro")}</p>
      <Show when={props.models.error()}>{(failure) => <ErrorNotice error={failure()} onRetry={props.models.refetch} />}</Show>
      <Show when={props.models.data()} fallback={<Show when={!props.models.error()}><LoadingNotice /></Show>}>
        {(list) => (
          <Show
            when={list().length > 0}
            fallback={
              <p class="empty-state">
                {t("translator.noModels")} <A href={PROVIDERS_PATH}>{t("translator.goToProviders")}</A>
              </p>
            }
          >
            <form class="translator-chat__form" onSubmit={send} aria-busy={busy()}>
              <div class="translator-controls">
                <div class="field">
                  <label for={ids.model}>{t("translator.chat.model")}</label>
                  <select id={ids.model} class="select" value={model()} onChange={(event) => setModel(event.currentTarget.value)}>
                    <For each={list()}>{(item) => <option value={item.id}>{item.id}</option>}</For>
                  </select>
                </div>
                <FormatSelect label={t("translator.chat.clientFormat")} value={format()} onChange={(value) => value !== "auto" && setFormat(value)} />
                <label class="translator-check">
                  <input id={ids.stream} type="checkbox" checked={stream()} onChange={(event) => setStream(event.currentTarget.checked)} />
                  {t("translator.chat.stream")}
                </label>
              </div>
              <div class="field">
                <label for={ids.message}>{t("translator.chat.message")}</label>
                <textarea
                  id={ids.message}
                  class="input translator-message"
                  rows={3}
                  value={message()}
                  aria-invalid={emptyMessage()}
                  onInput={(event) => setMessage(event.currentTarget.value)}
                  onKeyDown={(event) => {
                    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) void send(event);
                  }}
                />
                <p class="field__hint">{t("translator.chat.shortcut")}</p>
              </div>
              <Show when={emptyMessage()}>
                <p class="form-error" role="alert">
                  {t("translator.chat.emptyMessage")}
                </p>
              </Show>
              <div class="translator-actions">
                <button type="submit" class="button button--primary" disabled={busy() || model() === ""}>
                  {busy() ? t("translator.chat.sending") : t("translator.chat.send")}
                </button>
              </div>
            </form>
          </Show>
        )}
      </Show>

      <div aria-live="polite">
        <Show when={error()}>{(failure) => <ErrorNotice error={failure()} />}</Show>
        <Show when={result()}>{(trip) => <RoundTripSummary result={trip()} />}</Show>
      </div>
      <Show when={result()}>{(trip) => <RoundTripStages result={trip()} />}</Show>
    </div>
  );
}

function RoundTripSummary(props: { result: RoundTripResult }) {
  const route = () => props.result.route;
  const ok = () => props.result.clientResponse.status < 400;
  return (
    <p class="translator-summary" data-testid="round-trip-summary">
      <span class={ok() ? "badge badge--ok" : "badge badge--error"}>{t("translator.chat.status", { status: props.result.clientResponse.status })}</span>
      <span>{t("translator.chat.latency", { ms: props.result.latencyMs })}</span>
      <Show when={route().target}>{(target) => <span>{t("translator.chat.servedBy", { target: target(), provider: route().provider ?? "" })}</span>}</Show>
      <Show when={props.result.upstreamFormat}>
        {(upstream) => (
          <span>
            {route().translated
              ? t("translator.chat.translated", { from: formatLabel(props.result.clientRequest.format), to: formatIdLabel(upstream()) })
              : t("translator.chat.passThrough", { format: formatIdLabel(upstream()) })}
          </span>
        )}
      </Show>
      <Show when={route().attempts > 1}>
        <span>{t("translator.chat.attempts", { count: route().attempts })}</span>
      </Show>
      <Show when={route().requestId}>{(id) => <span class="muted">{t("translator.chat.requestId", { id: id() })}</span>}</Show>
    </p>
  );
}

function RoundTripStages(props: { result: RoundTripResult }) {
  const noUpstream = () => t("translator.chat.noUpstream");
  const upstreamLabel = () => (props.result.upstreamFormat ? formatIdLabel(props.result.upstreamFormat) : "");
  return (
    <div class="translator-stages">
      <StagePane
        step={1}
        testId="stage-client-request"
        title={t("translator.chat.stageInput")}
        summary={`${formatLabel(props.result.clientRequest.format)} · ${props.result.clientRequest.method} ${props.result.clientRequest.path}`}
        body={props.result.clientRequest.body}
      />
      <StagePane
        step={2}
        testId="stage-upstream-request"
        title={t("translator.chat.stageUpstreamRequest")}
        summary={props.result.upstreamRequest ? `${upstreamLabel()} · ${props.result.upstreamRequest.method} ${props.result.upstreamRequest.url}` : undefined}
        headers={props.result.upstreamRequest?.headers}
        body={props.result.upstreamRequest?.body}
        absent={props.result.upstreamRequest ? undefined : noUpstream()}
      />
      <StagePane
        step={3}
        testId="stage-upstream-response"
        title={t("translator.chat.stageUpstreamResponse")}
        summary={props.result.upstreamResponse ? `${upstreamLabel()} · ${t("translator.chat.status", { status: props.result.upstreamResponse.status })}` : undefined}
        headers={props.result.upstreamResponse?.headers}
        body={props.result.upstreamResponse?.body}
        absent={props.result.upstreamResponse ? undefined : noUpstream()}
      />
      <StagePane
        step={4}
        testId="stage-client-response"
        title={t("translator.chat.stageOutput")}
        summary={`${formatLabel(props.result.clientRequest.format)} · ${t("translator.chat.status", { status: props.result.clientResponse.status })}`}
        headers={props.result.clientResponse.headers}
        body={props.result.clientResponse.body}
      />
      <Show when={props.result.clientResponse.answerText !== null}>
        <section class="translator-answer" aria-label={t("translator.chat.answer")}>
          <h3>{t("translator.chat.answer")}</h3>
          <p data-testid="round-trip-answer">{props.result.clientResponse.answerText || t("translator.chat.emptyAnswer")}</p>
        </section>
      </Show>
    </div>
  );
}
