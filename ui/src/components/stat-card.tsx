import type { JSX } from "solid-js";

interface StatCardProps {
  label: string;
  children: JSX.Element;
  detail?: JSX.Element;
}

/** One term/value pair of the status summary; meant to sit inside a <dl>. */
export function StatCard(props: StatCardProps) {
  return (
    <div class="stat-card">
      <dt class="stat-card__label">{props.label}</dt>
      <dd class="stat-card__value">{props.children}</dd>
      {props.detail !== undefined && <dd class="stat-card__detail">{props.detail}</dd>}
    </div>
  );
}
