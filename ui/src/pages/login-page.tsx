import { useNavigate } from "@solidjs/router";
import { createEffect, createSignal, createUniqueId, Show } from "solid-js";
import { ApiError } from "../api/client";
import { describeApiError } from "../api/describe-api-error";
import { LanguageSelect } from "../components/language-select";
import { PageHeading } from "../components/page-heading";
import { ProductName } from "../components/product-name";
import { ThemeToggle } from "../components/theme-toggle";
import { t } from "../i18n/locale-store";
import { STATUS_PATH } from "../route-paths";
import { isAuthenticated, logIn } from "../stores/session-store";

export function LoginPage() {
  const navigate = useNavigate();
  const passwordId = createUniqueId();
  const errorId = createUniqueId();
  const [password, setPassword] = createSignal("");
  const [error, setError] = createSignal<string>();
  const [submitting, setSubmitting] = createSignal(false);
  let passwordInput!: HTMLInputElement;

  createEffect(() => {
    if (isAuthenticated() === true) navigate(STATUS_PATH, { replace: true });
  });

  async function submit(event: SubmitEvent) {
    event.preventDefault();
    setSubmitting(true);
    setError(undefined);
    try {
      await logIn(password());
    } catch (failure) {
      setError(loginErrorMessage(failure));
      passwordInput.focus();
      passwordInput.select();
    } finally {
      setSubmitting(false);
    }
  }

  return (
    <div class="login-screen">
      <div class="login-screen__tools">
        <LanguageSelect />
        <ThemeToggle />
      </div>
      <main class="login-card">
        <ProductName />
        <PageHeading title={t("login.title")} />
        <p class="muted">{t("login.intro")}</p>
        <form class="form" onSubmit={submit}>
          <div class="field">
            <label for={passwordId}>{t("login.password")}</label>
            <input
              ref={passwordInput}
              id={passwordId}
              class="input"
              type="password"
              name="password"
              autocomplete="current-password"
              required
              autofocus
              aria-invalid={error() ? true : undefined}
              aria-describedby={error() ? errorId : undefined}
              value={password()}
              onInput={(event) => setPassword(event.currentTarget.value)}
            />
          </div>
          <Show when={error()}>
            <p id={errorId} class="form-error" role="alert">
              {error()}
            </p>
          </Show>
          <button type="submit" class="button button--primary button--block" disabled={submitting()}>
            {submitting() ? t("login.submitting") : t("login.submit")}
          </button>
        </form>
      </main>
    </div>
  );
}

function loginErrorMessage(failure: unknown): string {
  if (failure instanceof ApiError && failure.status === 401) return t("login.wrongPassword");
  if (failure instanceof ApiError && failure.status === 429) return t("login.tooManyAttempts");
  return describeApiError(failure);
}
