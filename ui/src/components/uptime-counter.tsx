import { createSignal, onCleanup } from "solid-js";
import { formatDuration } from "../format/format-duration";

interface UptimeCounterProps {
  uptimeSeconds: number;
  /** performance.now() when the server reported `uptimeSeconds`; the counter ticks from there, immune to clock skew. */
  reportedAt: number;
}

export function UptimeCounter(props: UptimeCounterProps) {
  const [now, setNow] = createSignal(performance.now());
  const timer = setInterval(() => setNow(performance.now()), 1_000);
  onCleanup(() => clearInterval(timer));

  return <span class="uptime-counter">{formatDuration(props.uptimeSeconds + (now() - props.reportedAt) / 1_000)}</span>;
}
