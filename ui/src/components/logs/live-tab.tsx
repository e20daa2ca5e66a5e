import { createSignal, Show } from "solid-js";
import { logsApi, type MonitorEvent } from "../../api/logs-api";
import { t } from "../../i18n/locale-store";
import { createEventStream } from "./create-event-stream";
import type { LogNames } from "./log-names";
import { StreamStatusBadge } from "./stream-status";
import { summaryOfEvent, type RequestSummary } from "./request-summary";
import { RequestTable } from "./request-table";

/** Rows kept on screen; older ones fall off the end. */
export const LIVE_ROW_LIMIT = 200;

interface LiveTabProps {
  names: LogNames;
  onOpen: (id: string) => void;
}

/** Requests as they finish (GET /api/monitor/stream), newest first; paused rows wait and arrive on resume. */
export function LiveTab(props: LiveTabProps) {
  const [rows, setRows] = createSignal<RequestSummary[]>([]);
  const [paused, setPaused] = createSignal(false);
  const [waiting, setWaiting] = createSignal<RequestSummary[]>([]);

  const prepend = (current: RequestSummary[], added: RequestSummary[]) => [...added, ...current].slice(0, LIVE_ROW_LIMIT);

  const stream = createEventStream({
    url: logsApi.monitorStreamUrl,
    events: {
      request: (data) => {
        let summary: RequestSummary;
        try {
          summary = summaryOfEvent(JSON.parse(data) as MonitorEvent);
        } catch {
          return;
        }
        if (paused()) setWaiting((current) => prepend(current, [summary]));
        else setRows((current) => prepend(current, [summary]));
      },
    },
  });

  function togglePause() {
    if (paused()) {
      setRows((current) => prepend(current, waiting()));
      setWaiting([]);
    }
    setPaused(!paused());
  }

  function clear() {
    setRows([]);
    setWaiting([]);
  }

  return (
    <div class="logs-tab">
      <div class="logs-toolbar">
        <p class="logs-toolbar__status" role="status">
          <StreamStatusBadge status={stream.status()} />
          <Show when={paused()}>
            <span class="muted">{t("logs.live.pausedWaiting", { count: waiting().length })}</span>
          </Show>
        </p>
        <div class="logs-toolbar__actions">
          <button type="button" class="button button--small" onClick={togglePause}>
            {paused() ? t("logs.live.resume") : t("logs.live.pause")}
          </button>
          <button type="button" class="button button--small" disabled={rows().length === 0 && waiting().length === 0} onClick={clear}>
            {t("logs.live.clear")}
          </button>
        </div>
      </div>
      <p class="muted logs-hint">{t("logs.live.hint", { limit: LIVE_ROW_LIMIT })}</p>
      <Show when={rows().length > 0} fallback={<p class="empty-state">{t("logs.live.empty")}</p>}>
        <RequestTable rows={rows()} names={props.names} caption={t("logs.live.caption")} onOpen={props.onOpen} />
      </Show>
    </div>
  );
}
