import { createUniqueId } from "solid-js";
import { t } from "../../i18n/locale-store";
import { CopyButton } from "../copy-button";

interface SnippetBlockProps {
  /** The file the text goes in, or null for a settings screen. */
  target: string | null;
  toolName: string;
  text: string;
}

/** Ready-to-paste settings with a copy button. Long lines wrap, so a phone never scrolls sideways. */
export function SnippetBlock(props: SnippetBlockProps) {
  const captionId = createUniqueId();
  const caption = () => (props.target ? t("cliTools.snippetForFile", { target: props.target }) : t("cliTools.snippetForScreen", { name: props.toolName }));
  return (
    <figure class="cli-snippet" aria-labelledby={captionId}>
      <div class="cli-snippet__header">
        <figcaption id={captionId} class="cli-snippet__caption">
          {caption()}
        </figcaption>
        <CopyButton text={props.text} label={t("cliTools.copySnippet")} />
      </div>
      <pre class="cli-snippet__code">
        <code>{props.text}</code>
      </pre>
    </figure>
  );
}
