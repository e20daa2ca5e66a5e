import { For, Show, type JSX } from "solid-js";
import { t } from "../i18n/locale-store";

interface DataTableProps<Row> {
  /** Classes after `data-table`. */
  class: string;
  /** Read by screen readers, not shown. */
  caption?: string;
  /** The column headers, in order. */
  columns: readonly string[];
  /** A last column of row buttons, named "Actions" for screen readers only. */
  actionsColumn?: boolean;
  rows: readonly Row[];
  /** One `<tr>` per row, its cells in the order of `columns`. */
  children: (row: Row) => JSX.Element;
}

/** A data table: headed columns (cards on phones, from components.css) and one row per item. */
export function DataTable<Row>(props: DataTableProps<Row>) {
  return (
    <table class={`data-table ${props.class}`}>
      <Show when={props.caption}>
        <caption class="visually-hidden">{props.caption}</caption>
      </Show>
      <thead>
        <tr>
          <For each={props.columns}>{(label) => <th scope="col">{label}</th>}</For>
          <Show when={props.actionsColumn}>
            <th scope="col">
              <span class="visually-hidden">{t("common.actions")}</span>
            </th>
          </Show>
        </tr>
      </thead>
      <tbody>
        <For each={props.rows}>{(row) => props.children(row)}</For>
      </tbody>
    </table>
  );
}
