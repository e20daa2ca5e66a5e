import { createEffect, createMemo, createSignal, createUniqueId, For, onCleanup, Show } from "solid-js";
import { createApiQuery } from "../../api/create-api-query";
import { MONITOR_STREAM_PATH, translatorApi, type MonitorRequestEvent } from "../../api/translator-api";
import { locale, t } from "../../i18n/locale-store";
import { ErrorNotice } from "../error-notice";
import { WIRE_FORMAT_IDS } from "./detect-format";
import { formatIdLabel } from "./format-labels";

/** A request's time to the second, in the reader's locale (a live view: the date is today's). */
function formatTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : new Intl.DateTimeFormat(locale().code, { timeStyle: "medium" }).format(date);
}

/** Most recent requests kept on screen. */
const MAX_ROWS = 100;

type StreamState = "connecting" | "live" | "reconnecting";

interface LiveMonitorProps {
  /** The monitor is connected only while its tab is shown. */
  active: boolean;
}

/** The format a surface speaks: `anthropic-count-tokens` is Anthropic, `openai-chat` is OpenAI Chat. */
export function surfaceFormat(surface: string): string {
  return WIRE_FORMAT_IDS.find((format) => surface === format || surface.startsWith(`${format}-`)) ?? surface;
}

/** GET /api/monitor/stream, showing for each finished request the client's format and the provider's. */
export function LiveMonitor(props: LiveMonitorProps) {
  const onlyTranslatedId = createUniqueId();
  const providers = createApiQuery(translatorApi.listProviders);
  const providerFormats = createMemo(() => new Map((providers.data() ?? []).map((provider) => [provider.id, provider.format])));
  const [events, setEvents] = createSignal<MonitorRequestEvent[]>([]);
  const [state, setState] = createSignal<StreamState>("connecting");
  const [onlyTranslated, setOnlyTranslated] = createSignal(true);

  createEffect(() => {
    if (!props.active) return;
    setState("connecting");
    const source = new EventSource(MONITOR_STREAM_PATH);
    source.addEventListener("ready", () => setState("live"));
    source.addEventListener("request", (event) => {
      try {
        const request = JSON.parse((event as MessageEvent<string>).data) as MonitorRequestEvent;
        setEvents((current) => [request, ...current].slice(0, MAX_ROWS));
      } catch {
        // A malformed event is skipped; the next one will do.
      }
    });
    // EventSource reconnects by itself (the server asks for 2 s); say so meanwhile.
    source.addEventListener("error", () => setState(source.readyState === EventSource.CLOSED ? "reconnecting" : "connecting"));
    onCleanup(() => source.close());
  });

  const upstreamFormat = (event: MonitorRequestEvent) => (event.provider ? (providerFormats().get(event.provider) ?? null) : null);
  const isTranslated = (event: MonitorRequestEvent) => {
    const upstream = upstreamFormat(event);
    return upstream !== null && upstream !== surfaceFormat(event.surface);
  };
  const shown = () => (onlyTranslated() ? events().filter(isTranslated) : events());

  const stateLabel = () => (state() === "live" ? t("translator.monitor.live") : state() === "connecting" ? t("translator.monitor.connecting") : t("translator.monitor.reconnecting"));

  return (
    <div class="translator-monitor">
      <p class="muted">{t("translator.monitor.intro")}</p>
      <Show when={providers.error()}>{(failure) => <ErrorNotice error={failure()} onRetry={providers.refetch} />}</Show>
      <div class="translator-actions">
        <span class={state() === "live" ? "badge badge--ok" : "badge"} role="status" data-testid="monitor-state">
          {stateLabel()}
        </span>
        <label class="translator-check" for={onlyTranslatedId}>
          <input id={onlyTranslatedId} type="checkbox" checked={onlyTranslated()} onChange={(event) => setOnlyTranslated(event.currentTarget.checked)} />
          {t("translator.monitor.onlyTranslated")}
        </label>
        <button type="button" class="button button--small" disabled={events().length === 0} onClick={() => setEvents([])}>
          {t("translator.monitor.clear")}
        </button>
      </div>
      <Show
        when={shown().length > 0}
        fallback={<p class="empty-state">{events().length > 0 ? t("translator.monitor.noneTranslated", { count: events().length }) : t("translator.monitor.waiting")}</p>}
      >
        <table class="data-table" data-testid="monitor-table">
          <caption class="visually-hidden">{t("translator.monitor.caption")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("translator.monitor.time")}</th>
              <th scope="col">{t("translator.monitor.formats")}</th>
              <th scope="col">{t("translator.monitor.model")}</th>
              <th scope="col">{t("translator.monitor.provider")}</th>
              <th scope="col">{t("translator.monitor.status")}</th>
              <th scope="col">{t("translator.monitor.latency")}</th>
            </tr>
          </thead>
          <tbody>
            <For each={shown()}>
              {(event) => (
                <tr>
                  <td data-label={t("translator.monitor.time")} class="nowrap">
                    {formatTime(event.time)}
                  </td>
                  <td data-label={t("translator.monitor.formats")}>
                    <span>
                      {formatIdLabel(surfaceFormat(event.surface))}
                      <Show when={upstreamFormat(event)}>{(upstream) => ` → ${formatIdLabel(upstream())}`}</Show>
                    </span>
                  </td>
                  <td data-label={t("translator.monitor.model")} class="break-anywhere">
                    {event.model ?? "—"}
                  </td>
                  <td data-label={t("translator.monitor.provider")}>{event.provider ?? "—"}</td>
                  <td data-label={t("translator.monitor.status")}>
                    <span class={event.status < 400 ? "badge badge--ok" : "badge badge--error"} title={event.error ?? undefined}>
                      {event.status}
                    </span>
                  </td>
                  <td data-label={t("translator.monitor.latency")} class="nowrap">
                    {t("translator.bench.latency", { ms: event.latencyMs })}
                  </td>
                </tr>
              )}
            </For>
          </tbody>
        </table>
      </Show>
    </div>
  );
}
