import { Show } from "solid-js";
import { apiTimeMs, type OAuthConnectionAuth } from "../../api/oauth-api";
import { formatDuration } from "../../format/format-duration";
import { t } from "../../i18n/locale-store";

interface OAuthConnectAccountProps {
  auth: OAuthConnectionAuth;
  /** Date.now(), ticking: drives the token countdown. */
  now: number;
}

/** A signed-in account on its connection card: who it is, whether it still signs in, and its token's expiry. */
export function OAuthConnectAccount(props: OAuthConnectAccountProps) {
  const ok = () => props.auth.state === "ok";
  const who = () => {
    const account = props.auth.account;
    const id = account.email ?? account.accountId;
    const plan = account.plan ? t("providers.oauth.plan", { plan: account.plan }) : undefined;
    return [id, plan].filter((part): part is string => Boolean(part)).join(" · ");
  };
  const expiry = () => {
    const at = apiTimeMs(props.auth.expiresAt);
    if (at === null) return t("providers.oauth.tokenNoExpiry");
    const left = (at - props.now) / 1000;
    return left > 0 ? t("providers.oauth.tokenExpiresIn", { time: formatDuration(left) }) : t("providers.oauth.tokenExpired");
  };

  return (
    <div class="oauth-account" data-testid="oauth-account">
      <p class="connection-detail oauth-account__line">
        <span class="badge" classList={{ "badge--ok": ok(), "badge--error": !ok() }} data-testid="oauth-state">
          {ok() ? t("providers.oauth.stateOk") : t("providers.oauth.stateNeedsReauth")}
        </span>
        <Show when={who()}>
          <span>
            <span class="connection-detail__label">{t("providers.oauth.account")}</span>{" "}
            <span class="break-anywhere" data-testid="oauth-account-name">
              {who()}
            </span>
          </span>
        </Show>
      </p>
      <Show when={!ok()}>
        <p class="connection-detail form-error" data-testid="oauth-error">
          {props.auth.error || t("providers.oauth.reauthNoReason")}
        </p>
        <p class="connection-detail">{t("providers.oauth.reauthHint")}</p>
      </Show>
      <Show when={ok()}>
        <p class="connection-detail muted" data-testid="oauth-expiry">
          {expiry()}
        </p>
      </Show>
    </div>
  );
}
