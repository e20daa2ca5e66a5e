import { Show } from "solid-js";

/** A form's error message, announced as an alert; nothing while there is none. */
export function FormError(props: { message: string | undefined | null | false }) {
  return (
    <Show when={props.message}>
      <p class="form-error" role="alert">
        {props.message}
      </p>
    </Show>
  );
}
