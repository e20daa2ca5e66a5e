import { createEffect, createSignal, createUniqueId, For, on, onCleanup, Show } from "solid-js";
import { logsApi, type ConsoleLevel, type ConsoleLogEntry, type ConsoleLogFilters } from "../../api/logs-api";
import type { MessageKey } from "../../i18n/en";
import { t } from "../../i18n/locale-store";
import { ErrorNotice } from "../error-notice";
import { LoadingNotice } from "../loading-notice";
import { createEventStream } from "./create-event-stream";
import { formatClockTime } from "./log-format";
import { StreamStatusBadge } from "./stream-status";

/** Lines kept on screen (the gateway itself keeps the latest 2,000). */
export const CONSOLE_LINE_LIMIT = 2000;
const SEARCH_DELAY_MS = 300;
/** Closer than this to the end counts as "at the bottom". */
const BOTTOM_SLACK_PX = 8;

const LEVEL_FILTERS: ReadonlyArray<{ value: "" | ConsoleLevel; key: MessageKey }> = [
  { value: "", key: "logs.console.levelAll" },
  { value: "info", key: "logs.console.levelInfo" },
  { value: "warn", key: "logs.console.levelWarn" },
  { value: "error", key: "logs.console.levelError" },
];

const LEVEL_LABELS: Record<ConsoleLevel, MessageKey> = {
  debug: "logs.level.debug",
  info: "logs.level.info",
  warn: "logs.level.warn",
  error: "logs.level.error",
};

function fieldsText(fields: Record<string, unknown>): string {
  return Object.keys(fields).length === 0 ? "" : JSON.stringify(fields);
}

/**
 * The gateway's own log: an initial page (GET /api/logs/console), then new entries from the console stream,
 * which resumes after the last seq shown. Follows the end until the user scrolls up.
 */
export function ConsoleTab() {
  const id = createUniqueId();
  const [level, setLevel] = createSignal<"" | ConsoleLevel>("");
  const [searchInput, setSearchInput] = createSignal("");
  const [search, setSearch] = createSignal("");
  const [entries, setEntries] = createSignal<ConsoleLogEntry[]>([]);
  const [loaded, setLoaded] = createSignal(false);
  const [error, setError] = createSignal<unknown>();
  const [follow, setFollow] = createSignal(true);
  let lastSeq = 0;
  let generation = 0;
  let list: HTMLOListElement | undefined;
  let searchTimer: ReturnType<typeof setTimeout> | undefined;
  onCleanup(() => clearTimeout(searchTimer));

  const filters = (): ConsoleLogFilters => {
    const chosen: ConsoleLogFilters = {};
    if (level()) chosen.level = level() as ConsoleLevel;
    if (search()) chosen.search = search();
    return chosen;
  };

  const stream = createEventStream({
    startNow: false,
    url: () => logsApi.consoleStreamUrl(filters(), lastSeq),
    onReady: (data) => {
      // A cursor behind what we have shown means the gateway restarted: start over.
      const cursor = (JSON.parse(data) as { cursor?: number }).cursor;
      if (typeof cursor === "number" && cursor < lastSeq) void reload();
    },
    events: {
      message: (data) => {
        let entry: ConsoleLogEntry;
        try {
          entry = JSON.parse(data) as ConsoleLogEntry;
        } catch {
          return;
        }
        if (entry.seq <= lastSeq) return; // replayed after a reconnect
        lastSeq = entry.seq;
        setEntries((current) => {
          const next = [...current, entry];
          return next.length > CONSOLE_LINE_LIMIT ? next.slice(next.length - CONSOLE_LINE_LIMIT) : next;
        });
      },
    },
  });

  async function reload() {
    const request = ++generation;
    stream.stop("connecting");
    setError(undefined);
    try {
      const page = await logsApi.getConsole(filters());
      if (request !== generation) return;
      lastSeq = page.cursor;
      setEntries(page.entries);
      setLoaded(true);
      stream.restart();
    } catch (failure) {
      if (request === generation) setError(() => failure);
    }
  }

  // Reload on every filter change (and once at the start).
  createEffect(on([level, search], () => void reload()));

  function scrollToEnd() {
    if (list) list.scrollTop = list.scrollHeight;
  }

  // After new lines are drawn, keep the end in view while following.
  createEffect(
    on(entries, () => {
      if (follow()) scrollToEnd();
    }),
  );

  function onScroll() {
    if (!list || !follow()) return;
    const fromBottom = list.scrollHeight - list.scrollTop - list.clientHeight;
    if (fromBottom > BOTTOM_SLACK_PX) setFollow(false);
  }

  function onSearchInput(value: string) {
    setSearchInput(value);
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => setSearch(value.trim()), SEARCH_DELAY_MS);
  }

  return (
    <div class="logs-tab">
      <form
        class="logs-console-filters"
        aria-label={t("logs.console.filtersLabel")}
        onSubmit={(event) => {
          event.preventDefault();
          clearTimeout(searchTimer);
          setSearch(searchInput().trim());
        }}
      >
        <div class="field">
          <label for={`${id}-level`}>{t("logs.console.level")}</label>
          <select
            id={`${id}-level`}
            class="select"
            value={level()}
            onChange={(event) => setLevel(event.currentTarget.value as "" | ConsoleLevel)}
          >
            <For each={LEVEL_FILTERS}>{(option) => <option value={option.value}>{t(option.key)}</option>}</For>
          </select>
        </div>
        <div class="field logs-console-filters__search">
          <label for={`${id}-search`}>{t("logs.console.search")}</label>
          <input
            id={`${id}-search`}
            class="input"
            type="search"
            maxLength={200}
            autocomplete="off"
            value={searchInput()}
            onInput={(event) => onSearchInput(event.currentTarget.value)}
          />
        </div>
        <label class="switch logs-console-filters__follow">
          <input
            type="checkbox"
            role="switch"
            checked={follow()}
            onChange={(event) => {
              setFollow(event.currentTarget.checked);
              if (event.currentTarget.checked) scrollToEnd();
            }}
          />
          <span>{t("logs.console.autoScroll")}</span>
        </label>
      </form>

      <div class="logs-toolbar">
        <p class="logs-toolbar__status" role="status">
          <StreamStatusBadge status={stream.status()} />
          <Show when={loaded()}>
            <span class="muted">{t("logs.console.shown", { count: entries().length })}</span>
          </Show>
        </p>
      </div>

      <Show when={error()}>{(failure) => <ErrorNotice error={failure()} onRetry={() => void reload()} />}</Show>
      <Show when={loaded()} fallback={<Show when={!error()}><LoadingNotice /></Show>}>
        <Show when={entries().length > 0} fallback={<p class="empty-state">{t("logs.console.empty")}</p>}>
          <ol
            ref={list}
            class="logs-console"
            role="log"
            aria-label={t("logs.console.label")}
            tabIndex={0}
            onScroll={onScroll}
          >
            <For each={entries()}>
              {(entry) => (
                <li class={`logs-console__line logs-console__line--${entry.level}`} data-level={entry.level}>
                  <time class="logs-console__time" dateTime={entry.time}>
                    {formatClockTime(entry.time)}
                  </time>
                  <span class="logs-console__level">{t(LEVEL_LABELS[entry.level] ?? "logs.level.info")}</span>
                  <span class="logs-console__component">{entry.component}</span>
                  <span class="logs-console__msg">{entry.msg}</span>
                  <Show when={fieldsText(entry.fields)}>
                    {(text) => <span class="logs-console__fields">{text()}</span>}
                  </Show>
                </li>
              )}
            </For>
          </ol>
        </Show>
      </Show>
    </div>
  );
}
