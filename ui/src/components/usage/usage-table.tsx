import { createMemo, createSignal, For } from "solid-js";
import type { AnalyticsGroup } from "../../api/usage-api";
import type { MessageKey } from "../../i18n/en";
import { t } from "../../i18n/locale-store";
import { formatCount, formatMs, formatShare, formatUsd } from "./usage-format";

type SortColumn = "group" | "requests" | "successRate" | "tokensIn" | "tokensOut" | "costUsd" | "p50" | "p95";
type SortDirection = "ascending" | "descending";

interface Column {
  id: SortColumn;
  labelKey: MessageKey;
  numeric: boolean;
  /** What the column sorts by; null values sort last whatever the direction. */
  value: (group: AnalyticsGroup, label: string) => string | number | null;
  render: (group: AnalyticsGroup, label: string) => string;
}

const COLUMNS: readonly Column[] = [
  { id: "group", labelKey: "usage.columnGroup", numeric: false, value: (_g, label) => label, render: (_g, label) => label },
  { id: "requests", labelKey: "usage.columnRequests", numeric: true, value: (g) => g.requests, render: (g) => formatCount(g.requests) },
  { id: "successRate", labelKey: "usage.columnSuccessRate", numeric: true, value: (g) => g.successRate, render: (g) => formatShare(g.successRate) },
  { id: "tokensIn", labelKey: "usage.columnTokensIn", numeric: true, value: (g) => g.tokensIn, render: (g) => formatCount(g.tokensIn) },
  { id: "tokensOut", labelKey: "usage.columnTokensOut", numeric: true, value: (g) => g.tokensOut, render: (g) => formatCount(g.tokensOut) },
  { id: "costUsd", labelKey: "usage.columnCost", numeric: true, value: (g) => g.costUsd, render: (g) => formatUsd(g.costUsd) },
  { id: "p50", labelKey: "usage.columnP50", numeric: true, value: (g) => g.latencyMs.p50, render: (g) => formatMs(g.latencyMs.p50) },
  { id: "p95", labelKey: "usage.columnP95", numeric: true, value: (g) => g.latencyMs.p95, render: (g) => formatMs(g.latencyMs.p95) },
];

interface UsageTableProps {
  groups: readonly AnalyticsGroup[];
  /** The heading of the first column: Model, Provider, … */
  groupHeading: string;
  labelOf: (group: AnalyticsGroup) => string;
  caption: string;
}

/** The figures per group, sortable by any column (the chart's text alternative). */
export function UsageTable(props: UsageTableProps) {
  const [sortColumn, setSortColumn] = createSignal<SortColumn>("requests");
  const [sortDirection, setSortDirection] = createSignal<SortDirection>("descending");

  function sortBy(column: Column) {
    if (sortColumn() === column.id) setSortDirection(sortDirection() === "ascending" ? "descending" : "ascending");
    else {
      setSortColumn(column.id);
      setSortDirection(column.numeric ? "descending" : "ascending");
    }
  }

  const rows = createMemo(() => {
    const column = COLUMNS.find((candidate) => candidate.id === sortColumn()) ?? COLUMNS[1]!;
    const sign = sortDirection() === "ascending" ? 1 : -1;
    return props.groups
      .map((group) => ({ group, label: props.labelOf(group) }))
      .sort((a, b) => {
        const left = column.value(a.group, a.label);
        const right = column.value(b.group, b.label);
        if (left === null || right === null) return left === right ? 0 : left === null ? 1 : -1;
        if (typeof left === "number" && typeof right === "number") return (left - right) * sign;
        return String(left).localeCompare(String(right)) * sign;
      });
  });

  const headingOf = (column: Column) => (column.id === "group" ? props.groupHeading : t(column.labelKey));

  return (
    <table class="data-table usage-table" data-testid="usage-table">
      <caption class="visually-hidden">{props.caption}</caption>
      <thead>
        <tr>
          <For each={COLUMNS}>
            {(column) => (
              <th scope="col" aria-sort={sortColumn() === column.id ? sortDirection() : "none"} classList={{ "usage-table__numeric": column.numeric }}>
                <button type="button" class="usage-table__sort" onClick={() => sortBy(column)}>
                  {headingOf(column)}
                  <span class="usage-table__sort-mark" aria-hidden="true">
                    {sortColumn() === column.id ? (sortDirection() === "ascending" ? "▲" : "▼") : ""}
                  </span>
                </button>
              </th>
            )}
          </For>
        </tr>
      </thead>
      <tbody>
        <For each={rows()}>
          {(row) => (
            <tr>
              <For each={COLUMNS}>
                {(column) =>
                  column.id === "group" ? (
                    <th scope="row" data-label={headingOf(column)} class="usage-table__group">
                      {column.render(row.group, row.label)}
                    </th>
                  ) : (
                    <td data-label={headingOf(column)} class="usage-table__numeric">
                      {column.render(row.group, row.label)}
                    </td>
                  )
                }
              </For>
            </tr>
          )}
        </For>
      </tbody>
    </table>
  );
}
