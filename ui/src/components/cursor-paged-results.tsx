import { Show, type JSX } from "solid-js";
import { t } from "../i18n/locale-store";
import { ErrorNotice } from "./error-notice";
import { LoadingNotice } from "./loading-notice";

/** What the view reads of `createCursorPages`. */
interface PagedState {
  items: () => readonly unknown[];
  nextCursor: () => string | undefined;
  loaded: () => boolean;
  loading: () => boolean;
  error: () => unknown;
  load: (append: boolean) => Promise<void>;
}

interface CursorPagedResultsProps {
  pages: PagedState;
  /** BEM block for the page's own styling: `<block>-toolbar`, `<block>-toolbar__status`, `<block>-more`. */
  block: string;
  actionsClass: string;
  /** The live status line once a page has loaded ("50 shown, more available"). */
  status: (count: number, more: boolean) => string;
  exportHref: string;
  exportLabel: string;
  /** The empty state: nothing at all, or nothing matching the filters. */
  empty: string;
  loadMoreLabel: string;
  /** The table of the items loaded so far. */
  children: JSX.Element;
}

/**
 * The results of a cursor-paged list: a toolbar (status, refresh, CSV export of the same filters), the error with
 * a retry, the loading notice, the empty state or the table, and "load more" while older pages remain.
 */
export function CursorPagedResults(props: CursorPagedResultsProps) {
  const pages = () => props.pages;
  return (
    <>
      <div class={`${props.block}-toolbar`}>
        <p class={`${props.block}-toolbar__status muted`} role="status">
          <Show when={pages().loaded()}>{props.status(pages().items().length, Boolean(pages().nextCursor()))}</Show>
        </p>
        <div class={props.actionsClass}>
          <button type="button" class="button button--small" disabled={pages().loading()} onClick={() => void pages().load(false)}>
            {t("common.refresh")}
          </button>
          <a class="button button--small" href={props.exportHref} download="">
            {props.exportLabel}
          </a>
        </div>
      </div>

      <Show when={pages().error()}>{(failure) => <ErrorNotice error={failure()} onRetry={() => void pages().load(false)} />}</Show>
      <Show when={pages().loaded()} fallback={<Show when={!pages().error()}><LoadingNotice /></Show>}>
        <Show when={pages().items().length > 0} fallback={<p class="empty-state">{props.empty}</p>}>
          {props.children}
        </Show>
        <Show when={pages().nextCursor()}>
          <div class={`${props.block}-more`}>
            <button type="button" class="button" disabled={pages().loading()} onClick={() => void pages().load(true)}>
              {pages().loading() ? t("common.loading") : props.loadMoreLabel}
            </button>
          </div>
        </Show>
      </Show>
    </>
  );
}
