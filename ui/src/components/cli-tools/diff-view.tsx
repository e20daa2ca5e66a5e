import { For } from "solid-js";

interface DiffViewProps {
  diff: string;
  label: string;
}

function lineClass(line: string): string {
  if (line.startsWith("+++") || line.startsWith("---")) return "cli-diff__line cli-diff__line--file";
  if (line.startsWith("@@")) return "cli-diff__line cli-diff__line--hunk";
  if (line.startsWith("+")) return "cli-diff__line cli-diff__line--add";
  if (line.startsWith("-")) return "cli-diff__line cli-diff__line--del";
  return "cli-diff__line";
}

/** A unified diff, colored by line kind; the +/- signs stay in the text, so the meaning does not depend on color. */
export function DiffView(props: DiffViewProps) {
  const lines = () => props.diff.replace(/\n$/, "").split("\n");
  return (
    <pre class="cli-diff" aria-label={props.label} data-testid="cli-diff">
      <For each={lines()}>{(line) => <span class={lineClass(line)}>{line + "\n"}</span>}</For>
    </pre>
  );
}
