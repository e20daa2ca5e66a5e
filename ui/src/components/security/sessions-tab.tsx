import { createMemo, createSignal, Show } from "solid-js";
import { createApiQuery } from "../../api/create-api-query";
import { createConfirmedAction } from "../../api/create-confirmed-action";
import { securityApi, type AdminSession } from "../../api/security-api";
import { formatDateTime } from "../../format/format-date-time";
import { t } from "../../i18n/locale-store";
import { ConfirmDialog } from "../confirm-dialog";
import { DataTable } from "../data-table";
import { ErrorNotice } from "../error-notice";
import { LoadingNotice } from "../loading-notice";
import { browserOfUserAgent } from "./browser-of-user-agent";
import { PasswordChangeForm } from "./password-change-form";

function browserLabel(session: AdminSession): string {
  const name = browserOfUserAgent(session.userAgent);
  if (!name) return t("security.sessions.unknownBrowser");
  return name.system ? t("security.sessions.browserOn", { browser: name.browser, system: name.system }) : name.browser;
}

/** This browser's session first, then the most recently active. */
function byRelevance(a: AdminSession, b: AdminSession): number {
  if (a.current !== b.current) return a.current ? -1 : 1;
  return b.lastSeenAt.localeCompare(a.lastSeenAt);
}

/** Dashboard sessions: who is signed in from where, revoke one or every other; the password change. */
export function SessionsTab() {
  const sessions = createApiQuery(securityApi.listSessions);
  const [outcome, setOutcome] = createSignal("");
  const ordered = createMemo(() => [...(sessions.data()?.sessions ?? [])].sort(byRelevance));
  const others = () => ordered().filter((session) => !session.current).length;

  const revocation = createConfirmedAction(async (session: AdminSession) => {
    await securityApi.revokeSession(session.id);
    setOutcome(t("security.sessions.revoked", { browser: browserLabel(session) }));
    await sessions.refetch();
  });
  const revokeOthers = createConfirmedAction(async (_all: true) => {
    const { revoked } = await securityApi.revokeOtherSessions();
    setOutcome(t("security.sessions.revokedOthers", { count: revoked }));
    await sessions.refetch();
  });

  return (
    <div class="security-tab">
      <section class="panel" aria-labelledby="security-sessions-heading">
        <div class="security-panel-heading">
          <h2 id="security-sessions-heading">{t("security.sessions.heading")}</h2>
          <div class="row-actions">
            <button type="button" class="button button--small" aria-busy={sessions.loading()} onClick={() => void sessions.refetch()}>
              {t("common.refresh")}
            </button>
            <button type="button" class="button button--small button--danger-quiet" disabled={others() === 0} onClick={() => revokeOthers.request(true)}>
              {t("security.sessions.revokeOthers")}
            </button>
          </div>
        </div>
        <p class="muted">{t("security.sessions.intro")}</p>
        <p class="form-success" role="status">
          {outcome()}
        </p>
        <Show when={sessions.error()}>{(error) => <ErrorNotice error={error()} onRetry={sessions.refetch} />}</Show>
        <Show when={sessions.data()} fallback={<Show when={!sessions.error()}><LoadingNotice /></Show>}>
          <DataTable
            class="security-table"
            caption={t("security.sessions.caption")}
            columns={[t("security.sessions.browser"), t("security.sessions.address"), t("security.sessions.created"), t("security.sessions.lastSeen"), t("common.actions")]}
            rows={ordered()}
          >
            {(session) => (
              <tr data-session-id={session.id} classList={{ "security-row--current": session.current }}>
                <td data-label={t("security.sessions.browser")}>
                  {/* One child: on phones the cell is a two-column grid (label, value). */}
                  <span class="security-browser">
                    <span title={session.userAgent ?? undefined}>{browserLabel(session)}</span>
                    <Show when={session.current}>
                      <span class="badge badge--ok">{t("security.sessions.current")}</span>
                    </Show>
                  </span>
                </td>
                <td data-label={t("security.sessions.address")} class="security-mono">
                  {session.ip ?? t("security.unknown")}
                </td>
                <td data-label={t("security.sessions.created")} class="nowrap">
                  {formatDateTime(session.createdAt)}
                </td>
                <td data-label={t("security.sessions.lastSeen")} class="nowrap">
                  {formatDateTime(session.lastSeenAt)}
                </td>
                <td data-label={t("common.actions")}>
                  <Show when={!session.current} fallback={<span class="muted">{t("security.sessions.currentHint")}</span>}>
                    <button
                      type="button"
                      class="button button--small button--danger-quiet"
                      aria-label={t("security.sessions.revokeNamed", { browser: browserLabel(session), address: session.ip ?? t("security.unknown") })}
                      onClick={() => revocation.request(session)}
                    >
                      {t("security.sessions.revoke")}
                    </button>
                  </Show>
                </td>
              </tr>
            )}
          </DataTable>
        </Show>
      </section>

      <PasswordChangeForm onChanged={() => void sessions.refetch()} />

      <ConfirmDialog
        open={revocation.pending() !== undefined}
        title={t("security.sessions.revokeTitle")}
        message={t("security.sessions.revokeMessage", {
          browser: revocation.pending() ? browserLabel(revocation.pending()!) : "",
          address: revocation.pending()?.ip ?? t("security.unknown"),
        })}
        confirmLabel={t("security.sessions.revoke")}
        busy={revocation.busy()}
        error={revocation.error()}
        onConfirm={() => void revocation.confirm()}
        onCancel={revocation.cancel}
      />
      <ConfirmDialog
        open={revokeOthers.pending() !== undefined}
        title={t("security.sessions.revokeOthersTitle")}
        message={t("security.sessions.revokeOthersMessage", { count: others() })}
        confirmLabel={t("security.sessions.revokeOthers")}
        busy={revokeOthers.busy()}
        error={revokeOthers.error()}
        onConfirm={() => void revokeOthers.confirm()}
        onCancel={revokeOthers.cancel}
      />
    </div>
  );
}
