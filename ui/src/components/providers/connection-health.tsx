import { Show } from "solid-js";
import type { Breaker } from "../../api/health-api";
import type { RoutingAccount } from "../../api/providers-api";
import { formatDuration } from "../../format/format-duration";
import type { MessageKey } from "../../i18n/en";
import { t } from "../../i18n/locale-store";
import { formatCount, formatTime } from "../usage/usage-format";

const BREAKER_STATES: Record<Breaker["state"], MessageKey> = {
  closed: "providers.health.breakerClosed",
  open: "providers.health.breakerOpen",
  "half-open": "providers.health.breakerHalfOpen",
};

/** Seconds left until an epoch-ms time, or null when there is none. */
function secondsUntil(until: number | null, now: number): number | null {
  return until === null ? null : Math.max(0, (until - now) / 1000);
}

function withTime(text: string, seconds: number | null): string {
  return seconds === null ? text : t("providers.health.withTime", { text, time: formatDuration(seconds) });
}

function breakerExplained(account: RoutingAccount): boolean {
  return !account.availability.available && account.availability.reason === "breaker-open";
}

interface ConnectionHealthProps {
  /** The account in GET /api/health/routing; absent when it has not been used since the gateway started. */
  account: RoutingAccount | undefined;
  /** Its provider's breaker, when the provider has one. */
  providerBreaker: Breaker | undefined;
  /** Date.now(), ticking: drives the countdowns. */
  now: number;
  /** A signed-in (OAuth) account: a refusal means signing in again, not a new key. */
  oauth?: boolean;
}

/** Whether routing uses the account now, its circuit breaker (and its provider's) and its last failure. */
export function ConnectionHealth(props: ConnectionHealthProps) {
  const availability = () => {
    const account = props.account;
    if (!account || account.availability.available) return { ok: true, text: t("providers.health.available") };
    const left = secondsUntil(account.availability.until, props.now);
    switch (account.availability.reason) {
      case "cooldown":
        return { ok: false, text: withTime(t("providers.health.coolingDown"), left) };
      case "reauth":
        return { ok: false, text: t(props.oauth ? "providers.health.signInRefused" : "providers.health.needsReauth") };
      case "breaker-open":
        return { ok: false, text: withTime(t("providers.health.unavailableBreaker"), left) };
      case "provider-breaker-open":
        return { ok: false, text: withTime(t("providers.health.unavailableProviderBreaker"), left) };
    }
  };

  return (
    <div class="connection-health" data-testid="connection-health">
      <div class="connection-health__badges">
        <span class="badge" classList={{ "badge--ok": availability().ok, "badge--error": !availability().ok }} data-testid="connection-availability">
          {availability().text}
        </span>
        {/* An open breaker that already explains the unavailability is not repeated. */}
        <Show when={props.account && !breakerExplained(props.account) ? props.account : undefined}>
          {(account) => <BreakerBadge breaker={account().breaker} now={props.now} />}
        </Show>
      </div>
      <Show when={props.providerBreaker && props.providerBreaker.state !== "closed" ? props.providerBreaker : undefined}>
        {(breaker) => (
          <p class="connection-detail">
            {t("providers.health.providerBreaker")} <BreakerBadge breaker={breaker()} now={props.now} />
          </p>
        )}
      </Show>
      <Show when={props.account} fallback={<p class="connection-detail muted">{t("providers.health.unused")}</p>}>
        {(account) => (
          <>
            <p class="connection-detail muted">
              {t("providers.health.uses", { count: formatCount(account().uses) })}
              <Show when={account().breaker.consecutiveFailures > 0}>
                {" · "}
                {t("providers.health.failuresInRow", { count: account().breaker.consecutiveFailures })}
              </Show>
            </p>
            <Show when={account().lastFailure}>
              {(failure) => (
                <p class="connection-detail">
                  <span class="connection-detail__label">{t("providers.health.lastFailure")}</span>{" "}
                  <span class="break-anywhere" data-testid="connection-last-failure">
                    {failure().reason}
                  </span>{" "}
                  <span class="muted">({formatTime(failure().at)})</span>
                </p>
              )}
            </Show>
          </>
        )}
      </Show>
    </div>
  );
}

function BreakerBadge(props: { breaker: Breaker; now: number }) {
  const text = () => {
    const label = t(BREAKER_STATES[props.breaker.state]);
    return props.breaker.state === "open" ? withTime(label, secondsUntil(props.breaker.openUntil, props.now)) : label;
  };
  return (
    <span
      class="badge"
      classList={{
        "badge--muted": props.breaker.state === "closed",
        "badge--error": props.breaker.state === "open",
        "connection-badge--warning": props.breaker.state === "half-open",
      }}
    >
      {text()}
    </span>
  );
}
