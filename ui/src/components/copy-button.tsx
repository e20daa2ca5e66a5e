import { createSignal, onCleanup } from "solid-js";
import { t } from "../i18n/locale-store";

type CopyState = "idle" | "copied" | "failed";

const FEEDBACK_MS = 2_500;

interface CopyButtonProps {
  text: string;
  label?: string;
  /** Shown when copying fails; the default speaks of a key. */
  failedText?: string;
  /** Extra classes for the button (it is primary by default). */
  buttonClass?: string;
}

export function CopyButton(props: CopyButtonProps) {
  const [state, setState] = createSignal<CopyState>("idle");
  let resetTimer: ReturnType<typeof setTimeout> | undefined;
  onCleanup(() => clearTimeout(resetTimer));

  async function copy() {
    const copied = await copyText(props.text);
    setState(copied ? "copied" : "failed");
    clearTimeout(resetTimer);
    resetTimer = setTimeout(() => setState("idle"), FEEDBACK_MS);
  }

  return (
    <span class="copy-button">
      <button type="button" class={props.buttonClass ?? "button button--primary"} onClick={copy}>
        {state() === "copied" ? t("apiKeys.copied") : (props.label ?? t("apiKeys.copy"))}
      </button>
      <span class="copy-button__feedback" role="status">
        {state() === "failed" ? (props.failedText ?? t("apiKeys.copyFailed")) : ""}
      </span>
    </span>
  );
}

/** The async clipboard API only exists in secure contexts; a dashboard opened over plain http on the LAN is not one. */
async function copyText(text: string): Promise<boolean> {
  if (navigator.clipboard && window.isSecureContext) {
    try {
      await navigator.clipboard.writeText(text);
      return true;
    } catch {
      // Fall through to the selection-based copy.
    }
  }
  const scratch = document.createElement("textarea");
  scratch.value = text;
  scratch.setAttribute("readonly", "");
  scratch.style.position = "fixed";
  scratch.style.opacity = "0";
  document.body.append(scratch);
  scratch.select();
  try {
    return document.execCommand("copy");
  } catch {
    return false;
  } finally {
    scratch.remove();
  }
}
