import { createEffect, createUniqueId, Show } from "solid-js";
import { t } from "../i18n/locale-store";

interface ConfirmDialogProps {
  open: boolean;
  title: string;
  message: string;
  confirmLabel: string;
  busy?: boolean;
  error?: string;
  onConfirm: () => void;
  onCancel: () => void;
}

/** A native modal <dialog>: the browser traps focus, handles Escape and restores focus on close. */
export function ConfirmDialog(props: ConfirmDialogProps) {
  const titleId = createUniqueId();
  const messageId = createUniqueId();
  let dialog!: HTMLDialogElement;

  createEffect(() => {
    if (props.open && !dialog.open) dialog.showModal();
    else if (!props.open && dialog.open) dialog.close();
  });

  return (
    <dialog
      ref={dialog}
      class="confirm-dialog"
      aria-labelledby={titleId}
      aria-describedby={messageId}
      onCancel={(event) => {
        event.preventDefault();
        if (!props.busy) props.onCancel();
      }}
    >
      <h2 id={titleId} class="confirm-dialog__title">
        {props.title}
      </h2>
      <p id={messageId}>{props.message}</p>
      <Show when={props.error}>
        <p class="form-error" role="alert">
          {props.error}
        </p>
      </Show>
      <div class="confirm-dialog__actions">
        <button type="button" class="button" autofocus disabled={props.busy} onClick={() => props.onCancel()}>
          {t("common.cancel")}
        </button>
        <button type="button" class="button button--danger" disabled={props.busy} onClick={() => props.onConfirm()}>
          {props.confirmLabel}
        </button>
      </div>
    </dialog>
  );
}
