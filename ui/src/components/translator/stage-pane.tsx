import { createUniqueId, For, Show, type JSX } from "solid-js";
import { t } from "../../i18n/locale-store";
import { prettyBody } from "./request-templates";

interface StagePaneProps {
  /** 1–4: where this stage sits in the round trip. */
  step: number;
  title: string;
  /** One line about the stage: format, method and URL, status. */
  summary?: JSX.Element;
  headers?: Record<string, string>;
  body?: string;
  /** Shown instead of a body when the stage did not happen. */
  absent?: string;
  testId: string;
}

/** One stage of a round trip: what it was, its headers (folded), its body. */
export function StagePane(props: StagePaneProps) {
  const headingId = createUniqueId();
  const headerEntries = () => Object.entries(props.headers ?? {});
  return (
    <section class="translator-stage" aria-labelledby={headingId} data-testid={props.testId}>
      <h3 id={headingId} class="translator-stage__title">
        <span class="translator-stage__step" aria-hidden="true">
          {props.step}
        </span>
        {props.title}
      </h3>
      <Show when={props.absent} fallback={
        <>
          <Show when={props.summary}>
            <p class="translator-stage__summary">{props.summary}</p>
          </Show>
          <Show when={headerEntries().length > 0}>
            <details class="translator-stage__headers">
              <summary>{t("translator.chat.headers", { count: headerEntries().length })}</summary>
              <dl>
                <For each={headerEntries()}>
                  {([name, value]) => (
                    <>
                      <dt>{name}</dt>
                      <dd>{value}</dd>
                    </>
                  )}
                </For>
              </dl>
            </details>
          </Show>
          <pre class="translator-pre translator-stage__body" tabIndex={0} aria-label={t("translator.chat.bodyOf", { stage: props.title })}>
            {prettyBody(props.body ?? "") || t("translator.chat.emptyBody")}
          </pre>
        </>
      }>
        <p class="muted">{props.absent}</p>
      </Show>
    </section>
  );
}
