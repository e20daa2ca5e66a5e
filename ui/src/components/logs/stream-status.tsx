import type { MessageKey } from "../../i18n/en";
import { t } from "../../i18n/locale-store";
import type { StreamStatus } from "./create-event-stream";

const LABELS: Record<StreamStatus, MessageKey> = {
  connecting: "logs.stream.connecting",
  live: "logs.stream.live",
  reconnecting: "logs.stream.reconnecting",
  stopped: "logs.stream.stopped",
};

/** Where a live stream stands; sits in the tab's status region, so a drop and a reconnect are announced. */
export function StreamStatusBadge(props: { status: StreamStatus }) {
  return (
    <span class={`logs-stream logs-stream--${props.status}`}>
      <span class="logs-stream__dot" aria-hidden="true" />
      {t(LABELS[props.status])}
    </span>
  );
}
